"""CSV import of units and owners: encodings, headers, every rejected line, all or nothing."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner
from sqlalchemy import func, select
from sqlmodel import Session

from frontdesk import owners
from frontdesk.core import i18n
from frontdesk.cli import main
from frontdesk.core.db import session_scope
from frontdesk.importer import ImportFileError, decode, import_owners
from frontdesk.models import Occupancy, Owner, Unit

HEADER_ZH = "單元,姓名,性別,電話,電話2,身份,VIP,熟客,備註"
GOOD_ROWS = [
    "3-2-1101,王小明,男,13812345678,,業主,是,否,",
    "3棟2單元1102,王小明,男,138 1234 5678,,業主,,,第二套",
    "3-2-1101,李娜,女,13900005678,010-62345678,住戶,0,1,愛乾淨",
    "12-1-301,歐陽娜娜,F,,,tenant,,,",
]


def write(tmp_path: Path, name: str, lines: list[str], encoding: str = "utf-8") -> Path:
    path = tmp_path / name
    path.write_bytes(("\r\n".join(lines) + "\r\n").encode(encoding))
    return path


def counts(engine) -> tuple[int, int, int]:
    with Session(engine) as s:
        return tuple(s.exec(select(func.count()).select_from(t)).scalar_one() for t in (Unit, Owner, Occupancy))


def run_cli(*args: str):
    return CliRunner().invoke(main, ["import-owners", *args], catch_exceptions=False)


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "gbk", "gb18030"])
def test_good_file_in_every_encoding(tmp_path, engine, encoding):
    path = write(tmp_path, f"owners-{encoding}.csv", [HEADER_ZH, *GOOD_ROWS], encoding)
    with session_scope(engine) as s:
        report = import_owners(s, path)
    assert report.imported and report.rejected == []
    assert (report.units_created, report.owners_created, report.links_created) == (3, 3, 4)
    assert counts(engine) == (3, 3, 4)
    with session_scope(engine) as s:
        (wxm,) = owners.search(s, "wxm")
        detail = owners.get_owner(s, wxm.id)
        assert [u.code for u in detail.units] == ["3-2-1101", "3-2-1102"]  # one person, two units
        assert detail.owner.is_vip and detail.owner.notes == "第二套"
        (ln,) = owners.search(s, "李娜")
        li = owners.get_owner(s, ln.id)
        assert li.owner.is_familiar and li.owner.phone2 == "+861062345678" and li.units[0].role == "resident"
        assert owners.search(s, "歐陽")[0].gender == "F"


def test_decode_reports_the_encoding():
    assert decode("單元".encode("utf-8-sig")) == ("單元", "utf-8")
    assert decode("單元".encode("gbk")) == ("單元", "gbk/gb18030")
    with pytest.raises(ImportFileError):
        decode(b"\xff\xfe\x00\x80\x81")


def test_english_header_and_bom_on_the_first_column(tmp_path, engine):
    path = write(tmp_path, "en.csv", ["Unit, Name ,Gender,Phone", "1-1-101,Li Wei,M,13700001111"], "utf-8-sig")
    with session_scope(engine) as s:
        report = import_owners(s, path)
    assert report.imported and counts(engine) == (1, 1, 1)


def test_every_bad_row_is_reported_and_nothing_imported(tmp_path, engine):
    path = write(
        tmp_path,
        "bad.csv",
        [
            HEADER_ZH,
            "3-2-1101,王小明,男,13812345678,,業主,是,否,",  # 2: good
            "3-2-1102,張三,男,1381234,,,,,",  # 3: invalid phone
            "3-2-1103,,女,13900001111,,,,,",  # 4: empty name
            "not-a-unit!,李四,男,,,,,,",  # 5: bad unit
            "3-2-1104,趙五,X,,,,,,",  # 6: bad gender
            "3-2-1105,錢六,女,,,房東,,,",  # 7: bad role
            "3-2-1106,孫七,女,,,,也許,,",  # 8: bad VIP flag
            "3-2-1101,王小明,男,13812345678,,業主,,,",  # 9: repeats line 2
            "3-2-1107,周八,男",  # 10: too few fields
            "3-2-1108,吳九,男,,,,,,,extra",  # 11: too many fields
            ",鄭十,男,,,,,,",  # 12: no unit
        ],
    )
    with session_scope(engine) as s:
        report = import_owners(s, path)
    assert not report.imported and report.accepted == 1
    assert [r.line for r in report.rejected] == [3, 4, 5, 6, 7, 8, 9, 10, 11, 12]
    reasons = {r.line: r.reason for r in report.rejected}
    assert "1381234" in reasons[3]
    assert reasons[4] == "請填寫姓名。"
    assert "not-a-unit!" in reasons[5]
    assert "X" in reasons[6] and "房東" in reasons[7] and "也許" in reasons[8]
    assert "第 2 行" in reasons[9]
    assert "太少" in reasons[10] and "太多" in reasons[11]
    assert reasons[12] == "單元不能空白。"
    assert report.lines()[0] == "第 3 行:" + reasons[3]
    assert "什麼都沒有匯入" in report.lines()[-1]
    assert counts(engine) == (0, 0, 0)


def test_skip_bad_imports_only_the_good_rows(tmp_path, engine):
    path = write(tmp_path, "mixed.csv", [HEADER_ZH, GOOD_ROWS[0], "3-2-1102,張三,男,1381234,,,,,", GOOD_ROWS[2]])
    with session_scope(engine) as s:
        report = import_owners(s, path, skip_bad=True)
    assert report.imported and [r.line for r in report.rejected] == [3]
    assert counts(engine) == (1, 2, 2)


def test_broken_quotes(tmp_path, engine):
    path = write(
        tmp_path,
        "quotes.csv",
        [HEADER_ZH, '3-2-1101,"王"小明,男,,,,,,', GOOD_ROWS[2], '3-2-1109,"周八,男,,,,,,', "3-2-1110,吳九,男,,,,,,"],
    )
    with session_scope(engine) as s:
        report = import_owners(s, path)
    assert [r.line for r in report.rejected] == [2, 4]
    assert "引號" in report.rejected[0].reason and "引號" in report.rejected[1].reason
    assert counts(engine) == (0, 0, 0)


def test_a_quoted_field_may_span_lines(tmp_path, engine):
    path = write(tmp_path, "multi.csv", [HEADER_ZH, '3-2-1101,王小明,男,,,,,,"第一行', '第二行"', "3-2-1102,,男,,,,,,"])
    with session_scope(engine) as s:
        report = import_owners(s, path)
    assert [r.line for r in report.rejected] == [4]  # the line numbers count the physical lines


def test_missing_column_names_it(tmp_path, engine):
    path = write(tmp_path, "missing.csv", ["單元,姓名,電話", "3-2-1101,王小明,13812345678"])
    with pytest.raises(ImportFileError) as info, session_scope(engine) as s:
        import_owners(s, path)
    assert str(info.value) == "缺少欄位:性別(gender)。"


def test_no_header(tmp_path, engine):
    path = write(tmp_path, "noheader.csv", ["3-2-1101,王小明,男,13812345678"])
    with pytest.raises(ImportFileError) as info, session_scope(engine) as s:
        import_owners(s, path)
    assert "表頭" in str(info.value)


def test_empty_and_header_only_files(tmp_path, engine):
    for lines, word in (([""], "空"), ([HEADER_ZH], "沒有資料")):
        path = write(tmp_path, "empty.csv", lines)
        with pytest.raises(ImportFileError) as info, session_scope(engine) as s:
            import_owners(s, path)
        assert word in str(info.value)


def test_a_column_twice(tmp_path, engine):
    path = write(tmp_path, "twice.csv", ["單元,姓名,性別,電話,phone", "3-2-1101,王小明,男,,"])
    with pytest.raises(ImportFileError) as info, session_scope(engine) as s:
        import_owners(s, path)
    assert "phone" in str(info.value)


def test_undecodable_bytes(tmp_path, engine):
    path = tmp_path / "utf16.csv"
    path.write_bytes(f"{HEADER_ZH}\n{GOOD_ROWS[0]}\n".encode("utf-16"))
    with pytest.raises(ImportFileError) as info, session_scope(engine) as s:
        import_owners(s, path)
    assert "編碼" in str(info.value)
    latin = tmp_path / "random.csv"
    latin.write_bytes(b"unit,name,gender\n1-1-101,\xff\xfe\x80,M\n")
    with pytest.raises(ImportFileError), session_scope(engine) as s:
        import_owners(s, latin)


def test_existing_units_and_people_are_reused(tmp_path, engine):
    with session_scope(engine) as s:
        owners.add_unit(s, "3-2-1101")
        owners.create_owner(s, owners.OwnerForm(name="王小明", gender="M", phone="13812345678", units="3-2-1101"))
    path = write(tmp_path, "more.csv", [HEADER_ZH, GOOD_ROWS[1], GOOD_ROWS[2]])
    with session_scope(engine) as s:
        report = import_owners(s, path)
    assert report.imported
    assert (report.units_created, report.owners_created, report.owners_matched) == (1, 1, 1)
    assert counts(engine) == (2, 2, 3)
    # The same file again: every row is already there.
    with session_scope(engine) as s:
        again = import_owners(s, path)
    assert not again.imported and [r.line for r in again.rejected] == [2, 3]
    assert "已在資料庫中" in again.rejected[0].reason
    assert counts(engine) == (2, 2, 3)


def test_same_person_with_two_genders(tmp_path, engine):
    path = write(tmp_path, "g.csv", [HEADER_ZH, GOOD_ROWS[0], "3-2-1102,王小明,女,13812345678,,,,,"])
    with session_scope(engine) as s:
        report = import_owners(s, path)
    assert [(r.line, "第 2 行" in r.reason) for r in report.rejected] == [(3, True)]


def test_people_without_a_phone_are_known_by_name_within_a_unit(tmp_path, engine):
    path = write(tmp_path, "nophone.csv",
                 [HEADER_ZH, "1-1-101,王偉,男,,,,,,", "2-1-101,王偉,男,,,,,,", "1-1-101,王偉,男,,,住戶,,,"])
    with session_scope(engine) as s:
        report = import_owners(s, path, skip_bad=True)
    assert report.owners_created == 2  # two different 王偉 in two units
    assert [(r.line, "第 2 行" in r.reason) for r in report.rejected] == [(4, True)]
    with session_scope(engine) as s:
        again = import_owners(s, write(tmp_path, "again.csv", [HEADER_ZH, "2-1-101,王偉,男,,,,,,"]))
    assert [r.line for r in again.rejected] == [2] and "已在資料庫中" in again.rejected[0].reason


def test_dry_run_writes_nothing(tmp_path, engine):
    path = write(tmp_path, "dry.csv", [HEADER_ZH, *GOOD_ROWS])
    with session_scope(engine) as s:
        report = import_owners(s, path, dry_run=True)
    assert not report.imported and report.accepted == 4 and counts(engine) == (0, 0, 0)
    assert "試跑" in report.lines()[-1]


# --- the command line -----------------------------------------------------------------


def test_cli_imports_a_gbk_file(tmp_path, db_url, engine):
    path = write(tmp_path, "gbk.csv", [HEADER_ZH, *GOOD_ROWS], "gbk")
    result = run_cli(str(path), "--db", db_url)
    assert result.exit_code == 0, result.output
    assert "已匯入 4 行" in result.output
    assert counts(engine) == (3, 3, 4)


def test_cli_rejects_and_lists_every_line(tmp_path, db_url, engine):
    path = write(tmp_path, "bad.csv", [HEADER_ZH, GOOD_ROWS[0], "3-2-1102,張三,男,1381234,,,,,", "3-2-1103,,女,,,,,,"])
    result = run_cli(str(path), "--db", db_url)
    assert result.exit_code == 1
    assert "第 3 行:電話號碼「1381234」無效" in result.output
    assert "第 4 行:請填寫姓名。" in result.output
    assert "什麼都沒有匯入" in result.output
    assert counts(engine) == (0, 0, 0)

    result = run_cli(str(path), "--db", db_url, "--skip-bad")
    assert result.exit_code == 0, result.output
    assert "第 3 行" in result.output and "已匯入 1 行" in result.output
    assert counts(engine) == (1, 1, 1)


def test_cli_file_problems_exit_2_with_one_message(tmp_path, db_url):
    missing = write(tmp_path, "m.csv", ["unit,name", "1-1-101,王"])
    result = run_cli(str(missing), "--db", db_url)
    assert result.exit_code == 2 and "缺少欄位:性別(gender)" in result.output
    binary = tmp_path / "b.csv"
    binary.write_bytes(b"\x80\x81\xff" * 10)
    result = run_cli(str(binary), "--db", db_url)
    assert result.exit_code == 2 and "編碼" in result.output
    result = run_cli(str(tmp_path / "nowhere.csv"), "--db", db_url)
    assert result.exit_code == 2 and "nowhere.csv" in result.output


def test_cli_in_english(tmp_path, db_url):
    path = write(tmp_path, "bad.csv", ["unit,name,gender,phone", "1-1-101,Li,M,123"])
    result = CliRunner().invoke(main, ["--lang", "en", "import-owners", str(path), "--db", db_url])
    assert result.exit_code == 1
    assert "line 2: The phone number “123” is not valid" in result.output
    i18n.set_language("zh-Hant")


@pytest.mark.postgres
def test_import_on_postgresql(tmp_path, pg_engine):
    path = write(tmp_path, "pg.csv", [HEADER_ZH, *GOOD_ROWS], "gbk")
    with session_scope(pg_engine) as s:
        report = import_owners(s, path)
    assert report.imported and counts(pg_engine) == (3, 3, 4)
    with session_scope(pg_engine) as s:
        again = import_owners(s, path)
    assert not again.imported and [r.line for r in again.rejected] == [2, 3, 4, 5]
    assert counts(pg_engine) == (3, 3, 4)
    with session_scope(pg_engine) as s:
        assert [r.name for r in owners.search(s, "wxm")] == ["王小明"]


def test_several_problems_on_one_line_read_as_sentences(tmp_path, engine):
    path = write(tmp_path, "two.csv", [HEADER_ZH, "3-2-1102,張三,X,1381234,,,也許,,"])
    with session_scope(engine) as s:
        report = import_owners(s, path)
    (rejected,) = report.rejected
    assert "1381234" in rejected.reason and "X" in rejected.reason and "也許" in rejected.reason
    assert "。;" not in rejected.reason and ";" not in rejected.reason
    assert rejected.reason.count("。") == 3


def test_skip_bad_with_no_good_row_does_not_suggest_skip_bad(tmp_path, db_url, engine):
    path = write(tmp_path, "again.csv", [HEADER_ZH, GOOD_ROWS[0], "3-2-1102,張三,男,1381234,,,,,"])
    assert run_cli(str(path), "--db", db_url, "--skip-bad").exit_code == 0
    with session_scope(engine) as s:
        report = import_owners(s, path, skip_bad=True)  # line 2 is there now, line 3 still bad
    assert not report.imported and report.accepted == 0
    assert "--skip-bad" not in report.lines()[-1]
    assert report.lines()[-1] == i18n.tn("importer.none_importable", 2)
    result = run_cli(str(path), "--db", db_url, "--skip-bad")
    assert result.exit_code == 1
    assert "第 2 行" in result.output and "第 3 行" in result.output
    assert "加 --skip-bad" not in result.output
    assert counts(engine) == (1, 1, 1)


@pytest.mark.parametrize(
    "header",
    ["房號,姓名,性別,手機號碼", "房号,姓名,性别,手机号码", "單元,姓名,性別,聯繫電話", "单元,姓名,性别,联系电话",
     "房號,姓名,性別,聯絡電話", "單元,姓名,性別,電話號碼", "單元號,姓名,性別,手機號"],
)
def test_common_excel_phone_headers(tmp_path, engine, header):
    path = write(tmp_path, "excel.csv", [header, "3-2-1101,王小明,男,13812345678"], "gbk")
    with session_scope(engine) as s:
        report = import_owners(s, path)
    assert report.imported and report.ignored_columns == []
    with session_scope(engine) as s:
        assert owners.search(s, "5678")[0].name == "王小明"


def test_gender_written_out_as_in_excel_sheets(tmp_path, engine):
    path = write(tmp_path, "g.csv", [HEADER_ZH, "3-2-1101,王小明,男性,13812345678,,,,,", "3-2-1101,李娜,女性,,,,,,"], "gbk")
    with session_scope(engine) as s:
        report = import_owners(s, path)
    assert report.imported and report.rejected == []
    with session_scope(engine) as s:
        assert {r.name: r.gender for r in owners.search(s, "3-2-1101")} == {"王小明": "M", "李娜": "F"}


@pytest.mark.parametrize("header", [HEADER_ZH, "unit,name,gender,phone,phone2,role,vip,familiar,notes"])
def test_a_big5_file_is_read_as_big5_not_as_garbage(tmp_path, engine, header):
    """Excel on a Traditional Chinese system saves CSV in Big5, which GB18030 would 'decode' into nonsense."""
    path = write(tmp_path, "big5.csv", [header, GOOD_ROWS[0], GOOD_ROWS[2]], encoding="big5")
    with session_scope(engine) as s:
        report = import_owners(s, path)
    assert report.imported and not report.rejected
    with Session(engine) as s:
        assert sorted(name for (name,) in s.exec(select(Owner.name)).all()) == ["李娜", "王小明"]


def test_bytes_that_no_encoding_reads_plausibly_are_refused(tmp_path, engine):
    path = tmp_path / "noise.csv"
    # Valid GB18030 and Big5 byte pairs that read as kana / private-use characters either way.
    path.write_bytes("unit,name,gender\n1-1-101,".encode() + b"\xa4\xa2\xa4\xa4\xfe\xfe,M\n")
    with pytest.raises(ImportFileError, match="編碼"), session_scope(engine) as s:
        import_owners(s, path)
    assert counts(engine) == (0, 0, 0)
