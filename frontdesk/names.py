"""Chinese names, phones, unit numbers and ID numbers: parsing, search keys, masking.

Plain functions with no database and no Textual, shared by the owners registry,
the CSV import, the demo data and the desk queue.
"""

from __future__ import annotations

import re
import unicodedata

from frontdesk.core.i18n import t

# pypinyin (its phrase dictionary takes ~0.25 s to load), phonenumbers and stdnum
# are imported where they are used, so the app paints its first screen sooner.

# Two-character surnames (複姓), traditional and simplified spellings.
COMPOUND_SURNAMES = frozenset(
    """歐陽 欧阳 司馬 司马 諸葛 诸葛 上官 東方 东方 皇甫 令狐 慕容 尉遲 尉迟 夏侯 公孫 公孙
    長孫 长孙 宇文 司徒 申屠 澹臺 澹台 軒轅 轩辕 南宮 南宫 西門 西门 鍾離 钟离 端木 呼延 聞人 闻人
    赫連 赫连 拓跋 百里 東郭 东郭 萬俟 万俟 完顏 完颜 獨孤 独孤 單于 单于 太史 左丘 濮陽 濮阳""".split()
)

_CJK = re.compile(r"[\u3400-\u9fff\uf900-\ufaff]")


def clean_text(text: str) -> str:
    """NFKC-normalise (full-width digits and dashes become ASCII) and trim."""
    return unicodedata.normalize("NFKC", text or "").strip()


def surname_of(name: str) -> str:
    """The family name: the first character, or two for a compound surname (歐陽娜娜 → 歐陽)."""
    name = clean_text(name)
    if not name:
        return ""
    if not _CJK.match(name):
        # A Latin name: "Li Wei" → "Li"
        return name.split()[0]
    if name[:2] in COMPOUND_SURNAMES and len(name) > 2:
        return name[:2]
    return name[0]


def name_keys(name: str) -> tuple[str, str]:
    """Search keys for a name: pinyin initials and full pinyin, lower case (王小明 → wxm, wangxiaoming)."""
    from pypinyin import Style, lazy_pinyin

    name = clean_text(name)
    syllables = [s.lower() for s in lazy_pinyin(name, errors=lambda chars: list(chars)) if s.strip()]
    initials = "".join(lazy_pinyin(name, style=Style.FIRST_LETTER, errors=lambda chars: list(chars))).lower()
    initials = re.sub(r"[^0-9a-z]", "", initials)
    full = re.sub(r"[^0-9a-z]", "", "".join(syllables))
    return initials, full


def normalize_phone(text: str) -> str:
    """A phone number as E.164 (``+8613812345678``), checked with phonenumbers for CN.

    Empty input gives ``""``; an invalid number raises ``ValueError`` with a
    translated message.
    """
    import phonenumbers

    text = clean_text(text)
    if not text:
        return ""
    try:
        number = phonenumbers.parse(text, "CN")
    except phonenumbers.NumberParseException as exc:
        raise ValueError(t("names.phone_invalid", phone=text)) from exc
    if not phonenumbers.is_valid_number(number):
        raise ValueError(t("names.phone_invalid", phone=text))
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)


def format_phone(e164: str) -> str:
    """For display: ``138 1234 5678`` for a CN mobile, international form otherwise."""
    import phonenumbers

    if not e164:
        return ""
    try:
        number = phonenumbers.parse(e164, "CN")
    except phonenumbers.NumberParseException:
        return e164
    if number.country_code == 86:
        return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.NATIONAL)
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.INTERNATIONAL)


def phone_tail(e164: str) -> str:
    """The last four digits, the quick way a desk finds an owner."""
    digits = re.sub(r"\D", "", e164 or "")
    return digits[-4:]


# 3-2-1101 / 3棟2單元1101 / 3栋2单元1101室 / 3号楼2单元1101
_UNIT_DASHED = re.compile(r"^(\w{1,8}?)-(\w{1,8}?)-(\w{1,8})$")
_UNIT_WORDS = re.compile(
    r"^(?P<b>[0-9A-Za-z]{1,8})\s*(?:棟|栋|號樓|号楼|座|幢)\s*"
    r"(?P<e>[0-9A-Za-z]{1,8})\s*(?:單元|单元)\s*(?P<r>[0-9A-Za-z]{1,8})\s*(?:室|號|号)?$"
)


def parse_unit_code(text: str) -> tuple[str, str, str] | None:
    """(building, entrance, room) from ``3-2-1101`` or ``3棟2單元1101``; ``None`` if it is not one."""
    text = clean_text(text).replace("—", "-").replace("－", "-").replace(" ", "")
    m = _UNIT_WORDS.match(text)
    if m:
        return m["b"].upper(), m["e"].upper(), m["r"].upper()
    m = _UNIT_DASHED.match(text)
    if m and all(part.isalnum() and part.isascii() for part in m.groups()):
        return tuple(part.upper() for part in m.groups())  # type: ignore[return-value]
    return None


def unit_code(building: str, entrance: str, room: str) -> str:
    return f"{building}-{entrance}-{room}"


_UNIT_PREFIX = re.compile(
    r"^(?P<b>[0-9A-Za-z]{1,8})(?:\s*(?:棟|栋|號樓|号楼|座|幢|-)\s*(?P<e>[0-9A-Za-z]{0,8})"
    r"(?:\s*(?:單元|单元|-)\s*(?P<r>[0-9A-Za-z]{0,8}))?)?$"
)


def unit_search_prefix(text: str) -> str | None:
    """The unit-code prefix a partly typed unit number stands for (``3棟2`` → ``3-2``), or ``None``.

    Text without a separator (棟, 單元, -) is not a unit prefix: bare digits are
    more likely phone digits, bare letters pinyin initials.
    """
    text = clean_text(text).replace(" ", "")
    if not text or text.isdigit():
        return None
    full = parse_unit_code(text)
    if full:
        return unit_code(*full)
    m = _UNIT_PREFIX.match(text)
    if not m:
        return None
    parts = [m["b"].upper()]
    sep_after_b = len(text) > len(m["b"])
    if not sep_after_b:
        return None  # "wxm" or "A" alone are names or initials, not units
    if m["e"] is not None and sep_after_b:
        parts.append(m["e"].upper())
        if m["r"] is not None and m["r"] != "" or text.endswith(("單元", "单元")) or text.count("-") >= 2:
            parts.append((m["r"] or "").upper())
    prefix = "-".join(parts)
    if sep_after_b and len(parts) == 1:
        prefix += "-"
    return prefix


def validate_id_number(text: str) -> str:
    """A Chinese resident ID number (GB 11643, check digit verified), upper case."""
    from stdnum.cn import ric

    value = clean_text(text).upper().replace(" ", "")
    if not ric.is_valid(value):
        raise ValueError(t("names.id_invalid"))
    return value
