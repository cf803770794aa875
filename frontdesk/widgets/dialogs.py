"""Modal dialogs shared by every screen."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Button, Static

from frontdesk.core.i18n import t
from frontdesk.widgets.base import translate_bindings


class MessageDialog(ModalScreen[None]):
    """A message the user must acknowledge (errors from workers end up here)."""

    DEFAULT_CSS = """
    MessageDialog { align: center middle; }
    MessageDialog > Vertical {
        width: 70; height: auto; max-height: 80%;
        border: thick $error; background: $surface; padding: 1 2;
    }
    MessageDialog.-info > Vertical { border: thick $primary; }
    MessageDialog #dialog-title { text-style: bold; margin-bottom: 1; }
    MessageDialog Button { margin-top: 1; }
    """
    BINDINGS = [
        Binding("escape,enter", "dismiss_dialog", "keys.close", id="dialog.close"),
    ]

    def __init__(self, title: str, message: str, *, error: bool = True) -> None:
        super().__init__(classes="" if error else "-info")
        translate_bindings(self)
        self._title = title
        self._message = message

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Static(self._title, id="dialog-title")
            yield Static(self._message, id="dialog-message")
            yield Button(t("keys.close"), id="dialog-ok", variant="primary")

    def on_button_pressed(self, _event: Button.Pressed) -> None:
        self.dismiss(None)

    def action_dismiss_dialog(self) -> None:
        self.dismiss(None)


class ConfirmDialog(ModalScreen[bool]):
    """Yes / no. ``y`` or Enter confirms, ``n`` or Escape declines."""

    DEFAULT_CSS = """
    ConfirmDialog { align: center middle; }
    ConfirmDialog > Vertical {
        width: 60; height: auto; border: thick $warning; background: $surface; padding: 1 2;
    }
    """
    BINDINGS = [
        Binding("y,enter", "answer(True)", "keys.yes", id="dialog.yes"),
        Binding("n,escape", "answer(False)", "keys.no", id="dialog.no"),
    ]

    def __init__(self, message: str) -> None:
        super().__init__()
        translate_bindings(self)
        self._message = message

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Static(self._message)
            yield Static(t("app.confirm_hint"))

    def action_answer(self, value: bool) -> None:
        self.dismiss(value)
