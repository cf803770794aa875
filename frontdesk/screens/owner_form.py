"""Modal forms of the owners registry: add or edit an owner, add a unit (on the kit's :class:`Form`).

Ctrl+S saves, Esc cancels. A bad field gets its message right under it; what
was typed stays and nothing is saved. If another desk saved the owner
meanwhile, the form says so and keeps the typing; Ctrl+R reads the record again.
"""

from __future__ import annotations

from textual.app import ComposeResult
from textual.containers import Horizontal, VerticalScroll
from textual.widgets import Checkbox, Input, Select

from frontdesk import owners
from frontdesk.core.i18n import t
from frontdesk.owners import OwnerDetail, OwnerForm, role_label
from frontdesk.widgets.form import Form

GENDERS = ("F", "M")


class OwnerFormScreen(Form[str | None]):
    """Add an owner (``detail`` None) or edit one. Dismisses with the saved name, or None."""

    CSS_PATH = "owners.tcss"
    FRAME = VerticalScroll

    def __init__(self, detail: OwnerDetail | None = None, *, units: str = "") -> None:
        title = t("owners.form.edit_title", name=detail.owner.name) if detail else t("owners.form.add_title")
        super().__init__(title, hint=t("owners.form.hint"))
        self.detail = detail
        self.initial = OwnerForm.from_owner(detail) if detail else OwnerForm(name="", gender="", units=units)

    def compose_fields(self) -> ComposeResult:
        form = self.initial
        yield from self.field("name", t("owners.form.name"), Input(form.name), limit=owners.NAME_MAX)
        yield from self.field("gender", t("owners.form.gender"), Select(
            [(t("owners.gender.F"), "F"), (t("owners.gender.M"), "M")], prompt=t("owners.form.choose"),
            value=form.gender if form.gender in GENDERS else Select.NULL))
        yield from self.field("phone", t("owners.form.phone"), Input(form.phone, placeholder="138 1234 5678"))
        yield from self.field("phone2", t("owners.form.phone2"), Input(form.phone2))
        yield from self.field("units", t("owners.form.units"),
                              Input(form.units, placeholder=t("owners.form.units_hint")))
        yield from self.field("role", t("owners.form.role"), Select(
            [(role_label(r), r) for r in owners.OCCUPANT_ROLES],
            value=form.role if form.role in owners.OCCUPANT_ROLES else "owner", allow_blank=False))
        with Horizontal(classes="flags"):
            yield self.declare("vip", Checkbox(t("owners.form.vip"), form.is_vip))
            yield self.declare("familiar", Checkbox(t("owners.form.familiar"), form.is_familiar))
        yield from self.field("notes", t("owners.form.notes"), Input(form.notes), limit=owners.NOTES_MAX)

    def on_mount(self) -> None:
        self.fields["name"].focus()

    def read_form(self) -> OwnerForm:
        return OwnerForm(
            name=self.value("name"),
            gender=self.value("gender"),
            phone=self.value("phone"),
            phone2=self.value("phone2"),
            is_vip=self.value("vip"),
            is_familiar=self.value("familiar"),
            notes=self.value("notes"),
            units=self.value("units"),
            role=self.value("role") or "owner",
        )

    def prepare(self):
        form, detail = self.read_form(), self.detail
        if detail is None:
            return lambda s: owners.create_owner(s, form).name
        owner_id, version = detail.id, detail.version
        return lambda s: owners.update_owner(s, owner_id, version, form).name

    def record_loader(self):
        if self.detail is None:
            return None
        owner_id = self.detail.id
        return lambda s: owners.get_owner(s, owner_id)

    def refill(self, detail: OwnerDetail) -> None:
        """After a conflict: the owner as saved now (what was typed here is replaced)."""
        self.detail = detail
        form = OwnerForm.from_owner(detail)
        self.fill({"name": form.name, "gender": form.gender if form.gender in GENDERS else "", "phone": form.phone,
                   "phone2": form.phone2, "vip": form.is_vip, "familiar": form.is_familiar, "notes": form.notes,
                   "units": form.units, "role": form.role})


class UnitFormScreen(Form[str | None]):
    """Register a unit. Enter or Ctrl+S saves; dismisses with its code, or None."""

    CSS_PATH = "owners.tcss"

    def __init__(self) -> None:
        super().__init__(t("owners.unit_form.title"), hint=t("owners.form.hint"))

    def compose_fields(self) -> ComposeResult:
        yield from self.field("code", t("owners.unit_form.code"), Input(placeholder=t("owners.unit_form.code_hint")))
        yield from self.field("notes", t("owners.unit_form.notes"), Input(), limit=owners.UNIT_NOTES_MAX)

    def on_mount(self) -> None:
        self.fields["code"].focus()

    def on_input_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        self.action_save()

    def prepare(self):
        code, notes = self.value("code"), self.value("notes")
        return lambda s: owners.add_unit(s, code, notes).code
