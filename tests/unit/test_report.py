"""The shift handover report: a fixture shift with known figures, in md, csv and xlsx, and the CLI."""

from __future__ import annotations

import csv
import io
from datetime import date, datetime, time, timedelta, timezone

import pytest
from click.testing import CliRunner
from openpyxl import load_workbook
from sqlmodel import Session

from frontdesk import report as rp
from frontdesk import selfchecks as sc
from frontdesk.cli import main
from frontdesk.models import Encounter, Handoff
from frontdesk.shifts import current_shift, parse_range, resolve_shift
from tests.checks_data import LEAD_PIN, seed_desk

DAY = date(2026, 3, 31)
ID_NUMBER = "110105194912310021"
MASKED = "110105********0021"


def at(hour: int, minute: int = 0, day: date = DAY) -> datetime:
    """A local wall-clock time on the fixture day, as an aware datetime."""
    return datetime.combine(day, time(hour, minute)).astimezone()


def enc(session, **values) -> Encounter:
    values.setdefault("day", DAY)
    e = Encounter(**values)
    session.add(e)
    session.flush()
    return e


@pytest.fixture
def shift_data(engine):
    """The day shift of 2026-03-31: six parties, a hand-off, four self-checks in every state."""
    with Session(engine, expire_on_commit=False) as session:
        people = seed_desk(session, DAY)
        wang, li, chen = people["王芳"].id, people["李強"].id, people["陳靜"].id
        enc(session, seat="L2", staff_id=wang, party_label="王先生", state="closed", outcome="answered",
            arrived_at=at(9), started_at=at(9), ended_at=at(9, 5), wait_seconds=0)
        enc(session, seat="L2", staff_id=wang, party_label="李女士", state="closed", outcome="answered",
            arrived_at=at(9, 10), started_at=at(9, 12), ended_at=at(9, 20), wait_seconds=120)
        e3 = enc(session, seat="R2", staff_id=li, guest_type="vip", state="closed", outcome="work_order",
                 arrived_at=at(10), started_at=at(10, 5), ended_at=at(10, 15), wait_seconds=300, handoff_count=1)
        session.add(Handoff(encounter_id=e3.id, from_staff_id=chen, to_staff_id=li, from_seat="L1", to_seat="R2",
                            category="repair", reason="報修歸右2", at=at(10, 5)))
        enc(session, party_label=f"訪客 {ID_NUMBER}", guest_type="visitor", state="waiting", arrived_at=at(19, 50))
        enc(session, party_label="張先生", state="closed", outcome="left", arrived_at=at(11), ended_at=at(11, 7),
            wait_seconds=400)
        enc(session, seat="L1", staff_id=chen, party_label="趙先生", state="open", arrived_at=at(19),
            started_at=at(19, 1), wait_seconds=60)
        enc(session, seat="L1", staff_id=chen, party_label="夜間來客", state="closed", outcome="answered",
            arrived_at=at(21), started_at=at(21), ended_at=at(21, 30), wait_seconds=0)  # night shift
        session.commit()

        lead = people["劉主管"].id
        for name, answers in (("王芳", {4: ("fail", "工牌戴在右胸")}), ("李強", {})):
            view = sc.start_check(session, people[name].id, DAY, "day")
            chosen = {i.position: ("pass", "") for i in view.items} | answers
            sc.sign_check(session, view.id, lead, LEAD_PIN, answers=chosen)
        sc.start_check(session, chen, DAY, "day")
        session.commit()
    return people


def build(engine, shift="day", **kw) -> rp.HandoverReport:
    with Session(engine, expire_on_commit=False) as session:
        return rp.gather(session, DAY, resolve_shift(shift), desk_name="物業服務中心 客服前台",
                         now=at(20, 0), **kw)


