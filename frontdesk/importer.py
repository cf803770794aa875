"""Import units and owners from a CSV file, all in one transaction.

Domain only (no Textual, no click): :func:`import_owners` reads the bytes,
checks every row, and either writes everything that was accepted or nothing.

* Encoding: UTF-8 (with or without the BOM Excel adds) or GBK / GB18030 (what
  Chinese Excel saves); anything else is refused with one clear message.
* A header row is required; Chinese or English column names
  (單元/unit, 姓名/name, 性別/gender, 電話/phone, 電話2/phone2, 身份/role,
  VIP, 熟客/familiar, 備註/notes). 單元, 姓名 and 性別 must be there.
* Each data row is one person in one unit. The same person (same name and
  phone) on several rows becomes one owner with several units; a person
  already in the database (same name and phone) gets the new units. Without
  a phone a person is known only by name within a unit: the same name in the
  same unit is a repeat, in another unit another person. Units are created
  as needed.
* Every rejected row is reported with its line number and reason. If any row
  is rejected nothing is written, unless ``skip_bad`` is given.
* The file is streamed, never held whole: a first pass checks every row (keeping
  only a 16-byte digest per person and per unit link to find repeats) and spills
  the accepted rows, already normalised, to a private temporary file; only when
  everything is checked does a second pass write them, 500 at a time, in the
  caller's transaction. Memory stays a few times the file's size whatever its
  length (``benchmarks/import_memory.py``).
* A database with a damaged page takes no import (``PRAGMA quick_check`` first).
"""

from __future__ import annotations

import codecs
import csv
import hashlib
import io
import pickle
import re
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import BinaryIO

from sqlalchemy import bindparam, case, insert, select, update
from sqlmodel import Session

from frontdesk.core.db import require_intact
from frontdesk.core.errors import FrontdeskError, ValidationError
from frontdesk.core.i18n import t, tn
from frontdesk.models import Occupancy, Owner, Unit, utcnow
from frontdesk.names import clean_text, phone_tail, unit_code
from frontdesk.owners import OwnerForm, owner_values, parse_gender, parse_role, validate_form

ENCODINGS = ("utf-8-sig", "gb18030")
# Column → the header names accepted for it (compared after clean-up, see _header_key).
COLUMNS: dict[str, tuple[str, ...]] = {
    "unit": ("單元", "单元", "單元號", "单元号", "房號", "房号", "unit", "unitcode"),
    "name": ("姓名", "name"),
    "gender": ("性別", "性别", "gender", "sex"),
    "phone": ("電話", "电话", "手機", "手机", "電話1", "电话1", "手機號", "手机号", "手機號碼", "手机号码", "電話號碼",
              "电话号码", "聯繫電話", "联系电话", "聯絡電話", "联络电话", "phone", "phone1", "mobile"),
    "phone2": ("電話2", "电话2", "手機2", "手机2", "phone2", "mobile2"),
    "role": ("身份", "身分", "角色", "role"),
    "vip": ("vip", "貴賓", "贵宾"),
    "familiar": ("熟客", "familiar"),
    "notes": ("備註", "备注", "notes", "note", "remarks"),
}
REQUIRED = ("unit", "name", "gender")
_YES = {"是", "1", "y", "yes", "true", "t", "v", "✓", "√", "vip", "熟客"}
_NO = {"", "否", "0", "n", "no", "false", "f", "-", "—"}
_CHUNK = 500


class ImportFileError(FrontdeskError):
    """The file as a whole cannot be imported (encoding, header, empty); nothing was written."""


@dataclass
class Rejected:
    line: int
    reason: str

    @property
    def message(self) -> str:
        return t("importer.line", line=self.line, reason=self.reason)


