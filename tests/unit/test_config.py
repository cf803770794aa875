"""The settings file: defaults, the database order, and a broken file told clearly."""

from __future__ import annotations

import pytest
from click.testing import CliRunner

from frontdesk.cli import main
from frontdesk.core.config import SettingsError, load_settings
from frontdesk.core.db import resolve_url


def write(tmp_path, text: str):
    path = tmp_path / "settings.toml"
    path.write_text(text, encoding="utf-8")
    return path


def test_missing_file_gives_defaults(tmp_path):
    settings = load_settings(tmp_path / "none.toml")
    assert settings.language == "zh-Hant" and settings.wait_apology_seconds == 120


def test_values_and_extras(tmp_path):
    path = write(tmp_path, 'language = "en"\nwait_apology_seconds = 30\noperator = "李文"\n[keymap]\n"go.owners" = "f9"\n')
    settings = load_settings(path)
    assert settings.language == "en" and settings.wait_apology_seconds == 30
    assert settings.extra == {"operator": "李文", "keymap": {"go.owners": "f9"}}


@pytest.mark.parametrize("text,expected", [
    ('language = "zh-Hant"\ndesk_name = "x\n', "格式有誤"),
    ('language = "fr"\n', "不是可用的語言"),
    ("wait_apology_seconds = -5\n", "不小於 0 的整數"),
    ('wait_apology_seconds = "two"\n', "不小於 0 的整數"),
    ("desk_name = 3\n", "應為文字"),
])
def test_bad_file_names_the_file_and_the_problem(tmp_path, text, expected):
    path = write(tmp_path, text)
    with pytest.raises(SettingsError) as info:
        load_settings(path)
    assert expected in str(info.value) and str(path) in str(info.value)


def test_broken_file_names_the_line(tmp_path):
    path = write(tmp_path, 'language = "en"\n\ndesk_name = "unclosed\n')
    with pytest.raises(SettingsError, match=r"line 3"):
        load_settings(path)


def test_cli_with_a_broken_settings_file_exits_with_one_message(tmp_path, monkeypatch):
    monkeypatch.setenv("FRONTDESK_CONFIG_DIR", str(tmp_path))
    write(tmp_path, 'language = "fr"\n')
    result = CliRunner().invoke(main, ["seed-demo", "--db", str(tmp_path / "x.db")])
    assert result.exit_code == 2
    assert "language" in result.output and "Traceback" not in result.output
    assert not (tmp_path / "x.db").exists()


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
