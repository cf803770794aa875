"""Forms: declared fields, their messages under them, a banner, limits, save and reload.

A form subclasses :class:`Form`, declares each field in ``compose_body`` with
:meth:`Form.field` (a label, the widget, the line under it for its message and
an optional ``limit`` in characters), and implements :meth:`Form.prepare`: the
database function that saves what was typed (or ``None`` when the form itself
refused it). Ctrl+S (or the form's own Enter) runs it through ``app.run_db``
under the form's busy lock; the result goes to :meth:`Form.saved` (by default
the form closes with it). A form whose answer needs no database (a note, a
date, a file name) overrides :meth:`Form.submit` instead.

What the domain refuses comes back here (``show_domain_error``): a
``ValidationError`` puts each message under its field (a field the form does not
have goes to the banner under the title); a ``ConflictError`` (another desk saved
the record first) shows the banner and, when the form can read the record again
(:meth:`Form.record_loader`), how to: Ctrl+R. What was typed always stays.

A field with a ``limit`` is never cut: past the limit the line under it says
so (「最多 40 字」) as soon as it is typed or pasted, and Ctrl+S is refused until it
is shortened. Field widgets are named ``f-<field>``, their lines ``err-<field>``;
the banner is the dialog's error line ``dialog-error``.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, ClassVar, TypeVar

from sqlmodel import Session
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal
from textual.widget import Widget
from textual.widgets import Checkbox, Input, Label, RadioSet, Select, SelectionList, Static

from frontdesk.core.errors import ConflictError, ValidationError
from frontdesk.core.i18n import t
from frontdesk.widgets.modal import Modal
from frontdesk.widgets.plain import plain

ResultT = TypeVar("ResultT")


class Form(Modal[ResultT]):
    """A modal form. Subclasses declare fields with :meth:`field` and implement :meth:`prepare`."""

    DEFAULT_CSS = """
    Form .form-row { height: auto; margin-top: 1; }
    Form .form-label { width: 16; color: $text-muted; }
    Form .form-label.-stacked { width: 1fr; margin-top: 1; color: $text; }
    Form .form-row > Input, Form .form-row > Select { width: 1fr; }
    Form .field-error { color: $error; height: auto; width: 1fr; }
    Form .field-error.-inline { margin-left: 16; }
    Form #form-reload { color: $warning; height: auto; }
    """
    BINDINGS = [
        Binding("ctrl+s", "save", "kit.key_save", id="form.save", priority=True),
        Binding("ctrl+r", "reload", "kit.key_reload", id="form.reload"),
    ]
    ERROR_ON_TOP = True
    INLINE: ClassVar[bool] = True  # label beside the field (False: above it)

    def __init__(self, title: object = "", *, hint: object = "", classes: str | None = None) -> None:
        super().__init__(title, hint=hint, classes=classes)
        self.fields: dict[str, Widget] = {}
        self.limits: dict[str, int] = {}
        self._lines: set[str] = set()  # fields with a line of their own under them
        self._over: set[str] = set()  # fields whose line says the limit

    # --- declaring fields ------------------------------------------------------------
    def field(self, name: str, label: object, widget: Widget, *, limit: int | None = None,
              inline: bool | None = None) -> ComposeResult:
        """A label and its field, then the line for the field's message (hidden while empty)."""
        inline = self.INLINE if inline is None else inline
        if widget.id is None:
            widget.id = f"f-{name}"
        self.fields[name] = widget
        if limit is not None:
            self.limits[name] = limit
        if inline:
            with Horizontal(classes="form-row"):
                yield Label(plain(label), classes="form-label")
                yield widget
        else:
            yield Label(plain(label), classes="form-label -stacked")
            yield widget
        line = Label("", id=f"err-{name}", classes="field-error -inline" if inline else "field-error")
        line.display = False
        self._lines.add(name)
        yield line

    def declare(self, name: str, widget: Widget) -> Widget:
        """A field without a label or a line of its own (a flag in a row of flags): its messages go to the banner."""
        if widget.id is None:
            widget.id = f"f-{name}"
        self.fields[name] = widget
        return widget

    def compose_body(self) -> ComposeResult:
        reload = Static("", id="form-reload")
        reload.display = False
        yield reload
        yield from self.compose_fields()

    def compose_fields(self) -> ComposeResult:  # pragma: no cover - overridden
        yield from ()

    # --- values -------------------------------------------------------------------------
    def value(self, name: str) -> Any:
        """What the field holds now: text, the chosen code ("" for none), a flag, or the chosen codes."""
        widget = self.fields[name]
        if isinstance(widget, Input):
            return widget.value
        if isinstance(widget, Select):
            return widget.value if isinstance(widget.value, str) else ""
        if isinstance(widget, Checkbox):
            return widget.value
        if isinstance(widget, SelectionList):
            return list(widget.selected)
        if isinstance(widget, RadioSet):
            button = widget.pressed_button
            return (button.name or "") if button is not None else ""
        raise TypeError(f"field {name!r}: no value for {type(widget).__name__}")

    def fill(self, values: dict[str, Any]) -> None:
        """Put ``values`` into the fields (after a reload)."""
        for name, value in values.items():
            widget = self.fields[name]
            if isinstance(widget, Input):
                widget.value = value
            elif isinstance(widget, Select):
                widget.value = value if value else Select.NULL
            elif isinstance(widget, Checkbox):
                widget.value = bool(value)
            elif isinstance(widget, SelectionList):
                widget.deselect_all()
                for code in value:
                    widget.select(code)
            elif isinstance(widget, RadioSet):
                for button in widget.query("RadioButton"):
                    button.value = button.name == value

    # --- messages ---------------------------------------------------------------------------
    def show_errors(self, errors: dict[str, str]) -> None:
        """Each message under its field; one for a field this form does not have goes to the banner."""
        banner = []
        for name, message in errors.items():
            if name in self._lines:
                self._field_line(name, message)
            else:
                banner.append(message)
        if banner:
            self.show_error("\n".join(banner))
        first = next((name for name in self.fields if name in errors), None)
        if first is not None and self.fields[first].focusable:
            self.fields[first].focus()

    def _field_line(self, name: str, message: str) -> None:
        line = self.query_one(f"#err-{name}", Label)
        line.update(plain(message))
        line.display = bool(message)

    def clear_errors(self) -> None:
        for name in self._lines:
            self._field_line(name, "")
        self._over.clear()
        self.clear_error()
        self.query_one("#form-reload", Static).display = False

    def show_domain_error(self, exc: BaseException) -> None:
        if isinstance(exc, ValidationError):
            self.show_errors(exc.errors)
            return
        self.show_error(str(exc))
        if isinstance(exc, ConflictError) and self.record_loader() is not None:
            hint = self.query_one("#form-reload", Static)
            hint.update(plain(t("kit.conflict_reload")))
            hint.display = True

    # --- limits -------------------------------------------------------------------------------
    def _limit_message(self, name: str) -> str | None:
        limit = self.limits.get(name)
        widget = self.fields.get(name)
        if limit is None or not isinstance(widget, Input) or len(widget.value) <= limit:
            return None
        return t("kit.too_long", max=limit, count=len(widget.value))

    def on_input_changed(self, event: Input.Changed) -> None:
        name = next((n for n, w in self.fields.items() if w is event.input), None)
        if name is None or name not in self.limits:
            return
        message = self._limit_message(name)
        if message is not None:
            self._field_line(name, message)
            self._over.add(name)
        elif name in self._over:
            self._field_line(name, "")
            self._over.discard(name)

    def limits_ok(self) -> bool:
        """False (and each field past its limit says so) when something typed is too long."""
        over = {name: message for name in self.limits if (message := self._limit_message(name)) is not None}
        if over:
            self.show_errors(over)
            self._over |= set(over)
        return not over

    # --- saving -----------------------------------------------------------------------------------
    def prepare(self) -> Callable[[Session], Any] | None:  # pragma: no cover - overridden
        """The database function that saves the form, or None when the form refused the input itself."""
        raise NotImplementedError

    def saved(self, result: Any) -> None:
        self.dismiss(result)

    def action_save(self) -> None:
        """Ctrl+S (and a form's own Enter): refused while a save runs or a field is past its limit."""
        if self.busy:
            return
        self.clear_errors()
        if self.limits_ok():
            self.submit()

    def submit(self) -> None:
        """Save through the database (a form that needs none, a dialog that hands its choice on, overrides it)."""
        work = self.prepare()
        if work is not None:
            self.app.run_db(work, self.saved, node=self, lock=self.lock)

    # --- reading the record again ------------------------------------------------------------------
    def record_loader(self) -> Callable[[Session], Any] | None:
        """How to read the record being edited again (None: the form cannot reload)."""
        return None

    def refill(self, record: Any) -> None:  # pragma: no cover - overridden where record_loader is
        """Show ``record`` as it is saved now."""

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "reload":
            return self.record_loader() is not None
        return True

    def action_reload(self) -> None:
        loader = self.record_loader()
        if loader is None or self.busy:
            return

        def reloaded(record: Any) -> None:
            self.clear_errors()
            self.refill(record)
            self.notify(t("kit.reloaded"))

        self.app.run_db(loader, reloaded, node=self, lock=self.lock)
