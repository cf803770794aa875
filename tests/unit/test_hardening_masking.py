"""Issue 8 A3: one ID-number masker for every spelling a desk meets, fed by a property test.

Valid numbers are made with python-stdnum (GB 11643 check digit), then written every way a
receptionist, a paste or a spreadsheet writes them: glued to a prefix, grouped with spaces,
two spaces, no-break or ideographic spaces, hyphens, dots or slashes, in full-width digits
ending in a full-width X. Phone numbers, work-order numbers and dates are never masked.
"""

from __future__ import annotations

import unicodedata
from datetime import date

from hypothesis import assume, example, given, settings
from hypothesis import strategies as st
from stdnum.cn import ric

from frontdesk.core.text import mask_id_number, mask_ids_in_text, shown

# Real county codes (Beijing Chaoyang, Shanghai Xuhui, Guangzhou Tianhe, Shenzhen Nanshan,
# Chengdu Jinjiang, Taipei-born numbers are not GB 11643, so none here).
AREAS = ("110105", "110108", "310104", "440106", "440305", "510104", "330106", "420106")
SEPARATORS = (" ", "  ", "\u00a0", "\u3000", "-", ".", "/", "\t", " - ", "\uff0d", "\u2014")
PREFIXES = ("", "身份證號", "身份证号:", "ID:", "ID", "證件 ", "id=", "(", "證號:", "No.")
SUFFIXES = ("", " 已核對", "。", ")", ",電話見下", "号")
GROUPINGS = ((18,), (6, 8, 4), (6, 4, 4, 4), (3, 3, 4, 4, 4), (6, 8, 3, 1), (4, 4, 4, 4, 2))


@st.composite
def id_numbers(draw) -> str:
    area = draw(st.sampled_from(AREAS))
    born = draw(st.dates(min_value=date(1950, 1, 1), max_value=date(2024, 12, 31)))
    seq = draw(st.integers(min_value=0, max_value=999))
    body = f"{area}{born:%Y%m%d}{seq:03d}"
    number = body + ric.calc_check_digit(body + "0")
    assume(ric.is_valid(number))
    return number


def full_width(text: str) -> str:
    return "".join(chr(ord(c) + 0xFEE0) if c.isdigit() or c == "X" else c for c in text)


def spell(number: str, grouping: tuple[int, ...], sep: str, wide: bool) -> str:
    parts, at = [], 0
    for size in grouping:
        parts.append(number[at : at + size])
        at += size
    text = sep.join(parts)
    return full_width(text) if wide else text


def digits_of(text: str) -> str:
    """What a reader could copy out of ``text``: its digits and X, separators dropped."""
    return "".join(c for c in unicodedata.normalize("NFKC", text).upper() if c.isdigit() or c == "X")


@settings(max_examples=400)
@given(
    number=id_numbers(),
    grouping=st.sampled_from(GROUPINGS),
    sep=st.sampled_from(SEPARATORS),
    wide=st.booleans(),
    lower_x=st.booleans(),
    prefix=st.sampled_from(PREFIXES),
    suffix=st.sampled_from(SUFFIXES),
)
@example(number="11010519491231002X", grouping=(18,), sep=" ", wide=False, lower_x=False, prefix="身份證號",
         suffix="")
@example(number="11010519491231002X", grouping=(18,), sep=" ", wide=True, lower_x=False, prefix="", suffix="")
@example(number="11010519491231002X", grouping=(6, 8, 4), sep="\u3000", wide=False, lower_x=False, prefix="ID:",
         suffix="")
def test_every_spelling_of_a_valid_number_is_masked(number, grouping, sep, wide, lower_x, prefix, suffix):
    written = spell(number, grouping, sep, wide)
    if lower_x:
        written = written.replace("X", "x").replace("Ｘ", "ｘ")
    text = f"{prefix}{written}{suffix}"
    out = mask_ids_in_text(text)
    assert number not in digits_of(out), (text, out)
    assert number[6:14] not in digits_of(out), (text, out)  # the birth date is gone
    assert mask_id_number(number).upper() in out.upper(), (text, out)
    assert out.startswith(prefix) and out.endswith(suffix)
    assert shown(text) == out.replace("\t", " ")  # shown() masks the same way


