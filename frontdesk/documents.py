"""Identity documents a visitor or a contractor worker shows at the desk (seed 五 確認對方的身份, 5.1).

Plain functions, no database. A number is checked here, then only its masked form,
its last four characters and a keyed hash (:func:`fingerprint`) are kept: the full
number never reaches the database, a screen, an export or a log (PIPL art. 6, 19).

Kinds
- ``ric`` 居民身份證: 18 characters, GB 11643 check digit (python-stdnum ``cn.ric``), a
  real birth date. An unknown region code is only a warning: stdnum's table of codes
  is not complete, and a valid card may carry a code it does not know.
- ``residence`` 港澳台居民居住證: the same layout and check digit, region 810000
  (Hong Kong), 820000 (Macau) or 830000 (Taiwan).
- ``hk_macau`` 港澳居民來往內地通行證 (回鄉證): H or M and 8 digits (the card), the older
  booklet's H or M and 10 digits, and HA / MA and 7 digits (holders who are not Chinese
  nationals).
- ``taiwan`` 台灣居民來往大陸通行證 (台胞證): 8 digits.
- ``passport`` 護照: 5 to 20 letters and digits.
"""

from __future__ import annotations

import hashlib
import hmac
import re
import unicodedata
from dataclasses import dataclass
from datetime import date

from frontdesk.core import clock
from frontdesk.core.i18n import t
from frontdesk.core.text import mask_id_number

KINDS: tuple[str, ...] = ("ric", "residence", "hk_macau", "taiwan", "passport")
RESIDENCE_REGIONS = {"810000": "hk", "820000": "macau", "830000": "taiwan"}

_SEPARATORS = re.compile(r"[\s\-./\\·•_,，。]+")
_HK_MACAU = re.compile(r"^(?:[HM]\d{8}|[HM]\d{10}|[HM]A\d{7})$")
_TAIWAN = re.compile(r"^\d{8}$")
_PASSPORT = re.compile(r"^[A-Z0-9]{5,20}$")


class DocumentError(ValueError):
    """A number that is not a valid document of its kind; the message says why, in the user's language."""


@dataclass(frozen=True)
class Document:
    """A checked document. ``number`` is held in memory only, to hash it; never store or show it."""

    kind: str
    number: str
    warnings: tuple[str, ...] = ()

    @property
    def masked(self) -> str:
        return mask_document(self.number)

    @property
    def tail(self) -> str:
        """The last four characters: how a returning visitor is found at the desk."""
        return self.number[-4:]

    def __repr__(self) -> str:  # never the number, even in a traceback or a debugger
        return f"Document(kind={self.kind!r}, masked={self.masked!r})"

    __str__ = __repr__


def normalize(text: str) -> str:
    """Full-width to ASCII, upper case, spaces and separators removed: ``１１０１ 0519-…ｘ`` → ``110105…X``."""
    text = unicodedata.normalize("NFKC", text or "").upper()
    return _SEPARATORS.sub("", text)


def mask_document(number: str) -> str:
    """``110105********002X`` for ID numbers; shorter documents keep only their last four."""
    return mask_id_number(normalize(number))


def kind_label(kind: str) -> str:
    return t(f"documents.kind.{kind}")


def _gb11643(number: str, *, residence: bool) -> tuple[str, ...]:
    from stdnum.cn import ric

    if len(number) != 18:
        raise DocumentError(t("documents.err_ric_length", length=len(number)))
    if not number[:17].isdigit() or not (number[17].isdigit() or number[17] == "X"):
        raise DocumentError(t("documents.err_ric_format"))
    if number[-1] != ric.calc_check_digit(number):
        raise DocumentError(t("documents.err_check_digit"))
    try:
        born = ric.get_birth_date(number)
    except Exception as exc:  # stdnum raises InvalidComponent for 19490231
        raise DocumentError(t("documents.err_birth_date", value=number[6:14])) from exc
    if born.year < 1900 or born > clock.today():
        raise DocumentError(t("documents.err_birth_date", value=number[6:14]))
    if residence:
        if number[:6] not in RESIDENCE_REGIONS:
            raise DocumentError(t("documents.err_residence_region"))
        return ()
    if number[:6] in RESIDENCE_REGIONS:
        raise DocumentError(t("documents.err_is_residence"))
    try:
        ric.get_birth_place(number)
    except Exception:  # noqa: BLE001 - an unknown region code is a warning, not a refusal
        return (t("documents.warn_region", code=number[:6]),)
    return ()


def parse_document(kind: str, text: str) -> Document:
    """Check ``text`` as a document of ``kind``; :class:`DocumentError` says what is wrong."""
    if kind not in KINDS:
        raise DocumentError(t("documents.err_kind", kind=kind or "—"))
    number = normalize(text)
    if not number:
        raise DocumentError(t("documents.err_empty"))
    if kind in ("ric", "residence"):
        return Document(kind, number, _gb11643(number, residence=kind == "residence"))
    if kind == "hk_macau":
        if not _HK_MACAU.match(number):
            raise DocumentError(t("documents.err_hk_macau"))
    elif kind == "taiwan":
        if not _TAIWAN.match(number):
            raise DocumentError(t("documents.err_taiwan"))
    elif not _PASSPORT.match(number):
        raise DocumentError(t("documents.err_passport"))
    return Document(kind, number)


def guess_kind(text: str) -> str | None:
    """The kind a typed number most likely is, or None: the desk need not pick the kind first."""
    number = normalize(text)
    if len(number) == 18 and number[:17].isdigit():
        return "residence" if number[:6] in RESIDENCE_REGIONS else "ric"
    if _HK_MACAU.match(number):
        return "hk_macau"
    if _TAIWAN.match(number):
        return "taiwan"
    if _PASSPORT.match(number) and any(c.isalpha() for c in number):
        return "passport"
    return None


def fingerprint(document: Document, key: bytes) -> str:
    """A keyed hash (HMAC-SHA256) that recognises the same document typed again.

    The key is kept outside the database; without it the hash says nothing about the
    number (an 18-digit ID number has few enough values to be guessed from a plain hash).
    """
    if not key:
        raise ValueError("a document fingerprint needs a key")
    message = f"{document.kind}:{document.number}".encode()
    return hmac.new(key, message, hashlib.sha256).hexdigest()


def birth_date(document: Document) -> date | None:
    """The birth date an ID number or residence permit carries (None for other kinds)."""
    if document.kind not in ("ric", "residence"):
        return None
    from stdnum.cn import ric

    return ric.get_birth_date(document.number)
