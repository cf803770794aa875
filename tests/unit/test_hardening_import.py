"""Issue 8 A8: the CSV import streams its rows (still all or nothing, still every rejected row
reported), and a Shift-JIS file is recognised instead of imported as GB18030 nonsense."""

from __future__ import annotations

import tracemalloc
from pathlib import Path

import pytest
from click.testing import CliRunner
from sqlalchemy import func, select
from sqlmodel import Session

from frontdesk import owners
from frontdesk.cli import main
from frontdesk.core.db import session_scope
from frontdesk.importer import ImportFileError, decode, import_owners
from frontdesk.models import Occupancy, Owner, Unit
from frontdesk.names import name_keys, normalize_phone

SURNAMES = "王李張劉陳楊黃趙吳周徐孫馬朱胡郭何高林羅"
GIVEN = "偉芳娜秀英敏靜麗強磊軍洋勇艷傑娟濤明超蘭"


def counts(engine) -> tuple[int, int, int]:
    with Session(engine) as s:
        return tuple(s.exec(select(func.count()).select_from(t)).scalar_one() for t in (Unit, Owner, Occupancy))


def big_file(path: Path, rows: int, bad_every: int = 0) -> Path:
    lines = ["單元,姓名,性別,電話,VIP,備註"]
    for i in range(rows):
        name = SURNAMES[i % 20] + GIVEN[(i // 20) % 20] + GIVEN[(i // 400) % 20]
        phone = "12345" if bad_every and i % bad_every == 7 else f"138{i:08d}"
        lines.append(f"{i // 100 + 1}-1-{i % 100 + 101},{name},{'男' if i % 2 else '女'},{phone},,鑰匙寄放")
    path.write_text("\r\n".join(lines) + "\r\n", encoding="utf-8")
    return path


# --- streaming ----------------------------------------------------------------------------


def test_every_rejected_row_of_a_long_file_is_reported_and_nothing_written(engine, tmp_path):
    path = big_file(tmp_path / "long.csv", 2_400, bad_every=300)
    with session_scope(engine) as s:
        report = import_owners(s, path)
    expected = [i + 2 for i in range(2_400) if i % 300 == 7]  # line numbers (the header is line 1)
    assert [r.line for r in report.rejected] == expected and len(expected) == 8
    assert not report.imported and report.accepted == 2_400 - 8
    assert counts(engine) == (0, 0, 0)
    with session_scope(engine) as s:
        skipped = import_owners(s, path, skip_bad=True)
    assert skipped.imported and skipped.links_created == 2_392 and counts(engine) == (2_392, 2_392, 2_392)


def test_a_person_on_rows_far_apart_is_one_owner_with_their_flags_added_up(engine, tmp_path):
    """The same person on line 2 and line 1,502 (different batches of the second pass)."""
    lines = ["單元,姓名,性別,電話,電話2,VIP,熟客,備註", "1-1-101,王小明,男,13812345678,,,,"]
    lines += [f"2-{i // 100 + 1}-{i % 100 + 101},路人{i},女,139{i:08d},,,," for i in range(1_499)]
    lines.append("3-1-101,王小明,男,13812345678,010-62345678,是,1,第二套房")
    (tmp_path / "far.csv").write_text("\n".join(lines) + "\n", encoding="utf-8")
    with session_scope(engine) as s:
        report = import_owners(s, tmp_path / "far.csv")
    assert report.imported and report.owners_created == 1_500 and report.links_created == 1_501
    with session_scope(engine) as s:
        (row,) = owners.search(s, "5678")
        detail = owners.get_owner(s, row.id)
    assert [u.code for u in detail.units] == ["1-1-101", "3-1-101"]
    owner = detail.owner
    assert owner.is_vip and owner.is_familiar and owner.notes == "第二套房"
    assert owner.phone2 == "+861062345678" and owner.phone2_tail == "5678"


def test_an_existing_owner_is_matched_across_batches(engine, tmp_path):
    with session_scope(engine) as s:
        owners.add_unit(s, "9-9-901")
        owners.create_owner(s, owners.OwnerForm(name="李娜", gender="F", phone="13900005678", units="9-9-901",
                                                notes="原本的備註"))
    lines = ["單元,姓名,性別,電話,VIP,備註"] + [f"1-1-{100 + i},路人{i},男,137{i:08d},," for i in range(700)]
    lines += ["9-9-902,李娜,女,13900005678,是,新備註"]
    (tmp_path / "m.csv").write_text("\n".join(lines) + "\n", encoding="utf-8")
    with session_scope(engine) as s:
        report = import_owners(s, tmp_path / "m.csv")
    assert report.imported and report.owners_matched == 1 and report.owners_created == 700
    with session_scope(engine) as s:
        (row,) = owners.search(s, "李娜")
        detail = owners.get_owner(s, row.id)
    assert [u.code for u in detail.units] == ["9-9-901", "9-9-902"] and detail.owner.notes == "原本的備註"


def test_import_memory_stays_a_few_times_the_file(engine, tmp_path):
    """Held whole, rows cost about 70 times the file (issue 8); streamed, the peak stays small.
    The full figures, at 10,000 and 100,000 rows, come from benchmarks/import_memory.py."""
    path = big_file(tmp_path / "mem.csv", 4_000)
    name_keys("王小明")  # the pinyin dictionary and phone metadata load once per process
    normalize_phone("13812345678")
    tracemalloc.start()
    try:
        with session_scope(engine) as s:
            report = import_owners(s, path)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert report.imported and report.links_created == 4_000
    assert peak < 25 * path.stat().st_size, (peak, path.stat().st_size)


# --- Shift-JIS ------------------------------------------------------------------------------

JAPANESE = ["unit,name,gender,phone,notes", "1-1-101,山田花子,女,13812345678,鍵は管理人室に預けています",
            "1-1-102,佐藤太郎,男,13912345678,週末は不在"]
JAPANESE_KANJI_ONLY = ["unit,name,gender", "1-1-101,山田太郎,男", "1-1-102,佐藤一郎,男", "1-1-103,鈴木次郎,男",
                       "1-1-104,高橋三郎,男", "1-1-105,田中四郎,男"]


@pytest.mark.parametrize("lines", [JAPANESE, JAPANESE_KANJI_ONLY], ids=["with-kana", "kanji-only"])
def test_a_shift_jis_file_is_recognised_not_imported_as_nonsense(engine, tmp_path, lines, db_url):
    path = tmp_path / "jp.csv"
    path.write_bytes(("\r\n".join(lines) + "\r\n").encode("shift_jis"))
    with pytest.raises(ImportFileError) as info, session_scope(engine) as s:
        import_owners(s, path)
    assert "Shift-JIS" in str(info.value)
    assert counts(engine) == (0, 0, 0)
    result = CliRunner().invoke(main, ["--lang", "en", "import-owners", str(path), "--db", db_url])
    assert result.exit_code == 2 and "Shift-JIS" in result.output and "UTF-8" in result.output


@pytest.mark.parametrize(("text", "encoding", "name"), [
    ("單元,姓名,性別\n3-2-1101,王小明,男\n3-2-1102,李娜,女\n", "gbk", "gbk/gb18030"),
    ("单元,姓名,性别\n3-2-1101,王小明,男\n3-2-1102,欧阳娜娜,女\n", "gb2312", "gbk/gb18030"),
    ("單元,姓名,性別,備註\n3-2-1101,陳大文,男,鑰匙寄放\n", "big5", "big5"),
    ("單元,姓名,性別\n3-2-1101,山田花子,女\n", "utf-8", "utf-8"),
])
def test_chinese_files_are_not_taken_for_japanese(text, encoding, name):
    assert decode(text.encode(encoding)) == (text, name)
