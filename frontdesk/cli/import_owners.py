"""``frontdesk import-owners``: units and owners from a CSV file, all or nothing."""

from __future__ import annotations

import sys

import click

from frontdesk.cli.common import DB_HELP, fail, with_database
from frontdesk.core.i18n import t
from frontdesk.core.text import shown


@click.command("import-owners")
@click.argument("csv_file", metavar="FILE.csv", type=click.Path(dir_okay=False))
@click.option("--db", "db", metavar="PATH_OR_URL", help=DB_HELP)
@click.option("--skip-bad", is_flag=True, help="Import the good rows even if some rows are rejected.")
@click.option("--dry-run", is_flag=True, help="Check the file and report, import nothing.")
@click.pass_context
def import_owners(ctx: click.Context, csv_file: str, db: str | None, skip_bad: bool, dry_run: bool) -> None:
    """Import units and owners from a CSV file (UTF-8, GBK or Big5), in one transaction.

    Columns (header row required, Chinese or English names): 單元/unit, 姓名/name,
    性別/gender, 電話/phone, 電話2/phone2, 身份/role, VIP, 熟客/familiar, 備註/notes.
    Every rejected row is listed with its line number. If any row is rejected,
    nothing is imported unless --skip-bad is given. Exit code: 0 imported,
    1 rows rejected, 2 the file or the database could not be used.
    """
    from frontdesk.importer import ImportFileError, import_owners as run_import

    try:
        report = with_database(ctx, db, lambda s: run_import(s, csv_file, skip_bad=skip_bad, dry_run=dry_run))
    except ImportFileError as exc:
        fail(t("importer.file_failed", path=csv_file, error=str(exc)))
    # The file's own text (a name, a column header) reaches the terminal as text: shown() makes
    # an escape sequence visible instead of letting it clear the screen.
    for rejected in report.rejected:
        click.echo(shown(rejected.message), err=True)
    for line in report.lines()[len(report.rejected) :]:
        click.echo(shown(line), err=bool(report.rejected) and not report.imported)
    if report.rejected and not report.imported:
        sys.exit(1)
