"""The status line of a screen: what the last action did, or why it was refused."""

from __future__ import annotations

from textual.widgets import Static

from frontdesk.widgets.plain import plain


class StatusLine(Static):
    """One message at a time, as plain text; ``error`` shows it in the error colour.

    With ``one_line`` the line keeps a fixed height of one row, so a new message
    repaints it without a layout of the screen (the owners search sets one per key).
    """

    DEFAULT_CSS = """
    StatusLine { height: auto; min-height: 1; }
    StatusLine.-one-line { height: 1; }
    StatusLine.-error { color: $error; text-style: bold; }
    """

    def __init__(self, message: str = "", *, one_line: bool = False, id: str | None = None,
                 classes: str | None = None) -> None:
        super().__init__(plain(message), id=id, classes=classes)
        self.one_line = one_line
        self.set_class(one_line, "-one-line")
        self.message = message
        self.error = False

    def say(self, message: str, *, error: bool = False) -> None:
        self.message, self.error = message, error
        self.set_class(error, "-error")
        self.update(plain(message, newlines=not self.one_line), layout=not self.one_line)

    def clear(self) -> None:
        self.say("")