@dataclass
class ImportReport:
    encoding: str = ""
    rows: int = 0  # data rows read (blank lines not counted)
    accepted: int = 0
    rejected: list[Rejected] = field(default_factory=list)
    ignored_columns: list[str] = field(default_factory=list)
    units_created: int = 0
    owners_created: int = 0
    owners_matched: int = 0  # people already in the database who got new units
    links_created: int = 0
    imported: bool = False
    skip_bad: bool = False  # the rejected rows were to be skipped: do not suggest --skip-bad

    @property
    def ok(self) -> bool:
        return not self.rejected

    def lines(self) -> list[str]:
        """The report for a person: every rejected line, then what happened."""
        out = [r.message for r in self.rejected]
        if self.ignored_columns:
            out.append(t("importer.ignored_columns", columns="、".join(self.ignored_columns)))
        if self.imported:
            out.append(
                tn(
                    "importer.done",
                    self.accepted,
                    units=tn("importer.n_new_units", self.units_created),
                    owners=tn("importer.n_new_owners", self.owners_created),
                    matched=tn("importer.n_matched", self.owners_matched),
                    links=tn("importer.n_links", self.links_created),
                )
            )
            if self.rejected:
                out.append(tn("importer.skipped", len(self.rejected)))
        elif self.rejected and self.skip_bad and not self.accepted:
            out.append(tn("importer.none_importable", self.rows))
        elif self.rejected:
            out.append(tn("importer.nothing_imported", len(self.rejected), rows=self.rows))
        else:
            out.append(tn("importer.checked", self.accepted))
        return out


@dataclass
class _Row:
    line: int
    form: OwnerForm
    code: str = ""
    parts: tuple[str, str, str] = ("", "", "")
    role: str = "owner"
    values: dict = field(default_factory=dict)  # owner columns, normalised
    person: tuple = ()


# --- reading -----------------------------------------------------------------------

_READ = 1 << 20  # bytes read at a time


def _implausible(text: str) -> bool:
    """Characters an owners list never holds, but a file read in the wrong double-byte
    encoding is full of: private-use code points, kana, Greek, Cyrillic, box drawing."""
    for ch in text:
        code = ord(ch)
        if (0xE000 <= code <= 0xF8FF or 0x3040 <= code <= 0x30FF or 0x0370 <= code <= 0x04FF
                or 0x2500 <= code <= 0x257F):
            return True
    return False


def _reads_as(raw: BinaryIO, encoding: str, look) -> bool:
    """Whether the whole of ``raw`` decodes in ``encoding`` with ``look(text)`` true of every piece."""
    raw.seek(0)
    decoder = codecs.getincrementaldecoder(encoding)()
    try:
        while True:
            chunk = raw.read(_READ)
            text = decoder.decode(chunk, final=not chunk)
            if not look(text):
                return False
            if not chunk:
                return True
    except UnicodeDecodeError:
        return False
    finally:
        raw.seek(0)


def _japanese(raw: BinaryIO) -> bool:
    """A Shift-JIS file (Excel on a Japanese system): it reads as cp932 without half-width
    katakana or user-defined characters (a GBK or Big5 file read as cp932 is full of both),
    with kana in it, or with kanji that GB2312 mostly lacks when the bytes are read as GBK."""
    seen = {"kana": 0, "wide": 0}

    def look(text: str) -> bool:
        for ch in text:
            code = ord(ch)
            if code < 0x80:
                continue
            if 0xFF61 <= code <= 0xFF9F or 0xE000 <= code <= 0xF8FF:
                return False
            seen["wide"] += 1
            if 0x3040 <= code <= 0x30FF:
                seen["kana"] += 1
        return True

    if not _reads_as(raw, "cp932", look) or not seen["wide"]:
        return False
    if seen["kana"]:
        return True
    counts = {"all": 0, "gb2312": 0}

    def common_hanzi(text: str) -> bool:
        for ch in text:
            if ord(ch) >= 0x80:
                counts["all"] += 1
                try:
                    ch.encode("gb2312")
                    counts["gb2312"] += 1
                except UnicodeEncodeError:
                    pass
        return True

    _reads_as(raw, "gb18030", common_hanzi)
    return counts["gb2312"] * 2 < counts["all"]


def detect_encoding(raw: BinaryIO) -> str:
    """The codec to read ``raw`` with: UTF-8 (BOM or not), then GB18030 (a superset of GBK),
    then Big5, each over the whole file, a piece at a time.

    GB18030 accepts almost any bytes, so a Big5 file "decodes" into nonsense; text
    that reads as kana, Greek, box drawing or private-use characters is taken as the
    wrong encoding and the next one is tried. A Shift-JIS file would read as Chinese
    nonsense too: it is recognised (:func:`_japanese`) and refused with its own message.
    Nothing plausible: a clear error.
    """
    def no_nul(text: str) -> bool:  # UTF-16 or a binary file that happened to decode
        return "\x00" not in text

    if _reads_as(raw, "utf-8-sig", no_nul):
        return "utf-8-sig"
    if _japanese(raw):
        raise ImportFileError(t("importer.err.shift_jis"))
    for encoding in ("gb18030", "big5"):
        if _reads_as(raw, encoding, lambda text: no_nul(text) and not _implausible(text)):
            return encoding
    raise ImportFileError(t("importer.err.encoding"))


