"""The settings: every key's type and default, the file checked at start-up for the app and every
command alike (one message naming the file, the key and what is allowed), the language from the
system locale, the database order, and the README's table generated from the same model."""

from __future__ import annotations

import os
import stat
from datetime import date, timedelta
from pathlib import Path

import pytest
from click.testing import CliRunner

from frontdesk.cli import main
from frontdesk.core import config, i18n
from frontdesk.core.config import Settings, SettingsError, load_settings, system_language
from frontdesk.core.db import resolve_url
from frontdesk.shifts import DEFAULT_SHIFTS, configured_shifts

README = Path(__file__).resolve().parents[2] / "README.md"


def write(tmp_path, text: str):
    path = tmp_path / "settings.toml"
    path.write_text(text, encoding="utf-8")
    return path


def test_missing_file_gives_defaults(tmp_path):
    settings = load_settings(tmp_path / "none.toml")
    assert settings.language == "zh-Hant" and settings.wait_apology_seconds == 120


def test_every_key_has_its_default():
    settings = Settings()
    assert settings.model_dump() == {
        "language": "zh-Hant",  # the test locale (C.UTF-8) is not Simplified Chinese
        "desk_name": "",
        "operator": "",
        "database_url": "",
        "wait_apology_seconds": 120,
        "report_dir": None,
        "slip_font": None,
        "keymap": {},
        "shifts": {"day": "08:00-20:00", "night": "20:00-08:00"},
        "calendar": {"working_days": ["mon", "tue", "wed", "thu", "fri"], "holidays": [], "extra_working_days": []},
        "visitors": {"overstay_minutes": 240, "retention_days": 180, "document_key": None,
                     "document_key_file": None},
        "passes": {"working_hours": ["08:00-12:00", "14:00-18:00"]},
        "deadlines": {
            "urgent": {"notified_minutes": 15, "signed_minutes": 30, "completed_minutes": 240},
            "normal": {"notified_minutes": 0, "signed_minutes": 120, "completed_minutes": 1440},
            "low": {"notified_minutes": 0, "signed_minutes": 0, "completed_minutes": 4320},
            "warning_minutes": 30,
            "callback_working_days": 1,
            "complaint_reply_minutes": 1440,
        },
    }
    assert settings.shifts == DEFAULT_SHIFTS  # the shifts module's defaults and the setting's agree
    assert settings.source is None


def test_every_setting_has_a_description():
    missing = [loc for loc, info, _value in config._leaves(Settings, Settings()) if not (info.description or "").strip()]
    assert missing == []


def test_values_and_extras(tmp_path):
    path = write(tmp_path, 'language = "en"\nwait_apology_seconds = 30\noperator = "李文"\n[keymap]\n"go.owners" = "f9"\n')
    settings = load_settings(path)
    assert settings.language == "en" and settings.wait_apology_seconds == 30
    assert settings.operator == "李文" and settings.keymap == {"go.owners": "f9"}  # typed keys, no untyped extras
    assert settings.source == path


GOOD_FILE = """\
language = "zh-Hans"
desk_name = "翠湖苑 物业服务中心"
operator = "李文"
database_url = "postgresql+psycopg://frontdesk@db-host/frontdesk"
wait_apology_seconds = 90
report_dir = "~/交班"

[keymap]
"go.owners" = "f9, ctrl+o"
"queue.arrive" = "?"

[shifts]
early = "07:00-15:00"
late = "15:00-23:00"
night = "23:00-07:00"

[calendar]
working_days = ["mon", "tue", "wed", "thu", "fri", "sat"]
holidays = [2026-10-01, "2026-10-02"]
extra_working_days = [2026-09-27]

[visitors]
overstay_minutes = 120
retention_days = 90
document_key = "0123456789abcdef0123456789abcdef"

[passes]
working_hours = ["08:30-11:30", "13:30-17:30"]

[deadlines]
warning_minutes = 20

[deadlines.urgent]
signed_minutes = 20
"""


