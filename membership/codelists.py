"""Code lists of the enterprise and member registration forms, following the national standards
where one exists. Values are what the database stores; labels are what staff read and write (and
what import files contain — see `choice_from_label`).

- Ethnicity: GB/T 3304 two-digit codes (01 汉族 … 56 基诺族, 97 其他, 98 外国血统中国籍人士).
- Education: the top-level categories of GB/T 4658-2006 (10 研究生 … 80 小学; 90 其他).
- Political status: GB/T 4762 codes; the eight democratic parties (04–11) are one entry, 04.
- Industry: the sections A–T of GB/T 4754-2017.
- Economic type: as on the union organisation registration form.
"""

from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy


class Sex(models.TextChoices):
    """GB/T 2261.1 人的性别代码."""

    MALE = "1", _lazy("男")
    FEMALE = "2", _lazy("女")


class EconomicType(models.TextChoices):
    STATE = "state", _lazy("国有")
    COLLECTIVE = "collective", _lazy("集体")
    PRIVATE = "private", _lazy("私营")
    FOREIGN = "foreign", _lazy("外资")
    HMT = "hmt", _lazy("港澳台")
    INDIVIDUAL = "individual", _lazy("个体")
    OTHER = "other", _lazy("其他")


class Industry(models.TextChoices):
    """GB/T 4754-2017 国民经济行业分类, sections (门类)."""

    A = "A", _lazy("农、林、牧、渔业")
    B = "B", _lazy("采矿业")
    C = "C", _lazy("制造业")
    D = "D", _lazy("电力、热力、燃气及水生产和供应业")
    E = "E", _lazy("建筑业")
    F = "F", _lazy("批发和零售业")
    G = "G", _lazy("交通运输、仓储和邮政业")
    H = "H", _lazy("住宿和餐饮业")
    I = "I", _lazy("信息传输、软件和信息技术服务业")  # noqa: E741
    J = "J", _lazy("金融业")
    K = "K", _lazy("房地产业")
    L = "L", _lazy("租赁和商务服务业")
    M = "M", _lazy("科学研究和技术服务业")
    N = "N", _lazy("水利、环境和公共设施管理业")
    O = "O", _lazy("居民服务、修理和其他服务业")  # noqa: E741
    P = "P", _lazy("教育")
    Q = "Q", _lazy("卫生和社会工作")
    R = "R", _lazy("文化、体育和娱乐业")
    S = "S", _lazy("公共管理、社会保障和社会组织")
    T = "T", _lazy("国际组织")


class Ethnicity(models.TextChoices):
    """GB/T 3304 中国各民族名称的罗马字母拼写法和代码."""

    HAN = "01", _lazy("汉族")
    MONGOL = "02", _lazy("蒙古族")
    HUI = "03", _lazy("回族")
    TIBETAN = "04", _lazy("藏族")
    UYGHUR = "05", _lazy("维吾尔族")
    MIAO = "06", _lazy("苗族")
    YI = "07", _lazy("彝族")
    ZHUANG = "08", _lazy("壮族")
    BUYEI = "09", _lazy("布依族")
    KOREAN = "10", _lazy("朝鲜族")
    MANCHU = "11", _lazy("满族")
    DONG = "12", _lazy("侗族")
    YAO = "13", _lazy("瑶族")
    BAI = "14", _lazy("白族")
    TUJIA = "15", _lazy("土家族")
    HANI = "16", _lazy("哈尼族")
    KAZAK = "17", _lazy("哈萨克族")
    DAI = "18", _lazy("傣族")
    LI = "19", _lazy("黎族")
    LISU = "20", _lazy("傈僳族")
    VA = "21", _lazy("佤族")
    SHE = "22", _lazy("畲族")
    GAOSHAN = "23", _lazy("高山族")
    LAHU = "24", _lazy("拉祜族")
    SUI = "25", _lazy("水族")
    DONGXIANG = "26", _lazy("东乡族")
    NAXI = "27", _lazy("纳西族")
    JINGPO = "28", _lazy("景颇族")
    KIRGIZ = "29", _lazy("柯尔克孜族")
    TU = "30", _lazy("土族")
    DAUR = "31", _lazy("达斡尔族")
    MULAO = "32", _lazy("仫佬族")
    QIANG = "33", _lazy("羌族")
    BLANG = "34", _lazy("布朗族")
    SALAR = "35", _lazy("撒拉族")
    MAONAN = "36", _lazy("毛南族")
    GELAO = "37", _lazy("仡佬族")
    XIBE = "38", _lazy("锡伯族")
    ACHANG = "39", _lazy("阿昌族")
    PUMI = "40", _lazy("普米族")
    TAJIK = "41", _lazy("塔吉克族")
    NU = "42", _lazy("怒族")
    UZBEK = "43", _lazy("乌孜别克族")
    RUSSIAN = "44", _lazy("俄罗斯族")
    EWENKI = "45", _lazy("鄂温克族")
    DEANG = "46", _lazy("德昂族")
    BONAN = "47", _lazy("保安族")
    YUGUR = "48", _lazy("裕固族")
    GIN = "49", _lazy("京族")
    TATAR = "50", _lazy("塔塔尔族")
    DERUNG = "51", _lazy("独龙族")
    OROQEN = "52", _lazy("鄂伦春族")
    HEZHEN = "53", _lazy("赫哲族")
    MONBA = "54", _lazy("门巴族")
    LHOBA = "55", _lazy("珞巴族")
    JINO = "56", _lazy("基诺族")
    OTHER = "97", _lazy("其他")
    FOREIGN_ORIGIN = "98", _lazy("外国血统中国籍人士")