_ENCODING_NAMES = {"utf-8-sig": "utf-8", "gb18030": "gbk/gb18030", "big5": "big5"}


def decode(data: bytes) -> tuple[str, str]:
    """(text, encoding) of a whole file's bytes, as :func:`detect_encoding` reads them."""
    encoding = detect_encoding(io.BytesIO(data))
    return data.decode(encoding), _ENCODING_NAMES[encoding]


def column_label(column: str) -> str:
    """How a column is named in messages: 單元 (unit), 姓名 (name) …"""
    return {
        "unit": t("importer.column.unit"),
        "name": t("importer.column.name"),
        "gender": t("importer.column.gender"),
        "phone": t("importer.column.phone"),
        "phone2": t("importer.column.phone2"),
        "role": t("importer.column.role"),
        "vip": t("importer.column.vip"),
        "familiar": t("importer.column.familiar"),
        "notes": t("importer.column.notes"),
    }[column]


def _header_key(name: str) -> str:
    return re.sub(r"[\s_*:：]", "", clean_text(name).lower())


_ALIASES = {_header_key(alias): column for column, names in COLUMNS.items() for alias in names}


def _map_header(header: list[str]) -> tuple[dict[str, int], list[str]]:
    index: dict[str, int] = {}
    ignored: list[str] = []
    for i, name in enumerate(header):
        column = _ALIASES.get(_header_key(name))
        if column is None:
            if clean_text(name):
                ignored.append(clean_text(name))
            continue
        if column in index:
            raise ImportFileError(t("importer.err.column_twice", column=clean_text(name)))
        index[column] = i
    missing = [c for c in REQUIRED if c not in index]
    if missing:
        names = "、".join(column_label(c) for c in missing)
        if not index:
            raise ImportFileError(t("importer.err.no_header", columns=names))
        raise ImportFileError(t("importer.err.missing_column", columns=names))
    return index, ignored


def _flag(text: str, column: str) -> bool:
    value = clean_text(text).lower()
    if value in _YES:
        return True
    if value in _NO:
        return False
    raise ValueError(t("importer.err.flag", column=column, value=clean_text(text)))


def parse_rows(text: str | io.TextIOBase, report: ImportReport) -> Iterator[_Row]:
    """The data rows as forms, one at a time, with their first line numbers; broken rows go
    to ``report``. ``text`` is the file's text or a text stream (read as it goes)."""
    stream = io.StringIO(text, newline="") if isinstance(text, str) else text
    reader = csv.reader(stream, strict=True)
    try:
        header = next(reader)
        while not any(c.strip() for c in header):
            header = next(reader)
    except StopIteration:
        raise ImportFileError(t("importer.err.empty")) from None
    except csv.Error as exc:
        raise ImportFileError(t("importer.err.header_broken", error=str(exc))) from exc
    index, report.ignored_columns = _map_header(header)
    width = len(header)
    last_line = reader.line_num
    while True:
        line = last_line + 1
        try:
            record = next(reader)
        except StopIteration:
            break
        except csv.Error as exc:
            last_line = reader.line_num
            report.rows += 1
            report.rejected.append(Rejected(line, _csv_problem(exc)))
            continue
        last_line = reader.line_num
        if not any(cell.strip() for cell in record):
            continue
        report.rows += 1
        if len(record) > width and any(c.strip() for c in record[width:]):
            report.rejected.append(Rejected(line, t("importer.err.too_many", expected=width, got=len(record))))
            continue
        if len(record) < width:
            report.rejected.append(Rejected(line, t("importer.err.too_few", expected=width, got=len(record))))
            continue

        def cell(column: str) -> str:
            return record[index[column]] if column in index else ""

        problems = []
        flags = {}
        for column in ("vip", "familiar"):
            try:
                flags[column] = _flag(cell(column), column_label(column))
            except ValueError as exc:
                problems.append(str(exc))
        form = OwnerForm(
            name=cell("name"),
            gender=cell("gender"),
            phone=cell("phone"),
            phone2=cell("phone2"),
            is_vip=flags.get("vip", False),
            is_familiar=flags.get("familiar", False),
            notes=cell("notes"),
            units=cell("unit"),
            role=cell("role"),
        )
        row = _Row(line, form)
        problems += _check_row(row)
        if problems:
            report.rejected.append(Rejected(line, " ".join(problems)))
        else:
            yield row


