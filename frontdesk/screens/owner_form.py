"""Modal forms of the owners registry: add or edit an owner, add a unit.

Ctrl+S saves, Esc cancels. A bad field gets its message in a label right under
it (class ``field-error``); what was typed stays and nothing is saved. If
another desk saved the owner meanwhile, the form says so and keeps the typing;
Ctrl+R reloads the record.
"""

from __future__ import annotations

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, VerticalScroll
from textual.screen import ModalScreen
from textual.widget import Widget
from textual.widgets import Checkbox, Input, Label, Select, Static

from frontdesk import owners
from frontdesk.core.errors import ConflictError, NotFoundError, ValidationError
from frontdesk.core.i18n import t
from frontdesk.owners import OwnerDetail, OwnerForm, role_label
from frontdesk.widgets.base import translate_bindings

FORM_CSS = """
{cls} {{ align: center middle; }}
{cls} > VerticalScroll {{
    width: 80; height: auto; max-height: 95%;
    border: thick $primary; background: $surface; padding: 0 2;
}}
{cls} .form-title {{ text-style: bold; margin-bottom: 1; }}
{cls} .form-row {{ height: auto; margin-top: 1; }}
{cls} .form-label {{ width: 16; color: $text-muted; padding-top: 0; }}
{cls} .form-row > Input, {cls} .form-row > Select {{ width: 1fr; }}
{cls} Input {{ border: none; height: 1; padding: 0 1; background: $boost; }}
{cls} Input:focus, {cls} Input.-invalid, {cls} Input.-invalid:focus {{ border: none; background: $primary 25%; }}
{cls} Select > SelectCurrent {{ border: none; height: 1; padding: 0 1; background: $boost; }}
{cls} Select:focus > SelectCurrent {{ background: $primary 25%; }}
{cls} .form-hint {{ margin-top: 1; color: $text-muted; }}
{cls} .field-error {{ color: $error; height: auto; width: 1fr; margin-left: 16; }}
{cls} .flags {{ height: auto; margin-top: 1; margin-left: 16; }}
{cls} .flags Checkbox {{ width: auto; margin-right: 2; border: none; height: 1; padding: 0; }}
{cls} #form-error {{ color: $error; text-style: bold; height: auto; margin-bottom: 1; }}
"""


class _Form(ModalScreen):
    """What the two forms share: field errors, the form-wide error, the save lock."""

    FIELDS: tuple[str, ...] = ()

    def __init__(self) -> None:
        super().__init__()
        translate_bindings(self)
        self.saving = False

    def row(self, field: str, label: str, widget: Widget) -> ComposeResult:
        """A label and its field on one line, the field's error line under it (hidden while empty)."""
        with Horizontal(classes="form-row"):
            yield Label(label, classes="form-label")
            yield widget
        error = Label("", id=f"err-{field}", classes="field-error")
        error.display = False
        yield error

    def banner(self) -> Static:
        """The form-wide message (a version conflict, a deleted record)."""
        banner = Static("", id="form-error")
        banner.display = False
        return banner

    def clear_errors(self) -> None:
        for label in self.query(".field-error").results(Label):
            label.update("")
            label.display = False
        banner = self.query_one("#form-error", Static)
        banner.update("")
        banner.display = False

    def show_errors(self, errors: dict[str, str]) -> None:
        first = None
        for field, message in errors.items():
            if field not in self.FIELDS:
                field = "form"
            if field == "form":
                self.show_banner(message)
                continue
            label = self.query_one(f"#err-{field}", Label)
            label.update(message)
            label.display = True
            first = first or field
        if first:
            self.query_one(f"#f-{first}").focus()

    def show_banner(self, message: str) -> None:
        banner = self.query_one("#form-error", Static)
        banner.update(message)
        banner.display = True

    def on_error(self, exc: BaseException) -> bool:
        """Errors shown in the form itself; anything else goes to the app's error dialog."""
        self.saving = False
        if isinstance(exc, ValidationError):
            self.show_errors(exc.errors)
            return True
        if isinstance(exc, (ConflictError, NotFoundError)):
            self.show_banner(str(exc))
            return True
        return False

    def action_cancel(self) -> None:
        self.dismiss(None)


