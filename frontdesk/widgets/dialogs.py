"""The two dialogs every screen shares: a message to acknowledge, a yes / no question."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.binding import Binding
from textual.widgets import Button, Static

from frontdesk.core.i18n import t
from frontdesk.widgets.modal import Modal
from frontdesk.widgets.plain import plain


class MessageDialog(Modal[None]):
    """A message the user must acknowledge (errors from workers end up here). Esc or Enter closes it."""

    DEFAULT_CSS = """
    MessageDialog > .modal-frame { width: 70; max-height: 80%; border: thick $error; }
    MessageDialog.-info > .modal-frame { border: thick $primary; }
    MessageDialog Button { margin-top: 1; }
    """
    BINDINGS = [Binding("escape,enter", "cancel", "keys.close", id="dialog.close")]

    def __init__(self, title: str, message: str, *, error: bool = True) -> None:
        super().__init__(title, classes="" if error else "-info")
        self._message = message

    def compose_body(self) -> ComposeResult:
        yield Static(plain(self._message), id="dialog-message")
        yield Button(t("keys.close"), id="dialog-ok", variant="primary")

    def on_button_pressed(self, _event: Button.Pressed) -> None:
        self.dismiss(None)


class ConfirmDialog(Modal[bool]):
    """Yes / no. ``y`` or Enter confirms, ``n`` or Escape declines."""

    DEFAULT_CSS = """
    ConfirmDialog > .modal-frame { width: 60; border: thick $warning; }
    """
    BINDINGS = [
        Binding("y,enter", "answer(True)", "keys.yes", id="dialog.yes"),
        Binding("n,escape", "answer(False)", "keys.no", id="dialog.no"),
    ]

    def __init__(self, message: str) -> None:
        super().__init__(hint=t("app.confirm_hint"))
        self._message = message

    def compose_body(self) -> ComposeResult:
        yield Static(plain(self._message), id="dialog-message")

    def action_answer(self, value: bool) -> None:
        self.dismiss(value)
