"""F1 help: every key of every screen, in the user's language."""

from __future__ import annotations

from rich.table import Table
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.widgets import Static

from frontdesk.core.i18n import t
from frontdesk.widgets import compat
from frontdesk.widgets.base import DeskScreen
from frontdesk.widgets.plain import plain


_KEY_NAMES = {"escape": "Esc", "enter": "Enter", "space": "Space", "tab": "Tab", "delete": "Del",
              "pageup": "PgUp", "pagedown": "PgDn", "up": "↑", "down": "↓", "left": "←", "right": "→",
              "left_square_bracket": "[", "right_square_bracket": "]", "slash": "/",
              "backspace": "Backspace", "home": "Home", "end": "End", "question_mark": "?"}


def key_label(key: str) -> str:
    """``ctrl+q`` → ``Ctrl+Q``, ``f6`` → ``F6``, ``escape,enter`` → ``Esc / Enter``."""

    def one(k: str) -> str:
        *mods, base = k.split("+")
        base = _KEY_NAMES.get(base, base.upper() if len(base) == 1 or base[0] == "f" else base)
        return "+".join([m.capitalize() for m in mods] + [base])

    return " / ".join(one(k.strip()) for k in key.split(","))


class HelpScreen(DeskScreen):
    """What the desk app does and every key it knows."""

    TITLE_KEY = "help.title"
    BINDINGS = [Binding("escape", "app.switch_mode('queue')", "keys.back", id="help.back")]

    def compose_body(self) -> ComposeResult:
        with VerticalScroll(classes="screen-body", id="help-body"):
            yield Static(plain(t("help.intro")), id="help-intro")
            yield Static(self._global_table(), id="help-global")
            for mode, cls, title_key in self._screens():
                table = self._screen_table(cls, t(title_key))
                if table is not None:
                    yield Static(table, id=f"help-{mode}")

    def _screens(self):
        from frontdesk.app import SCREENS

        return [(mode, cls, title) for mode, (cls, _key, title) in SCREENS.items() if mode != "help"]

    def _bindings_of(self, cls) -> list[Binding]:
        keymap = compat.keymap(self.app)
        out = []
        own = [b for klass in reversed(cls.__mro__) if klass.__module__.startswith("frontdesk")
               for b in klass.__dict__.get("BINDINGS", [])]
        for binding in Binding.make_bindings(own):
            if binding.id and binding.id in keymap:
                binding = Binding(keymap[binding.id], binding.action, binding.description, id=binding.id,
                                  tooltip=binding.tooltip)
            out.append(binding)
        return out

    @staticmethod
    def _describe(binding: Binding) -> str:
        """What the key does, in full: a footer entry that stands for several keys keeps its details
        in the tooltip (the footer's 「1-4 入座」 is 「入座左2」 here)."""
        text = binding.tooltip or binding.description
        return t(text) if "." in text else text

    def _table(self, title: str, bindings: list[Binding]) -> Table:
        table = Table(title=plain(title), title_justify="left", expand=False)
        table.add_column(plain(t("help.key")), style="bold cyan", no_wrap=True)
        table.add_column(plain(t("help.action")))
        for binding in bindings:
            table.add_row(plain(key_label(binding.key)), plain(self._describe(binding)))
        return table

    def _global_table(self) -> Table:
        return self._table(t("help.global_keys"), self._bindings_of(type(self.app)))

    def _screen_table(self, cls, title: str) -> Table | None:
        bindings = self._bindings_of(cls)
        return self._table(title, bindings) if bindings else None