def test_encounters_per_seat_with_waits_and_durations(engine, shift_data):
    report = build(engine)
    seats = {s.seat: s for s in report.seats}
    assert (seats["L2"].staff, seats["L2"].served) == ("王芳", 2)
    assert (seats["L2"].avg_wait, seats["L2"].max_wait) == (60, 120)
    assert (seats["L2"].avg_duration, seats["L2"].max_duration) == (390, 480)
    assert (seats["R2"].served, seats["R2"].max_wait, seats["R2"].avg_duration) == (1, 300, 600)
    assert (seats["L1"].served, seats["L1"].avg_duration, seats["L1"].handoffs) == (1, None, 1)
    assert (seats["R1"].staff, seats["R1"].served) == ("張偉", 0)  # from the roster
    assert (report.waiting, report.left, report.open_now) == (1, 1, 2)
    table = report.section("encounters")
    assert table.columns[:3] == ["座位", "接待人員", "接待數"]
    assert table.rows[0] == ["左2", "王芳", "2", "1:00", "2:00", "6:30", "8:00", "0"]
    assert table.rows[-1] == ["合計", "", "4", "2:00", "5:00", "7:40", "10:00", "1"]
    assert "6" in table.note  # six parties arrived in the day shift (the 21:00 one is the night's)


def test_unfinished_parties_checks_and_flags(engine, shift_data):
    report = build(engine)
    unfinished = report.section("open").rows
    assert [row[1] for row in unfinished] == ["趙先生", f"訪客 {MASKED}"]
    assert unfinished[0][3] == "接待中" and unfinished[1][3] == "等候中"
    checks = {row[1]: row for row in report.section("checks").rows}
    assert checks["王芳"][2:7] == ["已簽核", "29", "1", "0", "劉主管"]
    assert "工牌戴在右胸" in checks["王芳"][8] and "正確配帶工牌" in checks["王芳"][8]
    assert checks["陳靜"][2] == "進行中" and checks["張偉"][2] == "未做"
    kinds = [f.kind for f in report.flags]
    assert kinds.count("long_wait") == 2 and kinds.count("left") == 1 and kinds.count("open") == 2
    assert kinds.count("check_missing") == 2 and kinds.count("check_failed") == 1
    for key in ("visitors", "work_orders", "passes"):
        section = report.section(key)
        assert not section.recorded and section.message == "尚無資料記錄(此項功能尚未開始記錄)。"


def test_the_night_shift_and_the_whole_day(engine, shift_data):
    night = build(engine, "night")
    assert sum(s.served for s in night.seats) == 1
    assert night.section("checks").rows == [] or all(r[2] == "未做" for r in night.section("checks").rows)
    whole = build(engine, "all")
    assert sum(s.served for s in whole.seats) == 5
    assert {row[1] for row in whole.section("checks").rows} >= {"王芳", "李強"}


def test_markdown(engine, shift_data):
    text = rp.render_markdown(build(engine))
    assert text.startswith("# 交班報告")
    assert "- 班次:白班 08:00–20:00" in text
    assert "## 接待(按座位)" in text and "| 左2 | 王芳 | 2 | 1:00 | 2:00 | 6:30 | 8:00 | 0 |" in text
    assert "## 在場訪客" in text and "尚無資料記錄" in text
    assert ID_NUMBER not in text and MASKED in text


def test_csv(engine, shift_data, tmp_path):
    report = build(engine)
    path = rp.export(report, "csv", tmp_path / "r.csv")
    raw = path.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")  # BOM, so Excel reads the Chinese
    rows = list(csv.reader(io.StringIO(raw.decode("utf-8-sig"))))
    assert rows[0] == ["交班報告"]
    at_seats = rows.index(["接待(按座位)"])
    assert rows[at_seats + 2][:2] == ["座位", "接待人員"]
    assert rows[at_seats + 3][:3] == ["左2", "王芳", "2"]
    assert ["尚無資料記錄(此項功能尚未開始記錄)。"] in rows
    assert ID_NUMBER not in raw.decode("utf-8-sig")


def test_xlsx_read_back(engine, shift_data, tmp_path):
    path = rp.export(build(engine), "xlsx", tmp_path / "r.xlsx")
    book = load_workbook(path)
    assert book.sheetnames[0] == "摘要"
    assert "接待(按座位)" in book.sheetnames and "自檢結果" in book.sheetnames
    seats = book["接待(按座位)"]
    values = [[c for c in row] for row in seats.iter_rows(values_only=True)]
    header = next(row for row in values if row and row[0] == "座位")
    assert list(header[:8]) == ["座位", "接待人員", "接待數", "平均等候", "最長等候", "平均時長", "最長時長", "轉交"]
    assert values[values.index(header) + 1][:3] == ["左2", "王芳", 2]  # counts are numbers
    visitors = [row[0] for row in book["在場訪客"].iter_rows(values_only=True)]
    assert "尚無資料記錄(此項功能尚未開始記錄)。" in visitors
    every_cell = " ".join(str(c) for ws in book.worksheets for row in ws.iter_rows(values_only=True) for c in row if c)
    assert ID_NUMBER not in every_cell and MASKED in every_cell
    assert "白班 08:00–20:00" in every_cell