class Education(models.TextChoices):
    """GB/T 4658-2006 学历代码, top-level categories."""

    POSTGRADUATE = "10", _lazy("研究生")
    BACHELOR = "20", _lazy("大学本科")
    JUNIOR_COLLEGE = "30", _lazy("大学专科")
    SECONDARY_VOCATIONAL = "40", _lazy("中等专科/职业高中/技工学校")
    HIGH_SCHOOL = "60", _lazy("普通高中")
    JUNIOR_HIGH = "70", _lazy("初中")
    PRIMARY_OR_BELOW = "80", _lazy("小学及以下")


class PoliticalStatus(models.TextChoices):
    """GB/T 4762 政治面貌代码 (the democratic parties 04–11 as one entry)."""

    CPC_MEMBER = "01", _lazy("中共党员")
    CPC_PROBATIONARY = "02", _lazy("中共预备党员")
    CYL_MEMBER = "03", _lazy("共青团员")
    DEMOCRATIC_PARTY = "04", _lazy("民主党派成员")
    NON_PARTISAN = "12", _lazy("无党派人士")
    MASSES = "13", _lazy("群众")


class HouseholdType(models.TextChoices):
    """户籍类型: 本地/外地 (Beijing or elsewhere) × 城镇/农村."""

    LOCAL_URBAN = "local_urban", _lazy("本地城镇")
    LOCAL_RURAL = "local_rural", _lazy("本地农村")
    NONLOCAL_URBAN = "nonlocal_urban", _lazy("外地城镇")
    NONLOCAL_RURAL = "nonlocal_rural", _lazy("外地农村")


class EmploymentStatus(models.TextChoices):
    EMPLOYED = "employed", _lazy("在岗")
    FLEXIBLE = "flexible", _lazy("灵活就业")
    LAID_OFF = "laid_off", _lazy("待岗/下岗")
    UNEMPLOYED = "unemployed", _lazy("失业")
    RETIRED = "retired", _lazy("退休")


class SkillLevel(models.TextChoices):
    """国家职业资格等级 (五级 … 一级)."""

    NONE = "none", _lazy("无")
    JUNIOR = "junior", _lazy("初级工")
    INTERMEDIATE = "intermediate", _lazy("中级工")
    SENIOR = "senior", _lazy("高级工")
    TECHNICIAN = "technician", _lazy("技师")
    SENIOR_TECHNICIAN = "senior_technician", _lazy("高级技师")


