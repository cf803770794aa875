"""Placeholder until its issue lands (being built in parallel)."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.widgets import Static

from frontdesk.i18n import t
from frontdesk.widgets.base import DeskScreen


class ReportsScreen(DeskScreen):
    TITLE_KEY = "reports.title"

    def compose_body(self) -> ComposeResult:
        yield Static(t("reports.title"), classes="screen-body placeholder")