def test_a_good_file(tmp_path):
    settings = load_settings(write(tmp_path, GOOD_FILE))
    assert settings.language == "zh-Hans" and settings.desk_name == "翠湖苑 物业服务中心"
    assert settings.database_url.startswith("postgresql+psycopg://")
    assert settings.report_dir == Path.home() / "交班"
    assert settings.keymap == {"go.owners": "f9,ctrl+o", "queue.arrive": "?"}
    assert [s.code for s in configured_shifts(settings.shifts)] == ["early", "late", "night"]
    assert settings.calendar.holidays == [date(2026, 10, 1), date(2026, 10, 2)]
    assert settings.visitors.overstay_minutes == 120 and settings.visitors.retention_days == 90
    assert config.visitor_document_key(settings) == b"0123456789abcdef0123456789abcdef"
    assert "0123456789abcdef" not in repr(settings)  # the key never shows in a log or a traceback
    assert settings.passes.working_hours == ["08:30-11:30", "13:30-17:30"]
    # a partial [deadlines.urgent] keeps the urgent defaults for the rest
    assert settings.deadlines.urgent.model_dump() == {"notified_minutes": 15, "signed_minutes": 20,
                                                      "completed_minutes": 240}
    assert settings.deadlines.warning_minutes == 20
    assert settings.deadlines.for_priority("low").limit("completed") == timedelta(hours=72)
    assert settings.deadlines.for_priority("low").limit("signed") is None


def test_the_readme_example_is_a_good_file(tmp_path):
    text = README.read_text(encoding="utf-8")
    example = text[text.index("```toml", text.index("## Configuration")) + len("```toml"):]
    example = example[:example.index("```")]
    settings = load_settings(write(tmp_path, example))
    assert settings.source is not None


# text, dotted key, what the zh-Hant message says is allowed (or wrong)
BAD = [
    pytest.param('language = "fr"\n', "language", "不是可用的語言;可選:zh-Hant, zh-Hans, en", id="bad-language"),
    pytest.param('wait_apology_seconds = "two"\n', "wait_apology_seconds", "應為不小於 0 的整數", id="wrong-type"),
    pytest.param("wait_apology_seconds = 12.5\n", "wait_apology_seconds", "應為不小於 0 的整數", id="not-whole"),
    pytest.param("wait_apology_seconds = -5\n", "wait_apology_seconds", "應為不小於 0 的整數", id="out-of-range"),
    pytest.param("[visitors]\nretention_days = 0\n", "visitors.retention_days", "介於 1 到 3650 的整數",
                 id="out-of-range-nested"),
    pytest.param("desk_name = 3\n", "desk_name", "應為文字", id="not-text"),
    pytest.param('desk_name = "' + "名" * 61 + '"\n', "desk_name", "最多 60 個字", id="too-long"),
    pytest.param('desk_name = "翠湖\\u001b[2J苑"\n', "desk_name", "不可含控制字元", id="control-character"),
    pytest.param('langauge = "en"\n', "langauge", "不是設定項;是不是要寫 language?", id="unknown-key"),
    pytest.param("[deadlines.urgent]\nsinged_minutes = 20\n", "deadlines.urgent.singed_minutes",
                 "是不是要寫 deadlines.urgent.signed_minutes?", id="unknown-nested-key"),
    pytest.param("[visiters]\noverstay_minutes = 30\n", "visiters", "是不是要寫 visitors?", id="unknown-table"),
    pytest.param("zzz = 1\n", "zzz", "此處可用的設定項:language, desk_name", id="unknown-key-far"),
    pytest.param('[shifts]\nday = "8-20"\n', "shifts.day", "應為時段 HH:MM-HH:MM", id="bad-shift-range"),
    pytest.param('[shifts]\nday = "08:00-25:00"\n', "shifts.day", "應為時段 HH:MM-HH:MM", id="bad-shift-hour"),
    pytest.param('[shifts]\nall = "08:00-20:00"\n', "shifts.all", "不可為 all", id="bad-shift-name"),
    pytest.param("[shifts]\n", "shifts", "至少一項", id="no-shift"),
    pytest.param("shifts = 3\n", "shifts", "應為表格", id="shifts-not-a-table"),
    pytest.param('[keymap]\n"go.owners" = 9\n', 'keymap."go.owners"', "應為按鍵", id="bad-keymap-key"),
    pytest.param('[keymap]\n"go.owners" = ""\n', 'keymap."go.owners"', "應為按鍵", id="empty-keymap-key"),
    pytest.param('[keymap]\n"go.owners" = "ctrl+?"\n', 'keymap."go.owners"', "應為按鍵", id="bad-keymap-combination"),
    pytest.param('[keymap]\nowners = "f9"\n', "keymap.owners", "應為按鍵編號", id="bad-keymap-id"),
    pytest.param('[deadlines.urgent]\nsigned_minutes = 10\n', "deadlines.urgent",
                 "notified_minutes = 15 晚於 signed_minutes = 10", id="deadlines-out-of-order"),
    pytest.param("deadlines = 4\n", "deadlines", "應為表格", id="table-not-a-table"),
    pytest.param('[passes]\nworking_hours = ["14:00-18:00", "08:00-12:00"]\n', "passes", "須按先後排列",
                 id="hours-out-of-order"),
    pytest.param('[passes]\nworking_hours = ["18:00-08:00"]\n', "passes.working_hours[0]", "同一天內的時段",
                 id="hours-past-midnight"),
    pytest.param('[calendar]\nworking_days = ["monday"]\n', "calendar.working_days[0]", "不是以下之一:mon, tue",
                 id="bad-weekday"),
    pytest.param('[calendar]\nholidays = ["2026-02-30"]\n', "calendar.holidays[0]", "應為日期", id="bad-date"),
    pytest.param('[calendar]\nholidays = [2026-10-01]\nextra_working_days = [2026-10-01]\n', "calendar",
                 "2026-10-01 不能同時是假日和調休上班日", id="holiday-and-working-day"),
    pytest.param('[visitors]\ndocument_key = "short"\n', "visitors.document_key", "至少 32 個字元", id="short-key"),
    pytest.param('[visitors]\ndocument_key = "' + "k" * 32 + '"\ndocument_key_file = "/x/key"\n', "visitors",
                 "只能設定其一", id="key-and-key-file"),
    pytest.param('slip_font = "/no/such/font.ttf"\n', "slip_font", "存在的 TrueType 字型檔", id="missing-font"),
]


