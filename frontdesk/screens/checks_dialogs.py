"""Modal dialogs of the F5 self-checks: a note for a fail (or a reason), the lead's PIN sign-off (kit forms)."""

from __future__ import annotations

from collections.abc import Callable

from sqlmodel import Session
from textual.app import ComposeResult
from textual.binding import Binding
from textual.widgets import Input, Static

from frontdesk.core.i18n import t
from frontdesk.selfchecks import NOTE_MAX, CheckView, LeadOption
from frontdesk.widgets.form import Form
from frontdesk.widgets.plain import plain


class PromptDialog(Form[str | None]):
    """One line of text that must not be empty: the note of a failed item, a correction's reason.

    Enter accepts, Escape cancels (returns None). Past ``NOTE_MAX`` characters the field says so.
    """

    CSS_PATH = "checks.tcss"
    INLINE = False

    def __init__(self, title: str, text: str, label: str, required: str, value: str = "") -> None:
        super().__init__(title, hint=t("checks.prompt_hint"))
        self._text, self._label, self._required, self._value = text, label, required, value

    def compose_fields(self) -> ComposeResult:
        yield Static(plain(self._text), classes="dialog-text")
        yield from self.field("value", self._label, Input(value=self._value), limit=NOTE_MAX)

    def on_mount(self) -> None:
        self.fields["value"].focus()

    def on_input_submitted(self, _event: Input.Submitted) -> None:
        self.action_save()

    def submit(self) -> None:
        value = self.value("value").strip()
        if not value:
            self.show_errors({"value": self._required})
            return
        self.dismiss(value)


class SignDialog(Form[CheckView | None]):
    """The shift lead signs with their PIN. Up/Down choose the lead; Enter signs; Escape cancels.

    ``sign(session, lead_id, pin)`` runs in a worker; a wrong PIN is shown under the PIN and
    the dialog stays open (the domain limits the attempts).
    """

    CSS_PATH = "checks.tcss"
    INLINE = False
    BINDINGS = [
        Binding("up", "lead(-1)", "checks.key_other_lead", id="checks.sign_lead_prev"),
        Binding("down", "lead(1)", "checks.key_other_lead", show=False, id="checks.sign_lead_next"),
    ]

    def __init__(self, summary: str, leads: list[LeadOption], default_lead: int | None,
                 sign: Callable[[Session, int, str], CheckView], *, title: str | None = None) -> None:
        super().__init__(title or t("checks.sign_title"), hint=t("checks.sign_hint"))
        self._summary = summary
        self._leads = leads
        ids = [lead.id for lead in leads]
        self._index = ids.index(default_lead) if default_lead in ids else 0
        self._sign = sign

    def compose_fields(self) -> ComposeResult:
        yield Static(plain(self._summary), classes="dialog-text")
        yield Static("", id="sign-lead")
        yield from self.field("pin", t("checks.sign_pin"), Input(password=True, restrict=r"[0-9]*"),
                              limit=8)

    def on_mount(self) -> None:
        self._show_lead()
        self.fields["pin"].focus()

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
        self.query_one("#sign-lead", Static).update(plain(text))

    def action_lead(self, step: int) -> None:
        if self._leads:
            self._index = (self._index + step) % len(self._leads)
            self._show_lead()

    def on_input_submitted(self, _event: Input.Submitted) -> None:
        self.action_save()

    def prepare(self):
        lead = self.lead
        if lead is None:
            self.show_error(t("checks.sign_no_lead"))
            return None
        pin = self.value("pin").strip()
        if not pin:
            self.show_errors({"pin": t("checks.sign_pin_required")})
            return None
        lead_id, sign = lead.id, self._sign
        return lambda s: sign(s, lead_id, pin)

    def show_domain_error(self, exc: BaseException) -> None:
        """A wrong PIN (or a lead who may not sign): said, and the PIN typed again from empty."""
        super().show_domain_error(exc)
        pin = self.fields["pin"]
        pin.value = ""
        pin.focus()
