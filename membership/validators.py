"""The checks on identifiers and dates, shared by the models, the forms, the services and the
importers (one implementation of each rule).

- Resident ID number, GB 11643-1999: 6-digit area code, birth date YYYYMMDD, 3-digit sequence
  (17th digit odd = male), check character from weights 7 9 10 5 8 4 2 1 6 3 7 9 10 5 8 4 2,
  sum mod 11 → "10X98765432". The area code is not looked up in any table on purpose.
- Unified social credit code, GB 32100-2015: 18 characters from "0123456789ABCDEFGHJKLMNPQRTUWXY",
  check character 31 − (weighted sum mod 31), 31 → 0.

Validators take the value as staff typed it: they check the normalised form (`normalize_*`), so
a lowercase x is accepted; services store the normalised form.
"""

import datetime
import re
from operator import mul

from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _

from .codelists import Sex

ID_NUMBER_LENGTH = 18
ID_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
ID_CHECK_CHARACTERS = "10X98765432"
ID_NUMBER_PATTERN = r"^[0-9]{17}[0-9X]$"
_ID_SHAPE = re.compile(ID_NUMBER_PATTERN)

CREDIT_CODE_LENGTH = 18
CREDIT_CODE_CHARSET = "0123456789ABCDEFGHJKLMNPQRTUWXY"
CREDIT_CODE_WEIGHTS = (1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28)
CREDIT_CODE_PATTERN = r"^[0-9A-HJ-NPQRTUWXY]{18}$"
_CREDIT_CODE_SHAPE = re.compile(CREDIT_CODE_PATTERN)
_CREDIT_CODE_VALUES = {char: value for value, char in enumerate(CREDIT_CODE_CHARSET)}

MOBILE_PATTERN = r"^1[3-9][0-9]{9}$"
MIN_MEMBER_AGE = 16


# --- resident ID number -------------------------------------------------------------------------


def normalize_id_number(value):
    """Strip spaces and upper-case the check character: " 11010519491231002x " → "…002X"."""
    if value is None:
        return ""
    return str(value).strip().replace(" ", "").upper()


def id_check_character(first17):
    """The GB 11643 check character for the first 17 digits."""
    if len(first17) != len(ID_WEIGHTS):
        raise ValueError("17 digits expected")
    return ID_CHECK_CHARACTERS[sum(map(mul, map(int, first17), ID_WEIGHTS)) % 11]


def _birth_date_of(number):
    try:
        return datetime.date(int(number[6:10]), int(number[10:12]), int(number[12:14]))
    except ValueError:
        return None


def validate_id_number(value, *, today=None):
    """Raise ValidationError (in Chinese, saying what is wrong) unless `value` is a valid
    18-character resident ID number. `today` (default: today in Asia/Shanghai) lets a bulk
    check of many numbers look up the date once."""
    _checked_birth_date(normalize_id_number(value), today)


def _checked_birth_date(number, today):
    """The birth date of a normalised, valid number; ValidationError otherwise."""
    if len(number) != ID_NUMBER_LENGTH:
        raise ValidationError(
            _("身份证号应为18位，“%(value)s”是%(length)d位。"),
            code="id_length",
            params={"value": number, "length": len(number)},
        )
    if not _ID_SHAPE.match(number):  # say which character is wrong
        for position, char in enumerate(number, start=1):
            allowed = "0123456789X" if position == ID_NUMBER_LENGTH else "0123456789"
            if char not in allowed:
                raise ValidationError(
                    _(
                        "身份证号前17位只能是数字，最后一位是数字或X：第%(position)d位是“%(char)s”。"
                    ),
                    code="id_character",
                    params={"position": position, "char": char},
                )
    birth_date = _birth_date_of(number)
    if birth_date is None or birth_date.year < 1900:
        raise ValidationError(
            _("身份证号中的出生日期“%(digits)s”不是有效日期。"),
            code="id_birth_date",
            params={"digits": number[6:14]},
        )
    if birth_date > (today or timezone.localdate()):
        raise ValidationError(
            _("身份证号中的出生日期 %(date)s 晚于今天。"),
            code="id_birth_date_future",
            params={"date": birth_date.isoformat()},
        )
    expected = id_check_character(number[:17])
    if number[17] != expected:
        raise ValidationError(
            _("身份证号校验位错误：最后一位应为“%(expected)s”，实际是“%(actual)s”。"),
            code="id_check_character",
            params={"expected": expected, "actual": number[17]},
        )
    return birth_date


def id_number_info(value, *, today=None):
    """(sex, birth_date) of a valid ID number; sex is `Sex.MALE` when the 17th digit is odd.
    Raises ValidationError for an invalid number."""
    number = normalize_id_number(value)
    birth_date = _checked_birth_date(number, today)
    sex = Sex.MALE if int(number[16]) % 2 == 1 else Sex.FEMALE
    return sex, birth_date