@pytest.mark.parametrize("text,key,expected", BAD)
def test_a_bad_value_is_one_message_naming_the_file_the_key_and_what_is_allowed(tmp_path, text, key, expected):
    path = write(tmp_path, text)
    with pytest.raises(SettingsError) as info:
        load_settings(path)
    message = str(info.value)
    assert str(path) in message and key in message and expected in message, message
    assert info.value.key == key and info.value.path == path
    assert "\n" not in message and "pydantic" not in message and "Traceback" not in message


@pytest.mark.parametrize("text,key,expected", BAD)
def test_the_app_factory_refuses_a_bad_file_before_opening_the_database(tmp_path, monkeypatch, text, key, expected):
    from frontdesk.app import create_app

    monkeypatch.setenv("FRONTDESK_CONFIG_DIR", str(tmp_path))
    write(tmp_path, text)
    with pytest.raises(SettingsError, match=expected.replace("?", r"\?").replace("(", r"\(").replace(")", r"\)")):
        create_app(str(tmp_path / "desk.db"))
    assert not (tmp_path / "desk.db").exists()


COMMANDS = [
    pytest.param(["report", "--date", "2026-03-31", "--db", "{db}"], id="report"),
    pytest.param(["seed-demo", "--db", "{db}"], id="seed-demo"),
    pytest.param(["--db", "{db}"], id="app"),
    pytest.param(["backup", "{dir}", "--db", "{db}"], id="backup"),
    pytest.param(["import-owners", "{dir}/owners.csv", "--db", "{db}"], id="import-owners"),
]


@pytest.mark.parametrize("args", COMMANDS)
@pytest.mark.parametrize("text,key,expected", BAD)
def test_every_command_refuses_a_bad_file_with_the_same_one_line_message(tmp_path, monkeypatch, args, text, key,
                                                                          expected):
    monkeypatch.setenv("FRONTDESK_CONFIG_DIR", str(tmp_path))
    path = write(tmp_path, text)
    (tmp_path / "owners.csv").write_text("單元,姓名\n3-2-1101,王小明\n", encoding="utf-8")
    db = tmp_path / "desk.db"
    args = [a.format(db=db, dir=tmp_path) for a in args]
    result = CliRunner().invoke(main, args)
    assert result.exit_code == 2, result.output
    assert result.stdout == ""
    lines = result.stderr.splitlines()
    assert len(lines) == 1 and str(path) in lines[0] and key in lines[0] and expected in lines[0], result.stderr
    assert "Traceback" not in result.output
    assert not db.exists()  # refused at start-up, before any database work


