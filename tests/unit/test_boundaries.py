"""Domain first, UI thin: the workflows and the infrastructure (``frontdesk/*.py``, ``frontdesk/core/``)
import neither Textual nor click; the command line (``frontdesk/cli/``) imports no Textual."""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

import frontdesk

PACKAGE = Path(frontdesk.__file__).parent
UI_MODULES = {"app.py", "__main__.py"}
FORBIDDEN = ("textual", "click")


def domain_modules() -> list[Path]:
    top = [p for p in PACKAGE.glob("*.py") if p.name not in UI_MODULES]
    return sorted(top + list((PACKAGE / "core").glob("*.py")))


def cli_modules() -> list[Path]:
    return sorted((PACKAGE / "cli").glob("*.py"))


def module_name(path: Path) -> str:
    rel = path.relative_to(PACKAGE.parent).with_suffix("")
    return ".".join(rel.parts).removesuffix(".__init__")


def imports(path: Path) -> list[tuple[str, int]]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    out = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            out += [(a.name, node.lineno) for a in node.names]
        elif isinstance(node, ast.ImportFrom):
            out.append((node.module or "", node.lineno))
    return out


def _is(mod: str, top: str) -> bool:
    return mod == top or mod.startswith(top + ".")


def test_there_are_domain_modules():
    names = {p.stem for p in domain_modules()}
    assert {"models", "db", "names", "i18n", "deskqueue", "selfchecks"} <= names


def test_domain_sources_import_neither_textual_nor_click():
    offenders = [f"{path.relative_to(PACKAGE)}:{line} {mod}" for path in domain_modules()
                 for mod, line in imports(path) if any(_is(mod, top) for top in FORBIDDEN)]
    assert offenders == []


def test_command_line_sources_do_not_import_textual():
    """Commands are click; only ``frontdesk`` without a sub-command opens the app (imported when run)."""
    offenders = [f"{path.relative_to(PACKAGE)}:{line} {mod}" for path in cli_modules()
                 for mod, line in imports(path) if _is(mod, "textual")]
    assert offenders == []


def test_importing_every_domain_module_loads_no_textual():
    """Also catches an indirect import through another module (Textual or click)."""
    names = " ".join(module_name(p) for p in domain_modules())
    code = (
        "import importlib, sys\n"
        f"for n in {names!r}.split():\n"
        "    importlib.import_module(n)\n"
        "bad = sorted(m for m in sys.modules if m.split('.')[0] in ('textual', 'click'))\n"
        "print(','.join(bad))\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == ""


def test_the_command_line_loads_no_textual_until_the_app_opens():
    code = (
        "import sys, frontdesk.cli\n"
        "print(','.join(sorted(m for m in sys.modules if m.split('.')[0] == 'textual')))\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == ""
