"""Issue 8 A4 and A8 on the command line: the app's exit code after an unhandled error, and URLs
the app cannot use, each one line without a traceback."""

from __future__ import annotations

import logging

import pytest
from click.testing import CliRunner
from textual.app import App

from frontdesk.app import FrontDeskApp
from frontdesk.cli import main
from frontdesk.screens.queue import QueueScreen


@pytest.fixture
def headless(monkeypatch, tmp_path):
    """``frontdesk`` runs the real app, headless, logging into tmp_path."""
    monkeypatch.setenv("FRONTDESK_LOG_DIR", str(tmp_path / "logs"))
    monkeypatch.setattr(FrontDeskApp, "run", lambda self, **kw: App.run(self, headless=True, **kw))
    yield tmp_path / "logs" / "frontdesk.log"
    for handler in list(logging.getLogger("frontdesk").handlers):
        handler.close()
        logging.getLogger("frontdesk").removeHandler(handler)


def test_an_unhandled_error_in_the_app_exits_1_with_one_line(headless, monkeypatch, db_url):
    def boom(self, *args, **kwargs):
        raise RuntimeError("screen broke for 11010519491231002X")

    monkeypatch.setattr(QueueScreen, "on_mount", boom)
    result = CliRunner().invoke(main, ["--lang", "en", "--db", db_url])
    assert result.exit_code == 1, result.output
    lines = [line for line in result.output.splitlines() if line.strip()]
    assert len(lines) == 1, result.output
    assert "unexpected error" in lines[0] and str(headless) in lines[0]
    assert "Traceback" not in result.output and "11010519491231002X" not in result.output
    logged = headless.read_text(encoding="utf-8")
    assert "RuntimeError" in logged and "Traceback" in logged
    assert "110105********002X" in logged and "11010519491231002X" not in logged


def test_quitting_the_app_exits_0(headless, monkeypatch, db_url):
    async def quit_soon(pilot):
        await pilot.pause()
        await pilot.press("ctrl+q")

    monkeypatch.setattr(FrontDeskApp, "run",
                        lambda self, **kw: App.run(self, headless=True, auto_pilot=quit_soon, **kw))
    result = CliRunner().invoke(main, ["--lang", "en", "--db", db_url])
    assert result.exit_code == 0, result.output
    assert result.output.strip() == ""


@pytest.mark.parametrize("url", [
    "foo://bar", "mysql://user:secret@db-host/desk", "mysql+pymysql://u@h/d", "oracle://x", "postgresql+pg8000://u@h/d",
    "://", "sqlite+pysqlcipher:///x.db",
])
@pytest.mark.parametrize("command", [[], ["seed-demo"], ["report"], ["backup", "copy.db"]])
def test_a_url_of_a_kind_the_app_cannot_use_is_one_line(url, command, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    result = CliRunner().invoke(main, ["--lang", "en", *command, "--db", url])
    assert result.exit_code == 2, result.output
    lines = [line for line in result.output.splitlines() if line.strip()]
    assert len(lines) == 1 and "Traceback" not in result.output, result.output
    assert "secret" not in result.output
    if command != ["backup", "copy.db"]:
        assert "postgresql+psycopg://" in lines[0] and "SQLite" in lines[0]