def test_report_and_the_screens_read_the_same_shifts(tmp_path, monkeypatch, db_url):
    """A desk's own [shifts] reach frontdesk report; a bad one stops it (and the app) at start-up."""
    monkeypatch.setenv("FRONTDESK_CONFIG_DIR", str(tmp_path))
    write(tmp_path, '[shifts]\nearly = "07:00-15:00"\nlate = "15:00-23:00"\n')
    result = CliRunner().invoke(main, ["--lang", "en", "report", "--date", "2026-03-31", "--shift", "early",
                                       "--db", db_url])
    assert result.exit_code == 0, result.output
    assert "07:00–15:00" in result.output
    result = CliRunner().invoke(main, ["report", "--date", "2026-03-31", "--shift", "day", "--db", db_url])
    assert result.exit_code == 2 and "day" in result.output  # "day" is not one of this desk's shifts


def test_help_is_shown_whatever_the_settings_file_holds(tmp_path, monkeypatch):
    monkeypatch.setenv("FRONTDESK_CONFIG_DIR", str(tmp_path))
    write(tmp_path, 'langauge = "en"\n')
    for args in (["--help"], ["report", "--help"], ["seed-demo", "-h"]):
        result = CliRunner().invoke(main, args)
        assert result.exit_code == 0 and "Usage:" in result.output, args
    assert CliRunner().invoke(main, ["report"]).exit_code == 2  # but not the command itself


def test_the_message_is_in_the_file_language_or_the_flag_or_the_locale(tmp_path, monkeypatch):
    monkeypatch.setenv("FRONTDESK_CONFIG_DIR", str(tmp_path))
    write(tmp_path, 'language = "en"\nwait_apology_seconds = -1\n')
    result = CliRunner().invoke(main, ["seed-demo", "--db", str(tmp_path / "x.db")])
    assert "In the settings file" in result.stderr and "a whole number of 0 or more" in result.stderr
    result = CliRunner().invoke(main, ["--lang", "zh-Hans", "seed-demo", "--db", str(tmp_path / "x.db")])
    assert "设置文件" in result.stderr and "不小于 0 的整数" in result.stderr
    write(tmp_path, 'language = "klingon"\n')
    monkeypatch.setenv("LC_ALL", "zh_CN.UTF-8")
    result = CliRunner().invoke(main, ["seed-demo", "--db", str(tmp_path / "x.db")])
    assert "设置文件" in result.stderr and "不是可用的语言" in result.stderr
    assert i18n.current_language() == "zh-Hant"  # reading a bad file did not change the language


def test_more_problems_are_counted_after_the_first(tmp_path):
    with i18n.using_language("en"):
        with pytest.raises(SettingsError, match=r"\(1 more problem in the file\.\)"):
            load_settings(write(tmp_path, 'language = "en"\nwait_apology_seconds = -1\nfoo = 1\n'))
        with pytest.raises(SettingsError, match=r"\(2 more problems in the file\.\)"):
            load_settings(write(tmp_path, 'language = "en"\nwait_apology_seconds = -1\nfoo = 1\nbar = 2\n'))


def test_a_key_is_never_echoed(tmp_path):
    with pytest.raises(SettingsError) as info:
        load_settings(write(tmp_path, '[visitors]\ndocument_key = "secret-but-short"\n'))
    assert "secret" not in str(info.value)


@pytest.mark.parametrize("text,expected", [
    ('language = "zh-Hant"\ndesk_name = "x\n', "格式有誤"),
    ("[keymap]\ngo.owners = f9\n", "格式有誤"),
])
def test_a_file_that_is_not_toml(tmp_path, text, expected):
    path = write(tmp_path, text)
    with pytest.raises(SettingsError) as info:
        load_settings(path)
    assert expected in str(info.value) and str(path) in str(info.value)


def test_broken_file_names_the_line(tmp_path):
    path = write(tmp_path, 'language = "en"\n\ndesk_name = "unclosed\n')
    with pytest.raises(SettingsError, match=r"line 3"):
        load_settings(path)