def _csv_problem(exc: csv.Error) -> str:
    text = str(exc)
    if "end of data" in text:
        return t("importer.err.unclosed_quote")
    if "expected after" in text:
        return t("importer.err.bad_quote")
    return t("importer.err.broken", error=text)


def _check_row(row: _Row) -> list[str]:
    form = row.form
    problems: list[str] = []
    if not clean_text(form.units):
        problems.append(t("importer.err.unit_required"))
    if parse_gender(form.gender) is None:
        problems.append(t("importer.err.gender", value=clean_text(form.gender)))
    if parse_role(form.role) is None:
        problems.append(t("importer.err.role", value=clean_text(form.role)))
    try:
        clean = validate_form(form)
    except ValidationError as exc:
        for key, message in exc.errors.items():
            if key in ("gender", "role") or (key == "units" and not clean_text(form.units)):
                continue  # already said above, with the value
            problems.append(message)
        return problems
    if problems:
        return problems
    if len(clean.units) != 1:
        return [t("importer.err.one_unit", text=clean_text(form.units))]
    building, entrance, room, role = clean.units[0]
    row.parts = (building, entrance, room)
    row.code = unit_code(building, entrance, room)
    if len(row.code) > 32:
        return [t("owners.err.unit_format", text=row.code)]
    row.role = role
    row.values = owner_values(clean)
    # The same person on several rows: same name and phone. Without a phone, a name can
    # only be told apart within its unit: (name, "", unit).
    row.person = (clean.name, clean.phone) if clean.phone else (clean.name, "", row.code)
    return []


# --- importing ---------------------------------------------------------------------


def _chunks(items: list, size: int = _CHUNK):
    for i in range(0, len(items), size):
        yield items[i : i + size]


def _batched(rows: Iterator[_Row], size: int = _CHUNK) -> Iterator[list[_Row]]:
    batch: list[_Row] = []
    for row in rows:
        batch.append(row)
        if len(batch) == size:
            yield batch
            batch = []
    if batch:
        yield batch


def _digest(parts: tuple) -> bytes:
    """16 bytes standing for a person or a unit link across the whole file (instead of its text)."""
    return hashlib.blake2b("\x1f".join(parts).encode("utf-8"), digest_size=16).digest()


@dataclass
class _Checks:
    """What the first pass keeps over the whole file, small whatever the file's size."""

    first_of_person: dict[bytes, tuple[int, str]] = field(default_factory=dict)  # → (line, gender)
    seen_link: dict[bytes, int] = field(default_factory=dict)  # (unit, person) → line
    matched: dict[bytes, int] = field(default_factory=dict)  # person → owner already in the database


@contextmanager
def _opened(source: bytes | str | Path) -> Iterator[BinaryIO]:
    if isinstance(source, (bytes, bytearray)):
        yield io.BytesIO(source)
        return
    try:
        fh = open(source, "rb")  # noqa: SIM115 - closed below
    except OSError as exc:
        raise ImportFileError(t("importer.err.cannot_read", path=source, error=exc.strerror or exc)) from exc
    with fh:
        yield fh


def import_owners(
    session: Session,
    source: bytes | str | Path,
    *,
    skip_bad: bool = False,
    dry_run: bool = False,
) -> ImportReport:
    """Check every row of a CSV file and import the units and owners in ``session``'s transaction.

    ``source`` is the file's bytes or its path. Nothing is written when any row is
    rejected (unless ``skip_bad``) or with ``dry_run``. A problem with the file as a
    whole raises :class:`ImportFileError`; a damaged database, ``DatabaseError``.
    """
    with _opened(source) as raw:
        require_intact(session.connection())  # a damaged file takes no import (PRAGMA quick_check)
        report = ImportReport(skip_bad=skip_bad)
        encoding = detect_encoding(raw)
        report.encoding = _ENCODING_NAMES[encoding]
        text = io.TextIOWrapper(raw, encoding=encoding, newline="")
        checks = _Checks()
        # The accepted rows wait here, normalised, until every row is checked: a private
        # temporary file (0600, already unlinked), gone when the import ends.
        with tempfile.TemporaryFile(prefix="frontdesk-import-") as spill:
            for batch in _batched(parse_rows(text, report)):
                kept = _check_batch(session, batch, checks, report)
                report.accepted += len(kept)
                if kept and not dry_run:
                    pickle.dump([_record(row) for row in kept], spill, protocol=pickle.HIGHEST_PROTOCOL)
            text.detach()
            if report.rows == 0:
                raise ImportFileError(t("importer.err.no_rows"))
            report.rejected.sort(key=lambda r: r.line)
            if dry_run or (report.rejected and not skip_bad) or not report.accepted:
                return report
            matched = checks.matched
            del checks  # the digests are not needed to write
            spill.seek(0)
            _write(session, _spilled(spill), matched, report)
    report.imported = True
    return report


