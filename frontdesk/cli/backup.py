"""``frontdesk backup``: an online, verified copy of a SQLite database."""

from __future__ import annotations

import click

from frontdesk.cli.common import DB_HELP, fail, settings_of
from frontdesk.core.db import DatabaseError, backup_sqlite, resolve_url, sqlite_path
from frontdesk.core.i18n import t


@click.command()
@click.argument("dest", type=click.Path(dir_okay=True, writable=False))
@click.option("--db", "db", metavar="PATH_OR_URL", help=DB_HELP)
def backup(dest: str, db: str | None) -> None:
    """Copy a SQLite database to DEST while it is in use, and verify the copy
    with PRAGMA integrity_check.

    DEST may be a file or a folder (a dated file name is chosen inside it).
    PostgreSQL databases are backed up with pg_dump instead.
    """
    url = resolve_url(db, settings_of(click.get_current_context()).database_url)
    path = sqlite_path(url)
    if path is None:
        fail(t("cli.backup_sqlite_only"))
    try:
        out = backup_sqlite(path, dest)
    except DatabaseError as exc:
        fail(str(exc))
    click.echo(t("cli.backup_done", path=out))
