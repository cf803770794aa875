"""Placeholder until its issue lands (being built in parallel)."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.widgets import Static

from frontdesk.i18n import t
from frontdesk.widgets.base import DeskScreen


class QueueScreen(DeskScreen):
    TITLE_KEY = "queue.title"

    def compose_body(self) -> ComposeResult:
        yield Static(t("queue.title"), classes="screen-body placeholder")