def test_english_headers(engine, shift_data):
    from frontdesk.core.i18n import set_language

    set_language("en")
    text = rp.render_markdown(build(engine))
    assert "# Shift handover report" in text and "| Seat | Served by |" in text
    assert "No data recorded yet" in text


def test_a_later_workflow_plugs_in_its_section(engine, shift_data):
    rp.register_section("visitors", lambda session, window: rp.Section(
        "visitors", "在場訪客", ["訪客", "證件"], [["孫先生", ID_NUMBER]]))
    try:
        section = build(engine).section("visitors")
        assert section.recorded and section.rows == [["孫先生", MASKED]]
    finally:
        rp._providers.pop("visitors", None)


def test_mask_numbers():
    assert rp.mask_numbers(f"證件 {ID_NUMBER},電話 13812345678") == f"證件 {MASKED},電話 13812345678"
    assert rp.mask_numbers("110105491231002") == "110105*****1002"


# --- shifts ---------------------------------------------------------------------------


def test_shift_names_and_ranges():
    day = resolve_shift("day")
    assert (day.start, day.end) == (time(8), time(20))
    start, end = resolve_shift("night").window(DAY)
    assert end - start == timedelta(hours=12) and end.date() == DAY + timedelta(days=1)
    start, end = resolve_shift("all").window(DAY)
    assert end - start == timedelta(hours=24)
    assert resolve_shift("08:00-14:00").code == "08:00-14:00"
    assert parse_range("20:00-24:00") == (time(20), time(0))
    for bad in ("evening", "25:00-26:00", "8-9"):
        with pytest.raises(ValueError):
            resolve_shift(bad)


def test_current_shift_by_the_clock():
    assert current_shift(at(9)) == (DAY, resolve_shift("day"))
    assert current_shift(at(23)) == (DAY, resolve_shift("night"))
    assert current_shift(at(3, 0, DAY + timedelta(days=1))) == (DAY, resolve_shift("night"))
    custom = {"early": "07:00-15:00", "late": "15:00-23:00"}
    assert current_shift(at(23, 30), custom)[1].code == "late"  # between shifts: the one just ended


# --- the command line -----------------------------------------------------------------


def test_cli_markdown_to_stdout(engine, shift_data, db_url):
    result = CliRunner().invoke(main, ["report", "--db", db_url, "--date", "2026-03-31", "--shift", "day"])
    assert result.exit_code == 0, result.output
    assert "交班報告" in result.output and "| 左2 | 王芳 | 2 |" in result.output
    assert ID_NUMBER not in result.output


@pytest.mark.parametrize("fmt", ["md", "csv", "xlsx"])
def test_cli_writes_each_format(engine, shift_data, db_url, tmp_path, fmt):
    out = tmp_path / f"handover.{fmt}"
    result = CliRunner().invoke(main, ["report", "--db", db_url, "--date", "2026-03-31", "--shift", "day",
                                       "--format", fmt, "--out", str(out)])
    assert result.exit_code == 0, result.output
    assert out.exists() and out.stat().st_size > 0
    if fmt == "xlsx":
        assert "接待(按座位)" in load_workbook(out).sheetnames
    else:
        assert "王芳" in out.read_text(encoding="utf-8-sig")