def _check_batch(session: Session, rows: list[_Row], checks: _Checks, report: ImportReport) -> list[_Row]:
    """Drop rows repeating an earlier row or the database; the same person must agree on gender.

    Called on the rows in file order, a batch at a time: what a row is checked against in
    the file is kept in ``checks``; the database is asked once per batch.
    """
    kept: list[_Row] = []
    for row in rows:
        person = _digest(row.person)
        first = checks.first_of_person.setdefault(person, (row.line, row.values["gender"]))
        if first[0] != row.line and first[1] != row.values["gender"]:
            report.rejected.append(Rejected(row.line, t("importer.err.gender_differs", line=first[0])))
            continue
        link = _digest((row.code, *row.person))
        if link in checks.seen_link:
            report.rejected.append(Rejected(row.line, t("importer.err.duplicate_row", line=checks.seen_link[link])))
            continue
        checks.seen_link[link] = row.line
        kept.append(row)
    units = _existing_units(session, sorted({r.code for r in kept}))
    owners = _existing_owners(session, {r.person for r in kept if r.person[1]})
    links = _existing_links(session, list(units.values()), sorted(set(owners.values())))
    named = _names_in_units(session, [r for r in kept if not r.person[1] and r.code in units])
    out = []
    for row in kept:
        unit_id, owner_id = units.get(row.code), owners.get(row.person)
        if (unit_id is not None and owner_id is not None and (unit_id, owner_id) in links) or (
            not row.person[1] and (row.code, row.values["name"]) in named
        ):
            report.rejected.append(
                Rejected(row.line, t("importer.err.already_there", name=row.values["name"], code=row.code))
            )
            continue
        if owner_id is not None:
            checks.matched[_digest(row.person)] = owner_id
        out.append(row)
    return out


@dataclass
class _Accepted:
    """An accepted row as the second pass writes it."""

    code: str
    parts: tuple[str, str, str]
    role: str
    values: dict
    person: bytes  # its digest


def _record(row: _Row) -> tuple:
    return (row.code, row.parts, row.role, row.values, _digest(row.person))


def _spilled(spill) -> Iterator[list[_Accepted]]:
    while True:
        try:
            batch = pickle.load(spill)  # noqa: S301 - our own temporary file, written just now
        except EOFError:
            return
        yield [_Accepted(*record) for record in batch]
def _existing_units(session: Session, codes: list[str]) -> dict[str, int]:
    found: dict[str, int] = {}
    for chunk in _chunks(codes):
        found.update(session.exec(select(Unit.code, Unit.id).where(Unit.code.in_(chunk))).all())
    return found


def _existing_owners(session: Session, people: set[tuple]) -> dict[tuple, int]:
    """(name, phone) → the owner already registered with that name and phone (the first one)."""
    found: dict[tuple, int] = {}
    phones = sorted({phone for _name, phone in people})
    for chunk in _chunks(phones):
        tails = sorted({phone_tail(p) for p in chunk})
        stmt = (
            select(Owner.name, Owner.phone, Owner.id)
            .where(Owner.phone_tail.in_(tails), Owner.phone.in_(chunk))
            .order_by(Owner.id.desc())
        )
        for name, phone, owner_id in session.exec(stmt):
            if (name, phone) in people:
                found[(name, phone)] = owner_id
    return found


