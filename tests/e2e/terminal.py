"""A real terminal for end-to-end tests: the app runs in tmux, keys go in, the screen comes out."""

from __future__ import annotations

import os
import shlex
import shutil
import subprocess
import sys
import time
import uuid
from pathlib import Path

import pytest


def frontdesk_command() -> list[str]:
    """The installed ``frontdesk`` console script beside this Python, as a user runs it."""
    script = Path(sys.executable).parent / "frontdesk"
    return [str(script)] if script.exists() else [sys.executable, "-m", "frontdesk"]


class Terminal:
    """``frontdesk`` in a detached tmux session of a fixed size."""

    def __init__(self, args: list[str], *, width: int = 140, height: int = 45, env: dict | None = None):
        if shutil.which("tmux") is None:
            pytest.skip("tmux is not installed (.ci/run installs it)")
        self.name = f"fd-{uuid.uuid4().hex[:8]}"
        command = " ".join(shlex.quote(a) for a in [*frontdesk_command(), *args])
        environment = {**os.environ, "TERM": "xterm-256color", **(env or {})}
        exports = " ".join(f"{k}={shlex.quote(v)}" for k, v in environment.items()
                           if k in {"TERM", "FRONTDESK_CONFIG_DIR", "FRONTDESK_DATABASE_URL", "LANG", "LC_ALL"})
        subprocess.run(
            ["tmux", "new-session", "-d", "-s", self.name, "-x", str(width), "-y", str(height),
             f"env {exports} {command}; sleep 30"],
            check=True, env=environment,
        )

    def send(self, *keys: str) -> None:
        subprocess.run(["tmux", "send-keys", "-t", self.name, *keys], check=True)

    def type(self, text: str) -> None:
        subprocess.run(["tmux", "send-keys", "-t", self.name, "-l", text], check=True)

    def screen(self) -> str:
        out = subprocess.run(["tmux", "capture-pane", "-p", "-t", self.name], capture_output=True, text=True)
        return out.stdout

    def wait_for(self, text: str, timeout: float = 20.0) -> str:
        """Poll the screen until ``text`` shows; fail with the last screen otherwise."""
        deadline = time.monotonic() + timeout
        screen = ""
        while time.monotonic() < deadline:
            screen = self.screen()
            if text in screen:
                return screen
            time.sleep(0.1)
        raise AssertionError(f"{text!r} did not appear within {timeout}s; the screen was:\n{screen}")

    def wait_for_all(self, *texts: str, timeout: float = 20.0) -> str:
        """Poll until every one of ``texts`` shows on one screen (parts of a screen arrive in separate
        frames: the key line first, the data from a worker after)."""
        deadline = time.monotonic() + timeout
        screen = ""
        while time.monotonic() < deadline:
            screen = self.screen()
            if all(text in screen for text in texts):
                return screen
            time.sleep(0.1)
        missing = [text for text in texts if text not in screen]
        raise AssertionError(f"{missing!r} did not appear within {timeout}s; the screen was:\n{screen}")

    def wait_until_gone(self, text: str, timeout: float = 10.0) -> str:
        deadline = time.monotonic() + timeout
        screen = self.screen()
        while text in screen and time.monotonic() < deadline:
            time.sleep(0.1)
            screen = self.screen()
        assert text not in screen, screen
        return screen

    def close(self) -> None:
        subprocess.run(["tmux", "kill-session", "-t", self.name], capture_output=True)