def test_cli_xlsx_default_name(engine, shift_data, db_url, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    result = CliRunner().invoke(main, ["report", "--db", db_url, "--date", "2026-03-31", "--format", "xlsx"])
    assert result.exit_code == 0, result.output
    assert (tmp_path / "handover-2026-03-31-all.xlsx").exists()


@pytest.mark.parametrize("args", [["--date", "2026-02-30"], ["--date", "31/03/2026"], ["--shift", "lunch"]])
def test_cli_bad_input_is_a_clear_message(db_url, args):
    result = CliRunner().invoke(main, ["report", "--db", db_url, *args])
    assert result.exit_code != 0
    assert ("日期" in result.output and "YYYY-MM-DD" in result.output) or "班次" in result.output


def test_cli_help():
    result = CliRunner().invoke(main, ["report", "--help"])
    assert result.exit_code == 0
    assert "--date" in result.output and "--format [md|csv|xlsx]" in result.output


def test_cli_format_follows_the_out_file_ending(engine, shift_data, db_url, tmp_path):
    """`--out 交班報告.xlsx` without --format writes a workbook, not Markdown under an .xlsx name."""
    out = tmp_path / "交班報告.xlsx"
    result = CliRunner().invoke(main, ["report", "--db", db_url, "--date", "2026-03-31", "--shift", "day",
                                       "--out", str(out)])
    assert result.exit_code == 0, result.output
    assert "接待(按座位)" in load_workbook(out).sheetnames
    csv_out = tmp_path / "shift.csv"
    result = CliRunner().invoke(main, ["report", "--db", db_url, "--date", "2026-03-31", "--out", str(csv_out)])
    assert result.exit_code == 0, result.output
    assert csv_out.read_text(encoding="utf-8-sig").startswith("交班報告")


def test_cli_format_and_file_ending_that_disagree_are_refused(engine, shift_data, db_url, tmp_path):
    out = tmp_path / "交班報告.md"
    result = CliRunner().invoke(main, ["report", "--db", db_url, "--date", "2026-03-31", "--format", "csv",
                                       "--out", str(out)])
    assert result.exit_code != 0
    assert "交班報告.md" in result.output and "csv" in result.output
    assert not out.exists()


def test_an_unsigned_correction_leaves_the_signed_record_in_the_report(engine, shift_data):
    """The lead starts correcting 王芳's signed check and leaves it as a draft: the handover still
    reports the signed record (its figures, lead and time), not 'not signed'; the pending correction is flagged."""
    with Session(engine) as session:
        signed = next(p for p in sc.day_board(session, DAY, "day") if p.name == "王芳")
        sc.start_correction(session, signed.check_id, "工牌其實戴對了")
        session.commit()
    report = build(engine)
    row = next(p for p in report.checks if p.name == "王芳")
    assert row.state == "signed" and row.check_id == signed.check_id
    assert (row.passed, row.failed, row.lead_name) == (29, 1, "劉主管") and row.signed_at is not None
    flags = [(f.kind, f.text) for f in report.flags if "王芳" in f.text]
    assert "check_missing" not in [kind for kind, _text in flags], flags
    assert any(kind == "check_correcting" and "更正" in text for kind, text in flags), flags
    md = rp.render_markdown(report)
    line = next(x for x in md.splitlines() if "| 王芳 |" in x and "簽核" in x)
    assert "已簽核" in line and "劉主管" in line


def test_the_hand_off_table_names_who_greeted_and_who_finished(engine, shift_data):
    section = build(engine).section("handoffs")
    assert section.columns == ["到達", "來客", "起身接待", "完成接待", "轉交", "原因"]
    assert section.rows == [["10:00", "貴賓", "左1 陳靜", "右2 李強", "1", "報修歸右2"]]
    assert "完成它的人" in section.note
    assert build(engine, "night").section("handoffs").message == "本班沒有轉交。"


def test_sections_come_from_the_workflows_in_order(engine, shift_data):
    assert not hasattr(rp, "PLUGIN_MODULES")
    assert {"deskqueue", "selfchecks"} <= set(rp.load_workflows()) and "app" not in rp.load_workflows()
    keys = [s.key for s in build(engine).sections]
    assert keys == ["encounters", "handoffs", "open", "visitors", "work_orders", "passes", "checks", "flags"]

    @rp.section("parcels", order=55)
    def parcels(session, window):
        return rp.Contribution([rp.Section("parcels", "代收包裹", ["收件人"], [["王小明"]])],
                               flags=[rp.Flag("parcel", "王小明 的包裹未領", "包裹")])

    try:
        report = build(engine)
        assert [s.key for s in report.sections][5:8] == ["passes", "parcels", "checks"]
        flags = report.section("flags").rows
        assert ["包裹", "王小明 的包裹未領"] in flags
        assert flags.index(["包裹", "王小明 的包裹未領"]) < len(flags) - 1  # before the self-check flags
    finally:
        rp._providers.pop("parcels", None)
        rp._orders.pop("parcels", None)
