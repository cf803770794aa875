"""The command line: ``frontdesk`` opens the app; sub-commands manage the data.

Each data command lives in its own module and is added below.
"""

from __future__ import annotations

import os

# Paint up to 120 frames a second (Textual's default is 60): measured with
# benchmarks/keypress.py, search results reach the screen in 37 ms p95 instead of
# 56 ms, at no cost while the desk is idle. A user's own TEXTUAL_FPS wins.
os.environ.setdefault("TEXTUAL_FPS", "120")

import click

from frontdesk.cli_common import DB_HELP, fail
from frontdesk.config import SettingsError, load_settings
from frontdesk.db import DatabaseError, backup_sqlite, resolve_url, sqlite_path
from frontdesk.i18n import LANGUAGES, set_language, t

@click.group(invoke_without_command=True, context_settings={"help_option_names": ["-h", "--help"]})
@click.option("--db", "db", metavar="PATH_OR_URL", help=DB_HELP)
@click.option("--lang", type=click.Choice(LANGUAGES), help="Interface language (default zh-Hant, or the settings file).")
@click.option("--operator", default="", help="Name shown as the operator in the header.")
@click.pass_context
def main(ctx: click.Context, db: str | None, lang: str | None, operator: str) -> None:
    """frontdesk: the front desk of a property-management service centre.

    Without a sub-command it opens the app (the database is created and
    migrated on first start; an existing file is backed up before an upgrade).
    """
    try:
        settings = load_settings()
    except SettingsError as exc:
        fail(str(exc))
    if lang:
        settings.language = lang
    set_language(settings.language)
    ctx.obj = {"settings": settings}
    if ctx.invoked_subcommand is not None:
        return
    url = resolve_url(db, settings.database_url)
    from frontdesk.app import create_app
    from frontdesk.logs import setup_logging

    setup_logging()

    try:
        app = create_app(url, settings=settings, operator=operator or settings.extra.get("operator", ""))
    except DatabaseError as exc:
        fail(str(exc))
    app.run()


@main.command()
@click.argument("dest", type=click.Path(dir_okay=True, writable=False))
@click.option("--db", "db", metavar="PATH_OR_URL", help=DB_HELP)
def backup(dest: str, db: str | None) -> None:
    """Copy a SQLite database to DEST while it is in use, and verify the copy
    with PRAGMA integrity_check.

    DEST may be a file or a folder (a dated file name is chosen inside it).
    PostgreSQL databases are backed up with pg_dump instead.
    """
    url = resolve_url(db, click.get_current_context().obj["settings"].database_url)
    path = sqlite_path(url)
    if path is None:
        fail(t("cli.backup_sqlite_only"))
    try:
        out = backup_sqlite(path, dest)
    except DatabaseError as exc:
        fail(str(exc))
    click.echo(t("cli.backup_done", path=out))


# --- sub-commands from other modules ---
from frontdesk.cli_data import import_owners; main.add_command(import_owners)  # noqa: E402
from frontdesk.cli_data import seed_demo; main.add_command(seed_demo)  # noqa: E402
from frontdesk.cli_report import report; main.add_command(report)  # noqa: E402
