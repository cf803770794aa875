"""``frontdesk report``: the shift handover report (交班報告) as Markdown, CSV or Excel."""

from __future__ import annotations

from pathlib import Path

import click

from frontdesk.cli.common import DB_HELP, fail, settings_of, with_database
from frontdesk.core.errors import FrontdeskError
from frontdesk.core.i18n import t
from frontdesk.report import (
    DEFAULT_DESK, FORMATS, default_filename, export, gather, parse_day, render_csv, render_markdown,
)
from frontdesk.shifts import resolve_shift


@click.command("report", context_settings={"help_option_names": ["-h", "--help"]})
@click.option("--date", "day", metavar="YYYY-MM-DD", help="Day of the shift (a night shift belongs to the day it starts). Default: today.")
@click.option("--shift", default="all", show_default=True, metavar="NAME|HH:MM-HH:MM",
              help="day, night (or the names in settings.toml [shifts]), all for the whole day, or a time range.")
@click.option("--format", "fmt", type=click.Choice(FORMATS), default=None,
              help="md (Markdown), csv (UTF-8 with BOM for Excel) or xlsx (Excel workbook, one sheet per section). "
                   "Default: from the ending of --out, else md.")
@click.option("--out", type=click.Path(dir_okay=False, path_type=Path), metavar="FILE",
              help="Write to FILE. Default: standard output for md and csv; handover-DATE-SHIFT.xlsx here for xlsx.")
@click.option("--desk", default=DEFAULT_DESK, show_default=True, help="Which desk's encounters to count.")
@click.option("--db", "db", metavar="PATH_OR_URL", help=DB_HELP)
@click.pass_context
def report(ctx: click.Context, day: str | None, shift: str, fmt: str | None, out: Path | None, desk: str,
           db: str | None) -> None:
    """Print or save the shift handover report (交班報告).

    For one shift: encounters per seat with waits and durations, parties not
    finished, visitors on site, work orders, passes, self-check results with
    failed items, and everything flagged. Document numbers are always masked.

    \b
    Examples:
      frontdesk report --date 2026-03-31 --shift day
      frontdesk report --date 2026-03-31 --shift 08:00-14:00 --format csv --out shift.csv
      frontdesk report --format xlsx --out 交班報告.xlsx
    """
    ending = out.suffix.lower().lstrip(".") if out is not None else ""
    if fmt is None:
        fmt = ending if ending in FORMATS else "md"
    elif ending in FORMATS and ending != fmt:  # 交班.md written as CSV would mislead whoever opens it
        fail(t("reports.err_format_ending", path=out, format=fmt, ending=ending))
    settings = settings_of(ctx)
    spec = settings.shifts
    try:
        the_day = parse_day(day)
        the_shift = resolve_shift(shift, spec)
    except ValueError as exc:
        fail(str(exc))
    try:
        data = with_database(ctx, db, lambda session: gather(
            session, the_day, the_shift, desk=desk, desk_name=settings.desk_name or t("app.desk_name"),
            long_wait=settings.wait_apology_seconds, shifts_spec=spec))
    except FrontdeskError as exc:
        fail(str(exc))
    if out is None and fmt != "xlsx":
        click.echo(render_markdown(data) if fmt == "md" else render_csv(data), nl=False)
        return
    target = out or Path(default_filename(data, fmt))
    try:
        written = export(data, fmt, target)
    except OSError as exc:
        fail(t("reports.err_write", path=target, error=exc.strerror or str(exc)))
    click.echo(t("reports.written", path=written), err=True)
