"""Identity documents and plates: tables of real formats, and no crash on any text."""

from __future__ import annotations

from datetime import datetime, timezone

import pytest
from hypothesis import given
from hypothesis import strategies as st
from stdnum.cn import ric

from frontdesk.core import clock
from frontdesk.documents import (
    Document,
    DocumentError,
    fingerprint,
    guess_kind,
    mask_document,
    normalize,
    parse_document,
)
from frontdesk.plates import PlateError, normalize_plate, parse_plate, plate_kind


def with_check(first17: str) -> str:
    return first17 + ric.calc_check_digit(first17 + "0")


VALID_RIC = "11010519491231002X"
HK_RESIDENCE = with_check("81000019900101001")
UNKNOWN_REGION = with_check("99000019900101001")


@pytest.mark.parametrize("text", [
    VALID_RIC, "11010519491231002x", "110105 19491231 002X", "110105-19491231-002X",
    "１１０１０５１９４９１２３１００２Ｘ", with_check("44030419851010123"),
])
def test_valid_resident_id_numbers(text):
    doc = parse_document("ric", text)
    assert doc.kind == "ric" and len(doc.number) == 18 and doc.warnings == ()
    assert doc.masked == doc.number[:6] + "********" + doc.number[-4:]


@pytest.mark.parametrize("text,words", [
    ("11010519491231002", "18"),             # too short
    ("110105194912310021", "校驗碼"),        # wrong check digit
    (with_check("11010519490231002"), "19490231"),  # 31 February
    (with_check("11010530000101002"), "30000101"),  # born in the future
    ("11010519491231002A", "數字"),          # a letter at the end that is not X
    ("", "請輸入"),
    (HK_RESIDENCE, "居住證"),                # a residence permit typed as an ID card
])
def test_invalid_resident_id_numbers_say_why(text, words):
    with pytest.raises(DocumentError) as info:
        parse_document("ric", text)
    assert words in str(info.value)


def test_unknown_region_code_is_a_warning_only():
    doc = parse_document("ric", UNKNOWN_REGION)
    assert doc.number == UNKNOWN_REGION and "990000" in doc.warnings[0]


def test_residence_permits_check_digit_and_date_only():
    assert parse_document("residence", HK_RESIDENCE).warnings == ()
    assert parse_document("residence", with_check("83000019800229002")).kind == "residence"
    with pytest.raises(DocumentError):
        parse_document("residence", VALID_RIC)  # not 81/82/83
    with pytest.raises(DocumentError):
        parse_document("residence", with_check("82000019810229002"))  # 1981 had no 29 February


@pytest.mark.parametrize("kind,good,bad", [
    ("hk_macau", ["H12345678", "M87654321", "h1234567890", "HA1234567", "MA7654321"],
     ["H1234567", "K12345678", "HA12345678", "12345678"]),
    ("taiwan", ["12345678", "0012 3456"], ["1234567", "T1234567", "123456789"]),
    ("passport", ["E12345678", "EA1234567", "G1234567", "X00000"], ["E1", "E1234!5678", "護照123"]),
])
def test_permits_and_passports(kind, good, bad):
    for text in good:
        assert parse_document(kind, text).kind == kind, text
    for text in bad:
        with pytest.raises(DocumentError):
            parse_document(kind, text)


def test_guess_kind_and_masking_of_short_documents():
    assert guess_kind(VALID_RIC) == "ric" and guess_kind(HK_RESIDENCE) == "residence"
    assert guess_kind("H12345678") == "hk_macau" and guess_kind("12345678") == "taiwan"
    assert guess_kind("E12345678") == "passport" and guess_kind("hello world!") is None
    assert mask_document("H12345678") == "*****5678"


def test_the_number_never_shows_in_repr_or_str():
    doc = parse_document("ric", VALID_RIC)
    assert VALID_RIC not in repr(doc) and VALID_RIC not in str(doc) and VALID_RIC not in f"{doc}"
    assert doc.tail == "002X"


def test_fingerprint_is_keyed_and_stable():
    doc = parse_document("ric", "110105 19491231 002x")
    same = parse_document("ric", VALID_RIC)
    assert fingerprint(doc, b"k1") == fingerprint(same, b"k1")
    assert fingerprint(doc, b"k1") != fingerprint(doc, b"k2")
    assert VALID_RIC not in fingerprint(doc, b"k1")
    with pytest.raises(ValueError):
        fingerprint(doc, b"")


def test_born_today_is_valid_on_the_desk_clock():
    previous = clock.use(clock.FixedClock(datetime(2026, 3, 31, 4, 0, tzinfo=timezone.utc)))
    try:
        assert parse_document("ric", with_check("11010520260331002")).kind == "ric"
        with pytest.raises(DocumentError):
            parse_document("ric", with_check("11010520260401002"))
    finally:
        clock.use(previous)


@given(st.sampled_from(["ric", "residence", "hk_macau", "taiwan", "passport"]), st.text())
def test_any_text_is_parsed_or_refused_with_a_message(kind, text):
    try:
        doc = parse_document(kind, text)
    except DocumentError as exc:
        assert str(exc)
    else:
        assert isinstance(doc, Document) and doc.number == normalize(text)


# --- plates (GA 36) ---------------------------------------------------------------------

@pytest.mark.parametrize("text,plate,kind", [
    ("京A12345", "京A12345", "ordinary"),
    ("粤B3C5D7", "粤B3C5D7", "ordinary"),
    ("沪a·88888", "沪A88888", "ordinary"),
    ("滬A 12345", "沪A12345", "ordinary"),
    ("粵B-1234X", "粤B1234X", "ordinary"),
    ("京AD12345", "京AD12345", "new_energy"),
    ("沪AF12345", "沪AF12345", "new_energy"),
    ("沪AFA1234", "沪AFA1234", "new_energy"),
    ("京A12345D", "京A12345D", "new_energy"),
    ("苏E12345F", "苏E12345F", "new_energy"),
    ("粤Z1234港", "粤Z1234港", "special"),
    ("粤Z1234澳", "粤Z1234澳", "special"),
    ("京A1234学", "京A1234学", "special"),
    ("京A1234學", "京A1234学", "special"),
    ("京A1234警", "京A1234警", "special"),
    ("鲁B1234挂", "鲁B1234挂", "special"),
    ("魯B1234掛", "鲁B1234挂", "special"),
])
def test_real_plate_formats(text, plate, kind):
    assert parse_plate(text) == plate
    assert plate_kind(plate) == kind


@pytest.mark.parametrize("text,words", [
    ("", "請輸入"),
    ("A12345", "省份"),
    ("台A12345", "省份"),
    ("京112345", "第二位"),
    ("京I12345", "第二位"),
    ("京A1234O", "I 或 O"),
    ("京A1234", "7 位"),
    ("京A1234567", "7 位"),
    ("京AX12345", "格式"),       # 8 characters but no D / F
    ("京AD1234A", "格式"),       # small new-energy: the last four are digits
    ("京A1234D5", "格式"),
    ("京A12港", "位"),
])
def test_bad_plates_say_why(text, words):
    with pytest.raises(PlateError) as info:
        parse_plate(text)
    assert words in str(info.value)


@given(st.text())
def test_any_text_is_a_plate_or_refused(text):
    try:
        plate = parse_plate(text)
    except PlateError as exc:
        assert str(exc)
    else:
        assert plate == normalize_plate(text) and plate_kind(plate) is not None
