"""Every command answers --help clearly and without touching a database."""

from __future__ import annotations

import pytest
from click.testing import CliRunner

from frontdesk.cli import main


@pytest.mark.parametrize("args,words", [
    ([], ["--db", "--lang", "seed-demo", "import-owners", "backup", "report"]),
    (["seed-demo"], ["--force", "--db"]),
    (["import-owners"], ["--skip-bad", "FILE"]),
    (["backup"], ["DEST", "integrity"]),
    (["report"], ["--date", "--format", "--out"]),
])
def test_help(args, words, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    result = CliRunner().invoke(main, [*args, "--help"])
    assert result.exit_code == 0, result.output
    for word in words:
        assert word in result.output, word
    assert list(tmp_path.iterdir()) == []  # --help creates nothing