class OwnerFormScreen(_Form):
    """Add an owner (``detail`` None) or edit one. Dismisses with the saved name, or None."""

    DEFAULT_CSS = FORM_CSS.format(cls="OwnerFormScreen")
    FIELDS = ("name", "gender", "phone", "phone2", "units", "role", "notes")
    BINDINGS = [
        Binding("ctrl+s", "save", "owners.key.save", id="owner_form.save", priority=True),
        Binding("escape", "cancel", "owners.key.cancel", id="owner_form.cancel"),
        Binding("ctrl+r", "reload", "owners.key.reload", id="owner_form.reload"),
    ]

    def __init__(self, detail: OwnerDetail | None = None, *, units: str = "") -> None:
        super().__init__()
        self.detail = detail
        self.initial = OwnerForm.from_owner(detail) if detail else OwnerForm(name="", gender="", units=units)

    def compose(self) -> ComposeResult:
        form = self.initial
        with VerticalScroll():
            if self.detail:
                yield Static(t("owners.form.edit_title", name=self.detail.owner.name), classes="form-title")
            else:
                yield Static(t("owners.form.add_title"), classes="form-title")
            yield self.banner()
            name = Input(form.name, id="f-name", max_length=owners.NAME_MAX)
            yield from self.row("name", t("owners.form.name"), name)
            yield from self.row(
                "gender",
                t("owners.form.gender"),
                Select(
                    [(t("owners.gender.F"), "F"), (t("owners.gender.M"), "M")],
                    prompt=t("owners.form.choose"),
                    value=form.gender if form.gender in ("F", "M") else Select.NULL,
                    id="f-gender",
                ),
            )
            phone = Input(form.phone, id="f-phone", placeholder="138 1234 5678")
            yield from self.row("phone", t("owners.form.phone"), phone)
            yield from self.row("phone2", t("owners.form.phone2"), Input(form.phone2, id="f-phone2"))
            units = Input(form.units, id="f-units", placeholder=t("owners.form.units_hint"))
            yield from self.row("units", t("owners.form.units"), units)
            yield from self.row(
                "role",
                t("owners.form.role"),
                Select(
                    [(role_label(r), r) for r in owners.OCCUPANT_ROLES],
                    value=form.role if form.role in owners.OCCUPANT_ROLES else "owner",
                    allow_blank=False,
                    id="f-role",
                ),
            )
            with Horizontal(classes="flags"):
                yield Checkbox(t("owners.form.vip"), form.is_vip, id="f-vip")
                yield Checkbox(t("owners.form.familiar"), form.is_familiar, id="f-familiar")
            yield from self.row("notes", t("owners.form.notes"), Input(form.notes, id="f-notes"))
            yield Static(t("owners.form.hint"), classes="form-hint")

    def on_mount(self) -> None:
        self.query_one("#f-name", Input).focus()

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "reload":
            return self.detail is not None
        return True

    def read_form(self) -> OwnerForm:
        gender = self.query_one("#f-gender", Select).value
        role = self.query_one("#f-role", Select).value
        return OwnerForm(
            name=self.query_one("#f-name", Input).value,
            gender=gender if isinstance(gender, str) else "",
            phone=self.query_one("#f-phone", Input).value,
            phone2=self.query_one("#f-phone2", Input).value,
            is_vip=self.query_one("#f-vip", Checkbox).value,
            is_familiar=self.query_one("#f-familiar", Checkbox).value,
            notes=self.query_one("#f-notes", Input).value,
            units=self.query_one("#f-units", Input).value,
            role=role if isinstance(role, str) else "owner",
        )

    def fill(self, form: OwnerForm) -> None:
        self.query_one("#f-name", Input).value = form.name
        self.query_one("#f-gender", Select).value = form.gender if form.gender in ("F", "M") else Select.NULL
        self.query_one("#f-phone", Input).value = form.phone
        self.query_one("#f-phone2", Input).value = form.phone2
        self.query_one("#f-vip", Checkbox).value = form.is_vip
        self.query_one("#f-familiar", Checkbox).value = form.is_familiar
        self.query_one("#f-notes", Input).value = form.notes
        self.query_one("#f-units", Input).value = form.units
        self.query_one("#f-role", Select).value = form.role

    def action_save(self) -> None:
        if self.saving:
            return
        self.saving = True
        self.clear_errors()
        form = self.read_form()
        detail = self.detail
        if detail is None:

            def work(session):
                return owners.create_owner(session, form).name
        else:
            owner_id, version = detail.id, detail.version

            def work(session):
                return owners.update_owner(session, owner_id, version, form).name

        self.app.run_db(work, self.dismiss, on_error=self.on_error, node=self)

    def action_reload(self) -> None:
        """After a conflict: read the owner as it is now (what was typed here is replaced)."""
        if self.detail is None:
            return
        owner_id = self.detail.id

        def reloaded(detail: OwnerDetail) -> None:
            self.detail = detail
            self.clear_errors()
            self.fill(OwnerForm.from_owner(detail))
            self.notify(t("owners.form.reloaded"))

        self.app.run_db(lambda s: owners.get_owner(s, owner_id), reloaded, on_error=self.on_error, node=self)


class UnitFormScreen(_Form):
    """Register a unit. Dismisses with its code, or None."""

    DEFAULT_CSS = FORM_CSS.format(cls="UnitFormScreen")
    FIELDS = ("code", "notes")
    BINDINGS = [
        Binding("ctrl+s", "save", "owners.key.save", id="unit_form.save", priority=True),
        Binding("escape", "cancel", "owners.key.cancel", id="unit_form.cancel"),
    ]

    def compose(self) -> ComposeResult:
        with VerticalScroll():
            yield Static(t("owners.unit_form.title"), classes="form-title")
            yield self.banner()
            yield from self.row(
                "code", t("owners.unit_form.code"), Input(id="f-code", placeholder=t("owners.unit_form.code_hint"))
            )
            yield from self.row("notes", t("owners.unit_form.notes"), Input(id="f-notes"))
            yield Static(t("owners.form.hint"), classes="form-hint")

    def on_mount(self) -> None:
        self.query_one("#f-code", Input).focus()

    def on_input_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        self.action_save()

    def action_save(self) -> None:
        if self.saving:
            return
        self.saving = True
        self.clear_errors()
        code = self.query_one("#f-code", Input).value
        notes = self.query_one("#f-notes", Input).value
        self.app.run_db(lambda s: owners.add_unit(s, code, notes).code, self.dismiss, on_error=self.on_error, node=self)