def _names_in_units(session: Session, rows: list[_Row]) -> set[tuple[str, str]]:
    """(unit code, name) of people already registered in those units (for rows without a phone)."""
    found: set[tuple[str, str]] = set()
    for chunk in _chunks(rows):
        stmt = (
            select(Unit.code, Owner.name)
            .join(Occupancy, Occupancy.unit_id == Unit.id)
            .join(Owner, Owner.id == Occupancy.owner_id)
            .where(
                Unit.code.in_(sorted({r.code for r in chunk})),
                Owner.name.in_(sorted({r.values["name"] for r in chunk})),
            )
        )
        found.update((code, name) for code, name in session.exec(stmt))
    return found


def _existing_links(session: Session, unit_ids: list[int], owner_ids: list[int]) -> set[tuple[int, int]]:
    links: set[tuple[int, int]] = set()
    if not unit_ids or not owner_ids:
        return links
    for chunk in _chunks(owner_ids):
        stmt = select(Occupancy.unit_id, Occupancy.owner_id).where(Occupancy.owner_id.in_(chunk))
        links.update((u, o) for u, o in session.exec(stmt))
    return links


def _insert(session: Session, model, values: list[dict]) -> list[int]:
    """Bulk insert (one multi-row statement per batch); the new ids in the order given."""
    ids: list[int] = []
    for chunk in _chunks(values, 1000):
        stmt = insert(model).returning(model.id, sort_by_parameter_order=True)
        ids.extend(session.exec(stmt, params=chunk).scalars())
    return ids


def _write(session: Session, batches: Iterator[list[_Accepted]], matched: dict[bytes, int],
           report: ImportReport) -> None:
    """Write the accepted rows a batch at a time with bulk inserts (ORM objects cost more than
    the SQL here). A person on several rows is one owner: flags add up, the first notes and
    phone 2 stay (an UPDATE when the person was written with an earlier batch)."""
    now = utcnow()
    created: dict[bytes, int] = {}  # person → owner made by this import
    owner_table = Owner.__table__
    c = owner_table.c
    merge = (  # one Core statement, run once per repeat of a person written with an earlier batch
        update(owner_table)
        .where(c.id == bindparam("b_id"))
        .values(
            is_vip=c.is_vip | bindparam("b_vip"),
            is_familiar=c.is_familiar | bindparam("b_familiar"),
            notes=case((c.notes == "", bindparam("b_notes")), else_=c.notes),
            phone2=case((c.phone2 == "", bindparam("b_phone2")), else_=c.phone2),
            phone2_tail=case((c.phone2 == "", bindparam("b_phone2_tail")), else_=c.phone2_tail),
        )
    )
    for rows in batches:
        units = _existing_units(session, sorted({r.code for r in rows}))  # with those made by earlier batches
        new_units: dict[str, dict] = {}
        for row in rows:
            if row.code not in units and row.code not in new_units:
                b, e, r = row.parts
                new_units[row.code] = {"code": row.code, "building": b, "entrance": e, "room": r, "notes": "",
                                       "created_at": now, "version": 1}
        units.update(zip(new_units, _insert(session, Unit, list(new_units.values()))))
        report.units_created += len(new_units)

        new_owners: dict[bytes, dict] = {}
        merges: list[dict] = []
        for row in rows:
            if row.person in matched:
                continue
            if row.person in created:
                merges.append({"b_id": created[row.person], "b_vip": row.values["is_vip"],
                               "b_familiar": row.values["is_familiar"], "b_notes": row.values["notes"],
                               "b_phone2": row.values["phone2"], "b_phone2_tail": row.values["phone2_tail"]})
                continue
            owner = new_owners.get(row.person)
            if owner is None:
                new_owners[row.person] = row.values | {"created_at": now, "updated_at": now, "version": 1}
            else:  # the same person on a later row: flags add up, the first notes and phone 2 stay
                owner["is_vip"] = owner["is_vip"] or row.values["is_vip"]
                owner["is_familiar"] = owner["is_familiar"] or row.values["is_familiar"]
                owner["notes"] = owner["notes"] or row.values["notes"]
                if not owner["phone2"]:
                    owner["phone2"], owner["phone2_tail"] = row.values["phone2"], row.values["phone2_tail"]
        created.update(zip(new_owners, _insert(session, Owner, list(new_owners.values()))))
        report.owners_created += len(new_owners)
        if merges:
            session.connection().execute(merge, merges)

        links = [{"unit_id": units[r.code], "owner_id": matched.get(r.person) or created[r.person], "role": r.role}
                 for r in rows]
        _insert(session, Occupancy, links)
        report.links_created += len(links)
    report.owners_matched = len(matched)
