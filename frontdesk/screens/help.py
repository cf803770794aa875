"""F1 help: every key of every screen, in the user's language."""

from __future__ import annotations

from rich.table import Table
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.widgets import Static

from frontdesk.core.i18n import t
from frontdesk.widgets.base import DeskScreen


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
            yield Static(t("help.intro"), id="help-intro")
            yield Static(self._global_table(), id="help-global")
            for mode, cls, title_key in self._screens():
                table = self._screen_table(cls, t(title_key))
                if table is not None:
                    yield Static(table, id=f"help-{mode}")

    def _screens(self):
        from frontdesk.app import SCREENS

        return [(mode, cls, title) for mode, (cls, _key, title) in SCREENS.items() if mode != "help"]

    def _bindings_of(self, cls) -> list[Binding]:
        keymap = getattr(self.app, "_keymap", {}) or {}
        out = []
        own = [b for klass in reversed(cls.__mro__) if klass.__module__.startswith("frontdesk")
               for b in klass.__dict__.get("BINDINGS", [])]
        for binding in Binding.make_bindings(own):
            if binding.id and binding.id in keymap:
                binding = Binding(keymap[binding.id], binding.action, binding.description, id=binding.id)
            out.append(binding)
        return out

    def _global_table(self) -> Table:
        table = Table(title=t("help.global_keys"), title_justify="left", expand=False)
        table.add_column(t("help.key"), style="bold cyan", no_wrap=True)
        table.add_column(t("help.action"))
        for binding in self._bindings_of(type(self.app)):
            table.add_row(key_label(binding.key), t(binding.description))
        return table

    def _screen_table(self, cls, title: str) -> Table | None:
        bindings = self._bindings_of(cls)
        if not bindings:
            return None
        table = Table(title=title, title_justify="left", expand=False)
        table.add_column(t("help.key"), style="bold cyan", no_wrap=True)
        table.add_column(t("help.action"))
        for binding in bindings:
            table.add_row(key_label(binding.key), t(binding.description) if "." in binding.description else binding.description)
        return table
