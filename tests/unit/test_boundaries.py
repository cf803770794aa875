"""Domain first, UI thin: no module outside screens/ and widgets/ imports Textual."""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

import frontdesk

PACKAGE = Path(frontdesk.__file__).parent
UI_MODULES = {"app.py", "__main__.py", "cli.py"}


def domain_modules() -> list[Path]:
    return sorted(p for p in PACKAGE.glob("*.py") if p.name not in UI_MODULES)


def test_there_are_domain_modules():
    names = {p.stem for p in domain_modules()}
    assert {"models", "db", "names", "i18n"} <= names


def test_domain_sources_do_not_import_textual():
    offenders = []
    for path in domain_modules():
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if isinstance(node, ast.Import):
                mods = [a.name for a in node.names]
            elif isinstance(node, ast.ImportFrom):
                mods = [node.module or ""]
            else:
                continue
            if any(m == "textual" or m.startswith("textual.") for m in mods):
                offenders.append(f"{path.name}:{node.lineno}")
    assert offenders == []


def test_importing_every_domain_module_loads_no_textual():
    """Also catches an indirect import through another module."""
    names = " ".join(f"frontdesk.{p.stem}" for p in domain_modules())
    code = (
        "import importlib, sys\n"
        f"for n in {names!r}.split():\n"
        "    importlib.import_module(n)\n"
        "bad = sorted(m for m in sys.modules if m == 'textual' or m.startswith('textual.'))\n"
        "print(','.join(bad))\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == ""