def test_a_file_that_cannot_be_read(tmp_path):
    path = tmp_path / "settings.toml"
    path.write_bytes('desk_name = "物業"\n'.encode("gbk"))
    with pytest.raises(SettingsError, match="UTF-8"):
        load_settings(path)
    path.unlink()
    path.mkdir()
    with pytest.raises(SettingsError, match="無法讀取設定檔"):
        load_settings(path)


def test_cli_with_a_broken_settings_file_exits_with_one_message(tmp_path, monkeypatch):
    monkeypatch.setenv("FRONTDESK_CONFIG_DIR", str(tmp_path))
    write(tmp_path, 'language = "fr"\n')
    result = CliRunner().invoke(main, ["seed-demo", "--db", str(tmp_path / "x.db")])
    assert result.exit_code == 2
    assert "language" in result.output and "Traceback" not in result.output
    assert not (tmp_path / "x.db").exists()


def test_an_unknown_binding_id_is_refused_by_the_app_factory(tmp_path, monkeypatch):
    from frontdesk.app import binding_ids, create_app

    assert {"go.owners", "queue.arrive", "app.quit", "row_list.down"} <= binding_ids()
    monkeypatch.setenv("FRONTDESK_CONFIG_DIR", str(tmp_path))
    path = write(tmp_path, '[keymap]\n"go.owner" = "f9"\n')
    with pytest.raises(SettingsError) as info:
        create_app(str(tmp_path / "desk.db"))
    assert str(path) in str(info.value) and 'keymap."go.owner"' in str(info.value)
    assert "是不是要寫 go.owners?" in str(info.value)
    assert not (tmp_path / "desk.db").exists()
    write(tmp_path, '[keymap]\n"queue.nothing_like_this" = "f9"\n')
    with pytest.raises(SettingsError, match="queue 的編號有:.*queue.arrive"):
        create_app(str(tmp_path / "desk.db"))
    write(tmp_path, '[keymap]\n"zzz.top" = "f9"\n')
    with pytest.raises(SettingsError, match="編號以下列之一開頭:.*go, "):
        create_app(str(tmp_path / "desk.db"))
    result = CliRunner().invoke(main, ["--db", str(tmp_path / "desk.db")])
    assert result.exit_code == 2 and "zzz.top" in result.stderr and len(result.stderr.splitlines()) == 1


def test_settings_made_in_code_read_neither_the_file_nor_the_environment(tmp_path, monkeypatch):
    monkeypatch.setenv("FRONTDESK_CONFIG_DIR", str(tmp_path))
    write(tmp_path, 'operator = "from the file"\n')
    for name in ("operator", "OPERATOR", "FRONTDESK_OPERATOR", "language", "LANGUAGE"):
        monkeypatch.setenv(name, "en")
    assert Settings().operator == "" and Settings().language == "zh-Hant"
    assert load_settings().operator == "from the file"


def test_settings_made_in_code_are_checked_too():
    from pydantic import ValidationError

    with pytest.raises(ValidationError):
        Settings(language="fr")
    settings = Settings()
    with pytest.raises(ValidationError):
        settings.wait_apology_seconds = -1
    with pytest.raises(ValidationError):
        Settings(extra={"keymap": {}})  # the untyped dict is gone: unknown names are refused


def test_the_slip_font_is_an_existing_truetype_file(tmp_path):
    font = tmp_path / "wqy-microhei.ttc"
    font.write_bytes(b"ttcf")
    assert load_settings(write(tmp_path, f'slip_font = "{font}"\n')).slip_font == font
    assert load_settings(write(tmp_path, 'slip_font = ""\n')).slip_font is None  # empty: not set
    otf = tmp_path / "NotoSansCJK.otf"  # CFF outlines: reportlab cannot embed them
    otf.write_bytes(b"OTTO")
    with pytest.raises(SettingsError, match="TrueType"):
        load_settings(write(tmp_path, f'slip_font = "{otf}"\n'))


# --- the language when none is set ------------------------------------------------------


