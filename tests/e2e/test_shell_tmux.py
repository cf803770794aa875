"""End to end in a real terminal: start frontdesk on a new database, move between screens, quit."""

from __future__ import annotations

import pytest

from tests.e2e.terminal import Terminal

pytestmark = pytest.mark.e2e


def test_start_switch_screens_and_quit(tmp_path):
    db = tmp_path / "desk.db"
    term = Terminal(["--db", str(db), "--operator", "李文"], env={"FRONTDESK_CONFIG_DIR": str(tmp_path)})
    try:
        term.wait_for("值班:李文")
        screen = term.wait_for("F1 說明")
        assert "F6 業主" in screen
        term.send("F1")
        screen = term.wait_for("全域按鍵")
        assert "Ctrl+Q" in screen
        term.send("F6")
        term.wait_for("業主")
        term.send("C-q")
        term.wait_until_gone("值班:李文")
    finally:
        term.close()
    assert db.exists()  # created and migrated on first start
