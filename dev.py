#!/usr/bin/env python3
"""Two commands for a fresh machine with only Python 3.11+:

    python3 dev.py demo    # install into .venv, fill data/demo.db with demo data, open the app on it
    python3 dev.py test    # install into .venv (with test extras) and run the whole test suite

`test` runs the PostgreSQL tests too: when no server is configured (no PG*
variables) and Debian's `pg_virtualenv` is present, it runs the suite inside a
throw-away PostgreSQL cluster. Extra arguments after `test` go to pytest.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import subprocess
import sys
import venv
from pathlib import Path

ROOT = Path(__file__).resolve().parent
VENV = ROOT / ".venv"
BIN = VENV / ("Scripts" if os.name == "nt" else "bin")
PY = BIN / "python"
STAMP = VENV / ".frontdesk-installed"
DEMO_DB = ROOT / "data" / "demo.db"


def run(*cmd: str | Path, **kw) -> int:
    return subprocess.call([str(c) for c in cmd], cwd=ROOT, **kw)


def ensure_env() -> None:
    """Create .venv and install the project with its test extras, once per pyproject change."""
    if sys.version_info < (3, 11):
        sys.exit(f"frontdesk needs Python 3.11 or newer; this is {sys.version.split()[0]}")
    want = hashlib.sha256((ROOT / "pyproject.toml").read_bytes()).hexdigest()
    if PY.exists() and STAMP.exists() and STAMP.read_text() == want:
        return
    if not PY.exists():
        print("creating .venv …", flush=True)
        venv.EnvBuilder(with_pip=True).create(VENV)
    print("installing frontdesk and its dependencies into .venv …", flush=True)
    quiet = [] if os.environ.get("CI") else ["-q"]
    if run(PY, "-m", "pip", "install", *quiet, "--upgrade", "pip") != 0:
        sys.exit("pip could not be upgraded")
    if run(PY, "-m", "pip", "install", *quiet, "-e", ".[test]") != 0:
        sys.exit("installing frontdesk failed (see pip's message above)")
    STAMP.write_text(want)


def demo(args: list[str]) -> int:
    ensure_env()
    frontdesk = BIN / "frontdesk"
    if not DEMO_DB.exists():
        code = run(frontdesk, "seed-demo", "--db", DEMO_DB)
        if code != 0:
            return code
    return run(frontdesk, "--db", DEMO_DB, *args)


def test(args: list[str]) -> int:
    ensure_env()
    pytest = [str(PY), "-m", "pytest", *args]
    if "PGHOST" not in os.environ and "PGPORT" not in os.environ and shutil.which("pg_virtualenv"):
        # -t: the cluster lives in a temporary folder even as root, so two test runs on one machine
        # (two checkouts) do not collide on the one cluster name pg_virtualenv uses otherwise.
        return run("pg_virtualenv", "-t", *pytest)
    return run(*pytest)


def main() -> int:
    if len(sys.argv) < 2 or sys.argv[1] not in {"demo", "test"}:
        print(__doc__)
        return 2
    command, args = sys.argv[1], sys.argv[2:]
    return demo(args) if command == "demo" else test(args)


if __name__ == "__main__":
    sys.exit(main())