@pytest.mark.parametrize("environ,expected", [
    ({"LANG": "zh_CN.UTF-8"}, "zh-Hans"),
    ({"LANG": "zh_SG.UTF-8"}, "zh-Hans"),
    ({"LANG": "zh_CN.GB18030"}, "zh-Hans"),
    ({"LANG": "zh_Hans_CN.UTF-8"}, "zh-Hans"),
    ({"LANG": "zh-CN"}, "zh-Hans"),
    ({"LANG": "zh_TW.UTF-8"}, "zh-Hant"),
    ({"LANG": "zh_HK.UTF-8"}, "zh-Hant"),
    ({"LANG": "zh_MO.UTF-8"}, "zh-Hant"),
    ({"LANG": "zh_CN.UTF-8@pinyin"}, "zh-Hans"),
    ({"LANG": "en_US.UTF-8"}, "zh-Hant"),
    ({"LANG": "C.UTF-8"}, "zh-Hant"),
    ({"LANG": "POSIX"}, "zh-Hant"),
    ({"LANG": "zh"}, "zh-Hant"),
    ({}, "zh-Hant"),
    # the first that is set decides, as terminal programs read them
    ({"LC_ALL": "zh_TW.UTF-8", "LC_MESSAGES": "zh_CN.UTF-8", "LANG": "zh_CN.UTF-8"}, "zh-Hant"),
    ({"LC_MESSAGES": "zh_CN.UTF-8", "LANG": "zh_TW.UTF-8"}, "zh-Hans"),
    ({"LC_ALL": "", "LC_MESSAGES": "", "LANG": "zh_SG.UTF-8"}, "zh-Hans"),
    ({"LC_CTYPE": "zh_CN.UTF-8"}, "zh-Hant"),  # LC_CTYPE is the character set, not the language
])
def test_system_locale(environ, expected):
    assert system_language(environ) == expected


def test_language_order_flag_then_setting_then_locale(tmp_path, monkeypatch):
    from frontdesk.app import create_app

    monkeypatch.setenv("LC_ALL", "zh_CN.UTF-8")
    monkeypatch.setenv("FRONTDESK_CONFIG_DIR", str(tmp_path))
    assert load_settings().language == "zh-Hans"  # no file: the locale
    write(tmp_path, 'language = "en"\n')
    assert load_settings().language == "en"  # the setting wins over the locale
    app = create_app(str(tmp_path / "a.db"), language="zh-Hant")  # --lang wins over both
    assert app.settings.language == "zh-Hant" and i18n.current_language() == "zh-Hant"
    app.engine.dispose()
    result = CliRunner().invoke(main, ["--lang", "zh-Hant", "seed-demo", "--db", str(tmp_path / "b.db")])
    assert result.exit_code == 0 and "示範資料" in result.output
    (tmp_path / "settings.toml").unlink()
    result = CliRunner().invoke(main, ["seed-demo", "--db", str(tmp_path / "c.db")])
    assert result.exit_code == 0 and "示范数据" in result.output  # the locale's Simplified Chinese


# --- the database order -------------------------------------------------------------------


def test_database_order_db_then_variable_then_settings_then_default(tmp_path, monkeypatch):
    from_settings = f"sqlite:///{tmp_path / 'settings.db'}"
    assert resolve_url(None, from_settings) == from_settings
    monkeypatch.setenv("FRONTDESK_DATABASE_URL", f"sqlite:///{tmp_path / 'env.db'}")
    assert resolve_url(None, from_settings).endswith("env.db")
    assert resolve_url(str(tmp_path / "flag.db"), from_settings).endswith("flag.db")
    monkeypatch.delenv("FRONTDESK_DATABASE_URL")
    assert resolve_url(None, None).endswith("frontdesk.db")


def test_cli_uses_the_variable_before_the_settings_file(tmp_path, monkeypatch):
    monkeypatch.setenv("FRONTDESK_CONFIG_DIR", str(tmp_path))
    write(tmp_path, f'database_url = "sqlite:///{tmp_path / "settings.db"}"\n')
    monkeypatch.setenv("FRONTDESK_DATABASE_URL", f"sqlite:///{tmp_path / 'env.db'}")
    result = CliRunner().invoke(main, ["seed-demo"])
    assert result.exit_code == 0, result.output
    assert (tmp_path / "env.db").exists() and not (tmp_path / "settings.db").exists()


