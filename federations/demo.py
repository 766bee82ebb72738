"""The demo district: a Fengtai-like tree with the federations the seed articles name."""

from federations.models import Federation

K = Federation.Kind
S = Federation.JointScope

DISTRICT = ("FT", "丰台区总工会", K.DISTRICT, "", "丰台区文体路 XX 号", "010-63800000", "王建国")

# code, name, kind, address, chair; then the joint unions below it: code, name, scope
SUBFEDERATIONS = [
    (
        ("FT-TPQ", "太平桥街道总工会", K.STREET, "太平桥路 XX 号", "李红"),
        [
            ("FT-TPQ-J01", "东管头社区联合工会", S.COMMUNITY),
            ("FT-TPQ-J02", "莲花池社区联合工会", S.COMMUNITY),
            ("FT-TPQ-J03", "太平桥东里社区联合工会", S.COMMUNITY),
            ("FT-TPQ-J04", "丽泽商务区楼宇联合工会", S.BUILDING),
        ],
    ),
    (
        ("FT-DGD", "东高地街道总工会", K.STREET, "东高地街 XX 号", "张伟"),
        [
            ("FT-DGD-J01", "东高地社区联合工会", S.COMMUNITY),
            ("FT-DGD-J02", "万源东里社区联合工会", S.COMMUNITY),
            ("FT-DGD-J03", "三角地社区联合工会", S.COMMUNITY),
            ("FT-DGD-J04", "航天科技行业联合工会", S.INDUSTRY),
        ],
    ),
    (
        ("FT-WZ", "王佐镇总工会", K.TOWN, "王佐镇政府院内", "刘志刚"),
        [
            ("FT-WZ-J01", "王佐村联合工会", S.COMMUNITY),
            ("FT-WZ-J02", "南宫村联合工会", S.COMMUNITY),
            ("FT-WZ-J03", "王佐镇餐饮行业联合工会", S.INDUSTRY),
        ],
    ),
    (
        ("FT-LGQ", "卢沟桥地区总工会", K.AREA, "卢沟桥南里 XX 号", "赵敏"),
        [
            ("FT-LGQ-J01", "郭庄子村联合工会", S.COMMUNITY),
            ("FT-LGQ-J02", "中都科技大厦楼宇联合工会", S.BUILDING),
            ("FT-LGQ-J03", "卢沟桥物流行业联合工会", S.INDUSTRY),
        ],
    ),
    (
        ("FT-XC", "新村街道总工会", K.STREET, "新村街道办事处", "陈静"),
        [
            ("FT-XC-J01", "新村社区联合工会", S.COMMUNITY),
            ("FT-XC-J02", "育芳园社区联合工会", S.COMMUNITY),
        ],
    ),
    (
        ("FT-YAM", "右安门街道总工会", K.STREET, "右安门外大街 XX 号", "孙丽"),
        [
            ("FT-YAM-J01", "翠林社区联合工会", S.COMMUNITY),
            ("FT-YAM-J02", "玉林社区联合工会", S.COMMUNITY),
        ],
    ),
    (
        ("FT-CXD", "长辛店镇总工会", K.TOWN, "长辛店镇政府院内", "周强"),
        [
            ("FT-CXD-J01", "长辛店村联合工会", S.COMMUNITY),
            ("FT-CXD-J02", "长辛店建材行业联合工会", S.INDUSTRY),
        ],
    ),
]

# username, full name, role, federation code
USERS = [
    ("office", "区总工会办公室", "office", "FT"),
    ("district_admin", "区总工会系统管理员", "admin", "FT"),
    ("district_chair", "区总工会主席", "chair", "FT"),
    ("tpq_chair", "太平桥街道工会主席", "chair", "FT-TPQ"),
    ("tpq_staff", "太平桥街道工会干事", "staff", "FT-TPQ"),
    ("dgd_chair", "东高地街道工会主席", "chair", "FT-DGD"),
    ("dgd_staff", "东高地街道工会干事", "staff", "FT-DGD"),
    ("wz_staff", "王佐镇工会干事", "staff", "FT-WZ"),
    ("lgq_admin", "卢沟桥地区工会管理员", "admin", "FT-LGQ"),
]
