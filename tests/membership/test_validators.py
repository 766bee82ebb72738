import datetime

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from membership.codelists import (
    EconomicType,
    Education,
    Ethnicity,
    Industry,
    PoliticalStatus,
    Sex,
    choice_from_label,
)
from membership.validators import (
    CREDIT_CODE_CHARSET,
    credit_code_check_character,
    id_check_character,
    id_number_info,
    mask_id_number,
    normalize_id_number,
    validate_credit_code,
    validate_id_number,
    validate_join_date,
    validate_sex_matches_id,
)
from tests.membership.factories import make_credit_code, make_id_number

VALID_ID = "11010519491231002X"
VALID_CREDIT_CODE = "91350100M000100Y43"


def messages_of(error_info):
    return " ".join(error_info.value.messages)


# --- resident ID numbers ------------------------------------------------------------------------


@pytest.mark.parametrize("value", [VALID_ID, "11010519491231002x", " 11010519491231002X "])
def test_the_standard_example_id_number_is_valid(value):
    # given the example from GB 11643 (also with a lowercase x and stray spaces)
    # when it is validated, then nothing is raised
    validate_id_number(value)


def test_generated_id_numbers_are_valid():
    for sex in (Sex.MALE, Sex.FEMALE):
        validate_id_number(make_id_number(sex=sex))


def test_each_wrong_check_character_is_refused_naming_the_expected_one():
    # given the first 17 digits of a valid number
    body = VALID_ID[:17]
    wrong = [char for char in "0123456789X" if char != "X"]
    assert len(wrong) == 10
    for char in wrong:
        # when the last character is any other one
        with pytest.raises(ValidationError) as error:
            validate_id_number(body + char)
        # then the message says which character was expected
        assert error.value.code == "id_check_character"
        assert "校验位错误" in messages_of(error)
        assert "应为“X”" in messages_of(error)
        assert f"实际是“{char}”" in messages_of(error)


@pytest.mark.parametrize(
    "value", ["", "1101051949123100", "11010519491231002X1", "110105491231002"]
)
def test_wrong_length_is_refused(value):
    with pytest.raises(ValidationError) as error:
        validate_id_number(value)
    assert error.value.code == "id_length"
    assert "应为18位" in messages_of(error)
    assert f"是{len(value)}位" in messages_of(error)


@pytest.mark.parametrize(
    ("value", "position", "char"),
    [
        ("1101051949123100XX", 17, "X"),
        ("11010519491231002Y", 18, "Y"),
        ("11010519A91231002X", 9, "A"),
        ("１1010519491231002X", 1, "１"),
    ],
)
def test_bad_characters_are_refused_with_their_position(value, position, char):
    with pytest.raises(ValidationError) as error:
        validate_id_number(value)
    assert error.value.code == "id_character"
    assert f"第{position}位是“{char}”" in messages_of(error)


@pytest.mark.parametrize("digits", ["19490231", "19491301", "19490000", "18991231"])
def test_impossible_birth_dates_are_refused_even_with_a_right_check_character(digits):
    # given a number whose check character is right but whose birth date cannot exist
    body = f"110105{digits}002"
    value = body + id_check_character(body)
    # when it is validated, then the birth date is named as the problem
    with pytest.raises(ValidationError) as error:
        validate_id_number(value)
    assert error.value.code == "id_birth_date"
    assert f"“{digits}”不是有效日期" in messages_of(error)


def test_a_birth_date_in_the_future_is_refused():
    tomorrow = timezone.localdate() + datetime.timedelta(days=1)
    with pytest.raises(ValidationError, match="晚于今天"):
        validate_id_number(make_id_number(birth_date=tomorrow))


def test_sex_and_birth_date_are_derived_from_the_id_number():
    # given the example (17th digit 2, even) and a generated male number
    male = make_id_number(birth_date=datetime.date(1990, 2, 28), sex=Sex.MALE)
    # then the example is a woman born 1949-12-31 and the other a man born 1990-02-28
    assert id_number_info(VALID_ID) == (Sex.FEMALE, datetime.date(1949, 12, 31))
    assert id_number_info(male) == (Sex.MALE, datetime.date(1990, 2, 28))
    assert int(male[16]) % 2 == 1


def test_a_sex_that_disagrees_with_the_id_number_is_refused():
    validate_sex_matches_id(Sex.FEMALE, VALID_ID)
    with pytest.raises(ValidationError, match="性别“男”与身份证号不符"):
        validate_sex_matches_id(Sex.MALE, VALID_ID)