@pytest.mark.parametrize("command", [["seed-demo"], ["report", "--date", "2026-03-31"]])
def test_each_command_takes_the_database_flag_then_variable_then_setting(tmp_path, monkeypatch, command):
    monkeypatch.setenv("FRONTDESK_CONFIG_DIR", str(tmp_path))
    write(tmp_path, f'database_url = "{tmp_path / "settings.db"}"\n')
    assert CliRunner().invoke(main, command).exit_code == 0
    assert (tmp_path / "settings.db").exists()
    monkeypatch.setenv("FRONTDESK_DATABASE_URL", str(tmp_path / "env.db"))
    assert CliRunner().invoke(main, command).exit_code == 0
    assert (tmp_path / "env.db").exists()
    assert CliRunner().invoke(main, [*command, "--db", str(tmp_path / "flag.db")]).exit_code == 0
    assert (tmp_path / "flag.db").exists()


def test_the_config_dir_variable_moves_the_file(tmp_path, monkeypatch):
    monkeypatch.setenv("FRONTDESK_CONFIG_DIR", str(tmp_path / "elsewhere"))
    assert config.config_path() == tmp_path / "elsewhere" / "settings.toml"


# --- the calendar and the visitor document key -----------------------------------------------


def test_working_days_holidays_and_make_up_days():
    cal = config.CalendarSettings(holidays=[date(2026, 10, 1), date(2026, 10, 2)],
                                  extra_working_days=[date(2026, 9, 27)])
    assert cal.is_working_day(date(2026, 9, 30))  # a Wednesday
    assert not cal.is_working_day(date(2026, 10, 1))  # a holiday on a Thursday
    assert not cal.is_working_day(date(2026, 10, 3))  # a Saturday
    assert cal.is_working_day(date(2026, 9, 27))  # a Sunday worked instead (調休)
    assert cal.next_working_day(date(2026, 9, 30)) == date(2026, 10, 5)  # past the holidays and the weekend
    assert cal.next_working_day(date(2026, 9, 26)) == date(2026, 9, 27)
    assert cal.next_working_day(date(2026, 9, 30), 2) == date(2026, 10, 6)


def test_the_document_key_file_is_made_once_readable_by_its_owner_only(tmp_path, monkeypatch):
    monkeypatch.setenv("FRONTDESK_CONFIG_DIR", str(tmp_path / "conf"))
    settings = load_settings()
    key = config.visitor_document_key(settings)
    path = tmp_path / "conf" / config.KEY_FILE_NAME
    assert config.document_key_path(settings) == path and len(key) >= config.MIN_KEY_LENGTH
    assert stat.S_IMODE(os.stat(path).st_mode) == 0o600
    assert config.visitor_document_key(settings) == key  # the same key next time
    other = Settings(visitors={"document_key_file": str(tmp_path / "k2")})
    assert config.visitor_document_key(other) != key


def test_a_short_or_unreadable_key_file_is_refused(tmp_path):
    path = tmp_path / "key"
    path.write_text("too short\n")
    settings = Settings(visitors={"document_key_file": str(path)})
    with pytest.raises(SettingsError, match="少於 32 個字元") as info:
        config.visitor_document_key(settings)
    assert "visitors.document_key_file" in str(info.value)
    path.unlink()
    path.mkdir()
    with pytest.raises(SettingsError, match="無法使用密鑰檔"):
        config.visitor_document_key(settings)


# --- the README's table ---------------------------------------------------------------------


def test_the_readme_lists_every_setting_from_the_model():
    """The configuration section is generated: run ``python3 -m frontdesk.core.config --update README.md``."""
    section = config.readme_section(README.read_text(encoding="utf-8"))
    assert section == config.settings_reference()
    for loc, _info, _value in config._leaves(Settings, Settings()):
        assert f"`{config._dotted(loc)}`" in section


def test_the_reference_would_notice_a_new_setting(monkeypatch):
    before = config.settings_reference()
    monkeypatch.setattr(config.Settings.model_fields["operator"], "description", "changed")
    assert config.settings_reference() != before


def test_the_reference_can_be_printed_and_written(tmp_path, capsys):
    assert config.main(["--markdown"]) == 0
    assert capsys.readouterr().out == config.settings_reference()
    readme = tmp_path / "README.md"
    readme.write_text(f"# x\n\n{config.README_BEGIN}\nold\n{config.README_END}\nafter\n", encoding="utf-8")
    assert config.main(["--update", str(readme)]) == 0
    text = readme.read_text(encoding="utf-8")
    assert config.readme_section(text) == config.settings_reference() and text.endswith("after\n")
