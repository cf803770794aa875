"""Every key binding has an id, so a user keymap can remap it, and ids are unique per class."""

from __future__ import annotations

import importlib
import pkgutil

from textual.binding import Binding

import frontdesk.screens
import frontdesk.widgets


def ui_classes():
    for pkg in (frontdesk.screens, frontdesk.widgets):
        for info in pkgutil.iter_modules(pkg.__path__):
            module = importlib.import_module(f"{pkg.__name__}.{info.name}")
            for obj in vars(module).values():
                if isinstance(obj, type) and obj.__module__ == module.__name__:
                    yield obj
    yield importlib.import_module("frontdesk.app").FrontDeskApp


def test_every_binding_has_an_id():
    missing, seen = [], {}
    for cls in ui_classes():
        for binding in Binding.make_bindings(cls.__dict__.get("BINDINGS", [])):
            if not binding.id:
                missing.append(f"{cls.__name__}:{binding.key}")
            elif seen.setdefault(binding.id, cls) is not cls:
                missing.append(f"{binding.id} used by {seen[binding.id].__name__} and {cls.__name__}")
    assert missing == []
