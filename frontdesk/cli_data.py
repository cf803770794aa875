"""Data commands of the command line (registered in :mod:`frontdesk.cli`)."""

from __future__ import annotations

import sys

import click

from frontdesk.cli_common import DB_HELP, fail, with_database
from frontdesk.i18n import t


@click.command("import-owners")
@click.argument("csv_file", metavar="FILE.csv", type=click.Path(dir_okay=False))
@click.option("--db", "db", metavar="PATH_OR_URL", help=DB_HELP)
@click.option("--skip-bad", is_flag=True, help="Import the good rows even if some rows are rejected.")
@click.option("--dry-run", is_flag=True, help="Check the file and report, import nothing.")
@click.pass_context
def import_owners(ctx: click.Context, csv_file: str, db: str | None, skip_bad: bool, dry_run: bool) -> None:
    """Import units and owners from a CSV file (UTF-8 or GBK), in one transaction.

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
    for rejected in report.rejected:
        click.echo(rejected.message, err=True)
    for line in report.lines()[len(report.rejected) :]:
        click.echo(line, err=bool(report.rejected) and not report.imported)
    if report.rejected and not report.imported:
        sys.exit(1)


@click.command("seed-demo")
@click.option("--db", "db", metavar="PATH_OR_URL", help=DB_HELP)
@click.option(
    "--force",
    is_flag=True,
    help="Add the demo data even though the database already holds owners, units or staff. "
    "Nothing is deleted or changed: units and staff already there are kept and skipped "
    "(with their demo owners), only the missing demo rows are added.",
)
@click.option("--seed", "rng_seed", type=int, default=None, metavar="N",
              help="Random seed: the same seed gives the same names, phones and units (default: a fixed seed).")
@click.option("--day", type=click.DateTime(formats=["%Y-%m-%d"]), default=None, metavar="YYYY-MM-DD",
              help="Day of the demo roster (default: today; the day before gets a roster too).")
@click.pass_context
def seed_demo(ctx: click.Context, db: str | None, force: bool, rng_seed: int | None, day) -> None:
    """Fill a database with realistic demo data for trying the desk.

    Adds a desk of 4 to 6 staff (men and women, one shift lead with the PIN
    1234) seated in the four seats today and yesterday, and about 200 units in
    several buildings (3-2-1101) with owners, family members and tenants with
    Chinese names and mobile numbers, some VIP or familiar.

    A database that already holds owners, units or staff is refused (exit code
    2) unless --force is given. Exit code: 0 done, 2 refused or the database
    could not be used.
    """
    from frontdesk.demo import DEFAULT_SEED, DemoRefused, seed_demo as run_seed

    def seed(session):
        url = session.get_bind().url.render_as_string(hide_password=True)
        return url, run_seed(session, day=day.date() if day else None,
                             rng_seed=DEFAULT_SEED if rng_seed is None else rng_seed, force=force)

    try:
        url, summary = with_database(ctx, db, seed)
    except DemoRefused as exc:
        fail(str(exc))
    click.echo(t("demo.database", path=url))
    for line in summary.lines():
        click.echo(line)
