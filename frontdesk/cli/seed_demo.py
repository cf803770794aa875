"""``frontdesk seed-demo``: realistic demo data for trying the desk."""

from __future__ import annotations

import click

from frontdesk.cli.common import DB_HELP, fail, with_database
from frontdesk.core.i18n import t


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
    123456) seated in the four seats today and yesterday, and about 200 units in
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