@settings(max_examples=200)
@given(
    numbers=st.lists(id_numbers(), min_size=2, max_size=3),
    sep=st.sampled_from(SEPARATORS),
    between=st.sampled_from([" ", ",", " 與 ", "\n", " / "]),
)
def test_several_numbers_in_one_note_are_all_masked(numbers, sep, between):
    text = between.join(spell(n, (6, 8, 4), sep, False) for n in numbers)
    out = mask_ids_in_text(text)
    for n in numbers:
        assert n not in digits_of(out) and mask_id_number(n) in out, (text, out)


# --- what must stay as written ---------------------------------------------------


@st.composite
def phones(draw) -> str:
    second = draw(st.sampled_from("3456789"))
    rest = draw(st.text(alphabet="0123456789", min_size=9, max_size=9))
    number = f"1{second}{rest}"
    style = draw(st.sampled_from(["solid", "spaced", "dashed", "plus", "plus_spaced", "dotted"]))
    return {
        "solid": number,
        "spaced": f"{number[:3]} {number[3:7]} {number[7:]}",
        "dashed": f"{number[:3]}-{number[3:7]}-{number[7:]}",
        "plus": f"+86{number}",
        "plus_spaced": f"+86 {number[:3]} {number[3:7]} {number[7:]}",
        "dotted": f"{number[:3]}.{number[3:7]}.{number[7:]}",
    }[style]


@st.composite
def work_orders(draw) -> str:
    year = draw(st.integers(min_value=2020, max_value=2040))
    serial = draw(st.integers(min_value=1, max_value=999999))
    return f"{year}-{serial:06d}"


@st.composite
def dates(draw) -> str:
    day = draw(st.dates(min_value=date(1990, 1, 1), max_value=date(2040, 12, 31)))
    style = draw(st.sampled_from(["%Y-%m-%d", "%Y/%m/%d", "%Y.%m.%d", "%Y%m%d", "%Y年%m月%d日", "%m/%d"]))
    return day.strftime(style)


ordinary = st.one_of(phones(), work_orders(), dates(), st.sampled_from(["09:30", "¥1,234.50", "3-2-1101", "第 12 次"]))


@settings(max_examples=400)
@given(items=st.lists(ordinary, min_size=1, max_size=4),
       glue=st.sampled_from([" ", ", ", ";", " 電話 ", " 單號 ", "\n", "、"]))
def test_phones_work_orders_and_dates_are_left_alone(items, glue):
    text = "備註:" + glue.join(items)
    assert mask_ids_in_text(text) == text


def test_a_date_written_next_to_a_phone_or_a_work_order_stays():
    for text in (
        "2026-03-31 13812345678",
        "2026-03-31 138 1234 5678",
        "2026-11-05 139 1012 1234",
        "2026-03-31 2026-000123",
        "2026-000123 2026-03-31",
        "13812345678 2026/3/31",
        "+86 138 1234 5678 2026-03-19",
        "單號 2026-000123,電話 +86 138 1234 5678,預約 2026-04-01 09:30",
        "order 1234567890123456789012",  # longer digit runs are not ID numbers
    ):
        assert mask_ids_in_text(text) == text, text


def test_a_number_beside_a_phone_is_masked_and_the_phone_kept():
    text = "13812345678 110105 19491231 002X"
    assert mask_ids_in_text(text) == "13812345678 110105********002X"
    text = "電話138-1234-5678/身份證11010519491231002X"
    assert mask_ids_in_text(text) == "電話138-1234-5678/身份證110105********002X"


def test_an_old_fifteen_digit_number_and_a_glued_latin_prefix():
    assert mask_ids_in_text("old 110105491231002") == "old 110105*****1002"
    assert mask_ids_in_text("ID11010519491231002X") == "ID110105********002X"
    assert mask_ids_in_text("110105 491231 002") == "110105*****1002"
