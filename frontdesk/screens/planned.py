"""Screens whose workflows come in later issues. Each says what it will hold."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.widgets import Static

from frontdesk.core.i18n import t
from frontdesk.widgets.base import DeskScreen
from frontdesk.widgets.plain import plain


class VisitorsScreen(DeskScreen):
    """F3: visitor intake and contractor passes (seed 五, 5.1)."""

    TITLE_KEY = "planned.visitors_title"

    def compose_body(self) -> ComposeResult:
        yield Static(plain(t("planned.visitors_body")), classes="screen-body placeholder")


class WorkOrdersScreen(DeskScreen):
    """F4: work orders and complaints (seed 六)."""

    TITLE_KEY = "planned.workorders_title"

    def compose_body(self) -> ComposeResult:
        yield Static(plain(t("planned.workorders_body")), classes="screen-body placeholder")
