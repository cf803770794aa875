"""Modal dialogs of the F5 self-checks: a note for a fail (or a reason), the lead's PIN sign-off."""

from __future__ import annotations

from collections.abc import Callable

from rich.text import Text
from sqlmodel import Session
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Input, Label, Static

from frontdesk.core.errors import ConflictError, NotFoundError, ValidationError
from frontdesk.core.i18n import t
from frontdesk.selfchecks import NOTE_MAX, CheckView, LeadOption
from frontdesk.widgets.base import translate_bindings

_CSS = """
{cls} {{ align: center middle; }}
{cls} > Vertical {{
    width: 80; height: auto; max-height: 90%;
    border: thick $primary; background: $surface; padding: 1 2;
}}
{cls} .dialog-title {{ text-style: bold; }}
{cls} .dialog-text {{ margin: 1 0; }}
{cls} .field-error {{ color: $error; height: auto; }}
{cls} .dialog-hint {{ color: $text-muted; margin-top: 1; }}
"""


class PromptDialog(ModalScreen[str | None]):
    """One line of text that must not be empty: the note of a failed item, a correction's reason.

    Enter accepts, Escape cancels (returns None).
    """

    DEFAULT_CSS = _CSS.format(cls="PromptDialog")
    BINDINGS = [Binding("escape", "cancel", "checks.key_cancel", id="checks.prompt_cancel")]

    def __init__(self, title: str, text: str, label: str, required: str, value: str = "") -> None:
        super().__init__()
        translate_bindings(self)
        self._title, self._text, self._label, self._required, self._value = title, text, label, required, value

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Static(Text(self._title), classes="dialog-title")
            yield Static(Text(self._text), classes="dialog-text")
            yield Label(self._label)
            yield Input(value=self._value, id="prompt-input", max_length=NOTE_MAX)
            yield Static("", id="prompt-error", classes="field-error")
            yield Static(t("checks.prompt_hint"), classes="dialog-hint")

    def on_mount(self) -> None:
        self.query_one("#prompt-input", Input).focus()

    def on_input_submitted(self, event: Input.Submitted) -> None:
        value = event.value.strip()
        if not value:
            self.query_one("#prompt-error", Static).update(Text(self._required))
            return
        self.dismiss(value)

    def action_cancel(self) -> None:
        self.dismiss(None)


class SignDialog(ModalScreen[CheckView | None]):
    """The shift lead signs with their PIN. Up/Down choose the lead; Enter signs; Escape cancels.

    ``sign(session, lead_id, pin)`` runs in a worker; a wrong PIN is shown here and
    the dialog stays open (the domain limits the attempts).
    """

    DEFAULT_CSS = _CSS.format(cls="SignDialog") + "SignDialog #sign-lead { text-style: bold; }"
    BINDINGS = [
        Binding("escape", "cancel", "checks.key_cancel", id="checks.sign_cancel"),
        Binding("up", "lead(-1)", "checks.key_other_lead", id="checks.sign_lead_prev"),
        Binding("down", "lead(1)", "checks.key_other_lead", show=False, id="checks.sign_lead_next"),
    ]

    def __init__(self, summary: str, leads: list[LeadOption], default_lead: int | None,
                 sign: Callable[[Session, int, str], CheckView], *, title: str | None = None) -> None:
        super().__init__()
        translate_bindings(self)
        self._title = title or t("checks.sign_title")
        self._summary = summary
        self._leads = leads
        ids = [lead.id for lead in leads]
        self._index = ids.index(default_lead) if default_lead in ids else 0
        self._sign = sign
        self._busy = False

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Static(Text(self._title), classes="dialog-title")
            yield Static(Text(self._summary), classes="dialog-text")
            yield Static("", id="sign-lead")
            yield Label(t("checks.sign_pin"))
            yield Input(password=True, id="sign-pin", max_length=8, restrict=r"[0-9]*")
            yield Static("", id="sign-error", classes="field-error")
            yield Static(t("checks.sign_hint"), classes="dialog-hint")

    def on_mount(self) -> None:
        self._show_lead()
        self.query_one("#sign-pin", Input).focus()

    @property
    def lead(self) -> LeadOption | None:
        return self._leads[self._index] if self._leads else None

    def _show_lead(self) -> None:
        lead = self.lead
        if lead is None:
            text = t("checks.sign_no_lead")
        else:
            text = t("checks.sign_lead", name=lead.name)
            if not lead.has_pin:
                text += " " + t("checks.sign_lead_no_pin")
        if len(self._leads) > 1:
            text += "  " + t("checks.sign_lead_switch")
        self.query_one("#sign-lead", Static).update(Text(text))

    def action_lead(self, step: int) -> None:
        if self._leads:
            self._index = (self._index + step) % len(self._leads)
            self._show_lead()

    def _error(self, exc: BaseException) -> bool:
        self._busy = False
        if isinstance(exc, (ValidationError, ConflictError, NotFoundError)):
            self.query_one("#sign-error", Static).update(Text(str(exc)))
            pin = self.query_one("#sign-pin", Input)
            pin.value = ""
            pin.focus()
            return True
        return False

    def on_input_submitted(self, event: Input.Submitted) -> None:
        if self._busy:
            return
        lead = self.lead
        if lead is None:
            self.query_one("#sign-error", Static).update(Text(t("checks.sign_no_lead")))
            return
        pin = event.value.strip()
        if not pin:
            self.query_one("#sign-error", Static).update(Text(t("checks.sign_pin_required")))
            return
        self._busy = True
        lead_id, sign = lead.id, self._sign
        self.app.run_db(lambda s: sign(s, lead_id, pin), self.dismiss, on_error=self._error, node=self)

    def action_cancel(self) -> None:
        self.dismiss(None)