def test_masking_keeps_the_area_code_and_the_last_four():
    assert mask_id_number(VALID_ID) == "110105********002X"
    assert mask_id_number("11010519491231002x") == "110105********002X"
    assert normalize_id_number(" 11010519491231002x") == VALID_ID


# --- unified social credit codes ----------------------------------------------------------------


def test_the_standard_example_credit_code_is_valid():
    validate_credit_code(VALID_CREDIT_CODE)
    validate_credit_code(VALID_CREDIT_CODE.lower())
    validate_credit_code(make_credit_code())


def test_a_check_value_of_31_maps_to_0():
    # given a body whose weighted sum is a multiple of 31 (all zeros)
    # then the check character is "0", not out of range
    assert credit_code_check_character("0" * 17) == "0"
    validate_credit_code("0" * 18)


def test_each_wrong_credit_code_check_character_is_refused():
    body = VALID_CREDIT_CODE[:17]
    wrong = [char for char in CREDIT_CODE_CHARSET if char != "3"]
    assert len(wrong) == 30
    for char in wrong:
        with pytest.raises(ValidationError) as error:
            validate_credit_code(body + char)
        assert error.value.code == "credit_code_check_character"
        assert "应为“3”" in messages_of(error)


@pytest.mark.parametrize("value", ["", "91350100M000100Y4", "91350100M000100Y433"])
def test_credit_code_of_wrong_length_is_refused(value):
    with pytest.raises(ValidationError, match="应为18位"):
        validate_credit_code(value)


@pytest.mark.parametrize("char", ["I", "O", "S", "V", "Z", "-", "中"])
def test_credit_code_characters_outside_the_charset_are_refused(char):
    value = "9135010" + char + "M000100Y43"
    with pytest.raises(ValidationError) as error:
        validate_credit_code(value)
    assert error.value.code == "credit_code_character"
    assert f"第8位是“{char}”" in messages_of(error)


# --- dates --------------------------------------------------------------------------------------


def test_join_date_before_the_16th_birthday_is_refused():
    birth = datetime.date(2000, 5, 10)
    validate_join_date(datetime.date(2016, 5, 10), birth_date=birth)
    with pytest.raises(ValidationError, match="年满16周岁的日期 2016-05-10"):
        validate_join_date(datetime.date(2016, 5, 9), birth_date=birth)


def test_born_on_29_february_turns_16_on_1_march():
    birth = datetime.date(2004, 2, 29)
    validate_join_date(datetime.date(2020, 2, 29), birth_date=birth)  # 2020 is a leap year
    birth = datetime.date(2000, 2, 29)
    with pytest.raises(ValidationError):
        validate_join_date(datetime.date(2016, 2, 28), birth_date=birth)


def test_join_date_in_the_future_is_refused():
    tomorrow = timezone.localdate() + datetime.timedelta(days=1)
    with pytest.raises(ValidationError, match="入会日期 .* 晚于今天"):
        validate_join_date(tomorrow, birth_date=datetime.date(1980, 1, 1))


# --- code lists ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("choices", "text", "value"),
    [
        (EconomicType, "私营", "private"),
        (EconomicType, " 港澳台 ", "hmt"),
        (EconomicType, "private", "private"),
        (Industry, "制造业", "C"),
        (Industry, "c", "C"),
        (Industry, "C 制造业", "C"),
        (Ethnicity, "汉族", "01"),
        (Ethnicity, "56", "56"),
        (Ethnicity, "基诺族", "56"),
        (Education, "本科", "20"),
        (Education, "大学本科", "20"),
        (PoliticalStatus, "群众", "13"),
        (PoliticalStatus, "党员", "01"),
        (Sex, "女", "2"),
        (EconomicType, "", ""),
    ],
)
def test_choice_from_label_finds_labels_values_and_aliases(choices, text, value):
    assert choice_from_label(choices, text) == value


def test_choice_from_label_names_the_field_and_the_choices_when_nothing_matches():
    with pytest.raises(ValidationError) as error:
        choice_from_label(EconomicType, "民办非企业")
    assert "“民办非企业”不是有效的经济类型" in messages_of(error)
    assert "国有、集体、私营" in messages_of(error)


def test_code_lists_follow_the_standards():
    assert len([e for e in Ethnicity if e.value <= "56"]) == 56
    assert [i.value for i in Industry] == list("ABCDEFGHIJKLMNOPQRST")
    assert Industry.I.label == "信息传输、软件和信息技术服务业"
