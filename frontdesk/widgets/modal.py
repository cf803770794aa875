"""The one base of every dialog and form: title, body, error line, hint line, Esc, busy lock.

A dialog subclasses :class:`Modal` and writes :meth:`Modal.compose_body`; the
frame, the title, the error line (hidden while empty) and the hint come from
here, as do translated bindings and Esc (cancel, dismissing with ``None``).
Styles for all dialogs are in ``DEFAULT_CSS`` below; a screen's ``.tcss`` file
sizes its own dialogs (``ExportDialog > .modal-frame { width: 70; }``).

Database work a dialog starts passes ``lock=self.lock`` to ``app.run_db``: while
it runs, a second Enter or Ctrl+S is ignored, and the lock is released however
the call ends. A domain error comes back to :meth:`Modal.show_domain_error`
(the error line; a form maps it to its fields).
"""

from __future__ import annotations

from typing import ClassVar, TypeVar

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical, VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Static

from frontdesk.core.i18n import t
from frontdesk.core.text import shown
from frontdesk.widgets import compat
from frontdesk.widgets.plain import plain

ResultT = TypeVar("ResultT")


class BusyLock:
    """One flag for "a database call of mine is running": taken by ``app.run_db(lock=...)``."""

    def __init__(self) -> None:
        self._held = False

    @property
    def held(self) -> bool:
        return self._held

    def acquire(self) -> bool:
        """Take the lock; False (and nothing changes) when it is already taken."""
        if self._held:
            return False
        self._held = True
        return True

    def release(self) -> None:
        self._held = False


class TranslatedBindings:
    """Mixed into the kit's screens: binding descriptions are message keys, translated once per instance."""

    def _translate_bindings(self) -> None:
        compat.translate_bindings(self, t)

    def notify(self, message: str, *, title: str = "", severity="information", timeout: float | None = None,
               markup: bool = False) -> None:
        """A toast, as plain text unless ``markup`` is asked for (a name in it is never read as markup)."""
        if not markup:
            message, title = shown(message, keep_newlines=True), shown(title)
        super().notify(message, title=title, severity=severity, timeout=timeout, markup=markup)


class Modal(TranslatedBindings, ModalScreen[ResultT]):
    """A centred dialog. ``title`` and ``hint`` are plain text; ``FRAME`` is the container class."""

    DEFAULT_CSS = """
    Modal { align: center middle; }
    Modal > .modal-frame {
        width: 80; height: auto; max-height: 90%;
        border: thick $primary; background: $surface; padding: 1 2;
    }
    Modal .modal-title { text-style: bold; margin-bottom: 1; height: auto; }
    Modal .modal-error { color: $error; text-style: bold; height: auto; }
    Modal .modal-hint { color: $text-muted; margin-top: 1; height: auto; }
    """
    BINDINGS = [Binding("escape", "cancel", "kit.key_cancel", id="dialog.cancel")]
    FRAME: ClassVar[type] = Vertical
    ERROR_ON_TOP: ClassVar[bool] = False  # forms show their banner under the title

    def __init__(self, title: object = "", *, hint: object = "", classes: str | None = None) -> None:
        super().__init__(classes=classes)
        self._translate_bindings()
        self._title = title
        self._hint = hint
        self.lock = BusyLock()

    @property
    def busy(self) -> bool:
        """A database call this dialog started is still running."""
        return self.lock.held

    # --- layout -------------------------------------------------------------------
    def compose(self) -> ComposeResult:
        with self.FRAME(classes="modal-frame", id="modal-frame"):
            title = Static(plain(self._title), classes="modal-title", id="modal-title")
            title.display = bool(self._title)
            yield title
            if self.ERROR_ON_TOP:
                yield self._error_line()
            yield from self.compose_body()
            if not self.ERROR_ON_TOP:
                yield self._error_line()
            hint = Static(plain(self._hint), classes="modal-hint", id="modal-hint")
            hint.display = bool(self._hint)
            yield hint

    def compose_body(self) -> ComposeResult:
        yield from ()

    @staticmethod
    def _error_line() -> Static:
        line = Static("", classes="modal-error", id="dialog-error")
        line.display = False
        return line

    def set_title(self, title: object) -> None:
        self._title = title
        widget = self.query_one("#modal-title", Static)
        widget.update(plain(title))
        widget.display = bool(title)

    def set_hint(self, hint: object) -> None:
        self._hint = hint
        widget = self.query_one("#modal-hint", Static)
        widget.update(plain(hint))
        widget.display = bool(hint)

    # --- messages -----------------------------------------------------------------
    def show_error(self, message: object) -> None:
        """The dialog's error line (empty: hidden)."""
        line = self.query_one("#dialog-error", Static)
        line.update(plain(message))
        line.display = bool(message)

    def clear_error(self) -> None:
        self.show_error("")

    def show_domain_error(self, exc: BaseException) -> None:
        """A refusal from the domain (``app.run_db`` sends it here): on the error line."""
        self.show_error(str(exc))

    def action_cancel(self) -> None:
        self.dismiss(None)


class ScrollModal(Modal[ResultT]):
    """A dialog whose body scrolls (long cards, long forms)."""

    FRAME = VerticalScroll
