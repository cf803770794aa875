"""names: unit numbers, surnames, pinyin keys, phones and ID numbers (no database, no Textual)."""

from __future__ import annotations

import pytest

from frontdesk.core import i18n
from frontdesk.core.text import mask_id_number
from frontdesk.names import (
    clean_text,
    format_phone,
    name_keys,
    normalize_phone,
    parse_unit_code,
    phone_tail,
    surname_of,
    unit_code,
    unit_search_prefix,
    validate_id_number,
)


@pytest.fixture(autouse=True)
def _language():
    i18n.set_language("zh-Hant")
    yield
    i18n.set_language("zh-Hant")


# --- unit numbers --------------------------------------------------------------------


@pytest.mark.parametrize(
    "text",
    [
        "3-2-1101",
        " 3-2-1101 ",
        "3棟2單元1101",
        "3栋2单元1101",
        "3栋2单元1101室",
        "3棟2單元1101號",
        "3号楼2单元1101",
        "3幢2单元1101号",
        "3座2單元1101",
        "3 棟 2 單元 1101",
        "３棟２單元１１０１",  # full-width digits, as a Chinese IME types them
        "３－２－１１０１",
        "3—2—1101",
    ],
)
def test_parse_unit_code_both_forms(text):
    assert parse_unit_code(text) == ("3", "2", "1101")


def test_parse_unit_code_letters_upper_case():
    assert parse_unit_code("a-1-101") == ("A", "1", "101")
    assert parse_unit_code("B棟1單元0102") == ("B", "1", "0102")


@pytest.mark.parametrize("text", ["", "3-2", "wxm", "王小明", "3-2-1101-5", "-2-1101", "3棟2單元", "1101", "3棟2單元1101室室"])
def test_parse_unit_code_rejects_what_is_not_a_unit(text):
    assert parse_unit_code(text) is None


def test_unit_code():
    assert unit_code("3", "2", "1101") == "3-2-1101"
    assert unit_code(*parse_unit_code("3栋2单元1101室")) == "3-2-1101"


@pytest.mark.parametrize(
    ("text", "prefix"),
    [
        ("3-2-1101", "3-2-1101"),
        ("3棟2單元1101", "3-2-1101"),
        ("3-2-11", "3-2-11"),
        ("3-2-", "3-2-"),
        ("3-2", "3-2"),
        ("3-", "3-"),
        ("12-", "12-"),
        ("3棟", "3-"),
        ("3栋", "3-"),
        ("3棟2", "3-2"),
        ("3棟2單元", "3-2-"),
        ("3栋2单元", "3-2-"),
        ("３棟２單元", "3-2-"),
        ("a-", "A-"),
    ],
)
def test_unit_search_prefix(text, prefix):
    assert unit_search_prefix(text) == prefix


@pytest.mark.parametrize("text", ["", "  ", "3", "1101", "5678", "wxm", "A", "王", "王小明", "-", "13812345678"])
def test_unit_search_prefix_none_for_digits_names_and_initials(text):
    assert unit_search_prefix(text) is None


# --- names ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "surname"),
    [
        ("王小明", "王"),
        ("李娜", "李"),
        ("歐陽娜娜", "歐陽"),
        ("欧阳娜娜", "欧阳"),
        ("司馬勇鑫", "司馬"),
        ("司马勇鑫", "司马"),
        ("上官婉兒", "上官"),
        ("諸葛亮", "諸葛"),
        ("  東方璐 ", "東方"),
        ("歐陽", "歐"),  # two characters: a surname and a given name, not a compound alone
        ("Li Wei", "Li"),
        ("", ""),
    ],
)
def test_surname_of(name, surname):
    assert surname_of(name) == surname


def test_name_keys_initials_and_full_pinyin():
    assert name_keys("王小明") == ("wxm", "wangxiaoming")
    assert name_keys("歐陽娜娜") == ("oynn", "ouyangnana")
    assert name_keys("欧阳娜娜") == ("oynn", "ouyangnana")
    assert name_keys(" 李 娜 ") == ("ln", "lina")


def test_name_keys_latin_and_empty():
    assert name_keys("Li Wei") == ("liwei", "liwei")
    assert name_keys("") == ("", "")


def test_clean_text_full_width():
    assert clean_text("  １３８ＡＢ ") == "138AB"
    assert clean_text(None) == ""  # type: ignore[arg-type]


# --- phones --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "e164"),
    [
        ("13812345678", "+8613812345678"),
        ("138 1234 5678", "+8613812345678"),
        ("138-1234-5678", "+8613812345678"),
        ("+86 138 1234 5678", "+8613812345678"),
        ("+8613812345678", "+8613812345678"),
        ("１３８１２３４５６７８", "+8613812345678"),
        ("010-62345678", "+861062345678"),  # Beijing landline
        ("02162345678", "+862162345678"),  # Shanghai landline
        ("0755-8888 1234", "+8675588881234"),  # Shenzhen landline
        ("０１０－６２３４５６７８", "+861062345678"),
        ("+852 9123 4567", "+85291234567"),  # Hong Kong mobile, with its country code
        ("", ""),
        ("   ", ""),
    ],
)
def test_normalize_phone_valid(text, e164):
    assert normalize_phone(text) == e164


@pytest.mark.parametrize("text", ["12345", "1381234567", "138123456789", "23456789", "abc", "010-1234", "10086x"])
def test_normalize_phone_invalid(text):
    with pytest.raises(ValueError) as exc:
        normalize_phone(text)
    message = str(exc.value)
    assert text.strip() in message and "無效" in message


def test_normalize_phone_message_translated():
    i18n.set_language("en")
    with pytest.raises(ValueError, match="is not valid"):
        normalize_phone("12345")


def test_format_phone_and_tail():
    assert format_phone("+8613812345678") == "138 1234 5678"
    assert format_phone("+861062345678") == "010 6234 5678"
    assert format_phone("") == ""
    assert phone_tail("+8613812345678") == "5678"
    assert phone_tail("") == ""


# --- ID numbers (GB 11643) ------------------------------------------------------------


def test_mask_id_number():
    assert mask_id_number("11010519491231002X") == "110105********002X"
    assert mask_id_number("110105491231002") == "110105*****1002"
    assert mask_id_number("E1234567") == "****4567"
    assert mask_id_number("123") == "***"
    assert mask_id_number("") == ""


@pytest.mark.parametrize(
    "text",
    ["11010519491231002X", "11010519491231002x", "110105 19491231 002X", "１１０１０５１９４９１２３１００２Ｘ"],
)
def test_validate_id_number_valid(text):
    assert validate_id_number(text) == "11010519491231002X"


@pytest.mark.parametrize(
    "text",
    [
        "110105194912310021",  # wrong check digit
        "11010519491231002",  # too short
        "11010519491331002X",  # month 13
        "abc",
        "",
    ],
)
def test_validate_id_number_invalid(text):
    with pytest.raises(ValueError, match="身分證號碼無效"):
        validate_id_number(text)