def mask_id_number(value):
    """ "11010519491231002X" → "110105********002X": area code and last four only."""
    if isinstance(value, str) and len(value) == ID_NUMBER_LENGTH and " " not in value:
        return f"{value[:6]}********{value[14:]}".upper()
    number = normalize_id_number(value)
    if len(number) <= 10:
        return "*" * len(number)
    return number[:6] + "*" * (len(number) - 10) + number[-4:]


# --- unified social credit code -----------------------------------------------------------------


def normalize_credit_code(value):
    """Strip spaces and upper-case."""
    if value is None:
        return ""
    return str(value).strip().replace(" ", "").upper()


def credit_code_check_character(first17):
    """The GB 32100 check character for the first 17 characters."""
    if len(first17) != len(CREDIT_CODE_WEIGHTS):
        raise ValueError("17 characters expected")
    total = sum(map(mul, map(_CREDIT_CODE_VALUES.__getitem__, first17), CREDIT_CODE_WEIGHTS))
    check = 31 - total % 31
    return CREDIT_CODE_CHARSET[0 if check == 31 else check]


def validate_credit_code(value):
    """Raise ValidationError (in Chinese, saying what is wrong) unless `value` is a valid
    unified social credit code."""
    code = normalize_credit_code(value)
    if len(code) != CREDIT_CODE_LENGTH:
        raise ValidationError(
            _("统一社会信用代码应为18位，“%(value)s”是%(length)d位。"),
            code="credit_code_length",
            params={"value": code, "length": len(code)},
        )
    if not _CREDIT_CODE_SHAPE.match(code):  # say which character is wrong
        for position, char in enumerate(code, start=1):
            if char not in CREDIT_CODE_CHARSET:
                raise ValidationError(
                    _(
                        "统一社会信用代码只能由数字和大写字母（不含 I、O、S、V、Z）组成："
                        "第%(position)d位是“%(char)s”。"
                    ),
                    code="credit_code_character",
                    params={"position": position, "char": char},
                )
    expected = credit_code_check_character(code[:17])
    if code[17] != expected:
        raise ValidationError(
            _("统一社会信用代码校验位错误：最后一位应为“%(expected)s”，实际是“%(actual)s”。"),
            code="credit_code_check_character",
            params={"expected": expected, "actual": code[17]},
        )


# --- phone and dates ----------------------------------------------------------------------------


def validate_mobile_phone(value):
    """An 11-digit mainland mobile number starting with 1."""
    if not re.fullmatch(MOBILE_PATTERN, value or ""):
        raise ValidationError(
            _("手机号应为以1开头的11位数字：“%(value)s”。"),
            code="mobile_phone",
            params={"value": value},
        )


def birthday_at_age(birth_date, years):
    """The date a person born on `birth_date` turns `years` (29 February → 1 March)."""
    try:
        return birth_date.replace(year=birth_date.year + years)
    except ValueError:
        return datetime.date(birth_date.year + years, 3, 1)


def validate_not_future(value, *, what, today=None):
    """`what` names the date in the message, e.g. "入会日期"."""
    if value > (today or timezone.localdate()):
        raise ValidationError(
            _("%(what)s %(date)s 晚于今天，不能登记未来的日期。"),
            code="future_date",
            params={"what": what, "date": value.isoformat()},
        )


def validate_join_date(joined_on, *, birth_date, today=None):
    """A join date is not in the future and not before the person turned 16."""
    if joined_on > (today or timezone.localdate()):
        validate_not_future(joined_on, what=_("入会日期"), today=today)
    turned_16 = birthday_at_age(birth_date, MIN_MEMBER_AGE)
    if joined_on < turned_16:
        raise ValidationError(
            _(
                "入会日期 %(joined)s 早于本人年满16周岁的日期 %(turned)s"
                "（出生日期 %(birth)s），未满16周岁不能入会。"
            ),
            code="join_before_16",
            params={
                "joined": joined_on.isoformat(),
                "turned": turned_16.isoformat(),
                "birth": birth_date.isoformat(),
            },
        )


def validate_sex_matches_id(sex, id_number):
    """When a form or a file states the sex, it must agree with the ID number's 17th digit."""
    derived, _birth = id_number_info(id_number)
    if sex and sex != derived:
        raise ValidationError(
            _("性别“%(given)s”与身份证号不符：身份证号第17位表示“%(derived)s”。"),
            code="sex_mismatch",
            params={
                "given": Sex(sex).label if sex in Sex.values else sex,
                "derived": derived.label,
            },
        )