# What staff commonly write instead of the label; looked up after labels and values.
ALIASES = {
    Sex: {"男性": Sex.MALE, "女性": Sex.FEMALE},
    EconomicType: {
        "国有企业": EconomicType.STATE,
        "集体企业": EconomicType.COLLECTIVE,
        "民营": EconomicType.PRIVATE,
        "私营企业": EconomicType.PRIVATE,
        "民营企业": EconomicType.PRIVATE,
        "外商投资": EconomicType.FOREIGN,
        "外资企业": EconomicType.FOREIGN,
        "港澳台投资": EconomicType.HMT,
        "港澳台企业": EconomicType.HMT,
        "个体工商户": EconomicType.INDIVIDUAL,
    },
    Ethnicity: {"汉": Ethnicity.HAN, "蒙古": Ethnicity.MONGOL, "回": Ethnicity.HUI},
    Education: {
        "博士": Education.POSTGRADUATE,
        "硕士": Education.POSTGRADUATE,
        "博士研究生": Education.POSTGRADUATE,
        "硕士研究生": Education.POSTGRADUATE,
        "本科": Education.BACHELOR,
        "大学": Education.BACHELOR,
        "大专": Education.JUNIOR_COLLEGE,
        "专科": Education.JUNIOR_COLLEGE,
        "中专": Education.SECONDARY_VOCATIONAL,
        "中等专科": Education.SECONDARY_VOCATIONAL,
        "职高": Education.SECONDARY_VOCATIONAL,
        "职业高中": Education.SECONDARY_VOCATIONAL,
        "技校": Education.SECONDARY_VOCATIONAL,
        "技工学校": Education.SECONDARY_VOCATIONAL,
        "高中": Education.HIGH_SCHOOL,
        "初中": Education.JUNIOR_HIGH,
        "小学": Education.PRIMARY_OR_BELOW,
        "文盲": Education.PRIMARY_OR_BELOW,
    },
    PoliticalStatus: {
        "党员": PoliticalStatus.CPC_MEMBER,
        "中国共产党党员": PoliticalStatus.CPC_MEMBER,
        "预备党员": PoliticalStatus.CPC_PROBATIONARY,
        "中国共产党预备党员": PoliticalStatus.CPC_PROBATIONARY,
        "团员": PoliticalStatus.CYL_MEMBER,
        "共青团员": PoliticalStatus.CYL_MEMBER,
        "中国共产主义青年团团员": PoliticalStatus.CYL_MEMBER,
        "无党派民主人士": PoliticalStatus.NON_PARTISAN,
    },
    SkillLevel: {
        "五级": SkillLevel.JUNIOR,
        "四级": SkillLevel.INTERMEDIATE,
        "三级": SkillLevel.SENIOR,
        "二级": SkillLevel.TECHNICIAN,
        "一级": SkillLevel.SENIOR_TECHNICIAN,
    },
}

NAMES = {
    Sex: _lazy("性别"),
    EconomicType: _lazy("经济类型"),
    Industry: _lazy("行业"),
    Ethnicity: _lazy("民族"),
    Education: _lazy("学历"),
    PoliticalStatus: _lazy("政治面貌"),
    HouseholdType: _lazy("户籍类型"),
    EmploymentStatus: _lazy("就业状态"),
    SkillLevel: _lazy("技能等级"),
}


def choice_from_label(choices, text, *, field=None):
    """The stored value for what a person wrote: the Chinese label ("私营"), the stored value
    ("private", "01", "C"), or a common alias ("本科", "党员"). Surrounding spaces are ignored.

    `choice_from_label(EconomicType, "私营") == "private"`. Raises ValidationError naming the field
    and the allowed labels when nothing matches. Empty text returns "" (callers decide whether the
    field is required).
    """
    text = "" if text is None else str(text).strip()
    if not text:
        return ""
    for value, label in choices.choices:
        if text == str(label) or text == value:
            return value
    alias = ALIASES.get(choices, {}).get(text)
    if alias is not None:
        return alias.value
    if choices is Industry and text[:1].upper() in choices.values:
        # "C", "c", "C 制造业", "C制造业"
        rest = text[1:].strip()
        if not rest or rest == str(Industry(text[:1].upper()).label):
            return text[:1].upper()
    name = field or NAMES.get(choices, _("代码"))
    raise ValidationError(
        _("“%(text)s”不是有效的%(name)s，可选：%(labels)s。"),
        code="invalid_choice",
        params={"text": text, "name": name, "labels": "、".join(str(c.label) for c in choices)},
    )
