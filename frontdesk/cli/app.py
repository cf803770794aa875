"""``frontdesk`` with no sub-command: open the app on the desk's database.

The sub-commands live in their own modules and are registered in :data:`frontdesk.cli.COMMANDS`.
"""

from __future__ import annotations

import logging
import os

# Paint up to 120 frames a second (Textual's default is 60): measured with
# benchmarks/keypress.py, search results reach the screen in 37 ms p95 instead of
# 56 ms, at no cost while the desk is idle. A user's own TEXTUAL_FPS wins.
os.environ.setdefault("TEXTUAL_FPS", "120")

import click

from frontdesk.cli.common import DB_HELP, fail, settings_of
from frontdesk.core.config import SettingsError
from frontdesk.core.db import DatabaseError, resolve_url
from frontdesk.core.i18n import LANGUAGES, t

log = logging.getLogger("frontdesk")


HELP_OPTIONS = ("-h", "--help")


class MainGroup(click.Group):
    """Notes a sub-command's ``--help``, which is shown even when the settings file is bad."""

    def parse_args(self, ctx: click.Context, args: list[str]) -> list[str]:
        ctx.meta["frontdesk.help"] = any(a in HELP_OPTIONS for a in args)
        return super().parse_args(ctx, args)


@click.group(cls=MainGroup, invoke_without_command=True, context_settings={"help_option_names": list(HELP_OPTIONS)})
@click.option("--db", "db", metavar="PATH_OR_URL", help=DB_HELP)
@click.option("--lang", type=click.Choice(LANGUAGES),
              help="Interface language (default: language in settings.toml, else the system locale).")
@click.option("--operator", default="", help="Name shown as the operator in the header (default: operator in "
                                             "settings.toml, else today's shift lead).")
@click.pass_context
def main(ctx: click.Context, db: str | None, lang: str | None, operator: str) -> None:
    """frontdesk: the front desk of a property-management service centre.

    Without a sub-command it opens the app (the database is created and
    migrated on first start; an existing file is backed up before an upgrade).
    The settings file is checked first, for every command: a bad value ends it
    with one message and exit code 2.
    """
    if ctx.invoked_subcommand is not None and ctx.meta.get("frontdesk.help"):
        return  # `frontdesk report --help` works whatever the settings file holds
    settings = settings_of(ctx, language=lang)
    if ctx.invoked_subcommand is not None:
        return
    url = resolve_url(db, settings.database_url)
    from frontdesk.app import create_app
    from frontdesk.core.logs import setup_logging

    log_file = setup_logging()

    try:
        app = create_app(url, settings=settings, operator=operator or settings.operator)
    except (DatabaseError, SettingsError) as exc:
        fail(str(exc))
    run_app(app, log_file)


def run_app(app, log_file) -> None:
    """Run the app; after an unhandled error exit 1 with one line naming the log.

    Textual would print its traceback, with the local variables of every frame (names,
    phones), on the terminal; it is caught here instead, and the log keeps the traceback
    without the variables (ID numbers masked, like every log line).
    """
    import io

    from rich.console import Console

    app.error_console = Console(file=io.StringIO(), markup=False, highlight=False)
    app.run()
    if not app.return_code:
        return
    error = getattr(app, "_exception", None)  # Textual keeps the first unhandled error here
    if error is not None:
        log.error("the app stopped after an unhandled error", exc_info=(type(error), error, error.__traceback__))
    else:
        log.error("the app stopped with return code %s", app.return_code)
    kind = type(error).__name__ if error is not None else str(app.return_code)
    fail(t("cli.app_crashed", error=kind, log=log_file), code=1)
