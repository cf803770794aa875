"""End to end in a real terminal: seed-demo, then frontdesk; move between screens, find an owner on F6, quit."""

from __future__ import annotations

import os
import subprocess

import pytest

from frontdesk import owners
from frontdesk.core.db import open_database, session_scope
from frontdesk.names import phone_tail
from tests.e2e.terminal import Terminal, frontdesk_command

pytestmark = pytest.mark.e2e


def test_seed_demo_then_the_shell_and_a_working_f6(tmp_path):
    db = tmp_path / "desk.db"
    env_dir = {"FRONTDESK_CONFIG_DIR": str(tmp_path)}
    done = subprocess.run([*frontdesk_command(), "seed-demo", "--db", str(db)], capture_output=True, text=True,
                          env={**os.environ, **env_dir})
    assert done.returncode == 0, done.stderr
    engine = open_database(f"sqlite:///{db}")
    with session_scope(engine) as s:
        someone = next(r for r in owners.search(s, "", limit=50) if r.phone)
        full = owners.get_owner(s, someone.id).owner
    engine.dispose()

    term = Terminal(["--db", str(db), "--operator", "李文"], env=env_dir)
    try:
        term.wait_for("值班:李文")
        term.wait_for("F1 說明")
        # the key line and the seats arrive in separate frames (the seats from a database worker):
        # poll for each rather than read one early frame
        screen = term.wait_for_all("F6 業主", "▶")
        assert "F6 業主" in screen and "▶" in screen  # the desk queue names who stands next
        term.send("F1")
        screen = term.wait_for_all("全域按鍵", "Ctrl+Q")
        assert "Ctrl+Q" in screen
        term.send("F6")
        term.wait_for("拼音首字母 wxm")  # the F6 search box hint, shown on no other screen
        term.type(phone_tail(full.phone))
        screen = term.wait_for_all(someone.name, owners.display_phone(full.phone))
        assert owners.display_phone(full.phone) in screen
        term.send("C-q")
        term.wait_until_gone("值班:李文")
    finally:
        term.close()
