"""``sector-archive status``: the last crawl of each site, its counts and its failures, and the
last reprocess apart from it (a re-reading is not a visit to the site).

Exit codes a scheduler or monitor can act on: 0 when every site's last crawl is clean, 3 when one
failed or completed with failures, 2 when there is no archive.
"""

from __future__ import annotations

import sys
from typing import Any

import click

from archive.cli import cli, db_option
from archive.run_report import EXIT_OK, duration, run_exit_code, summary_line
from archivedb.vocabulary import PAGE_FAILURES, FailureKind


@cli.command("status")
@db_option("Archive database.")
@click.option("--failures", "show", default=10, show_default=True, help="Failures to list per run.")
def status(db_path: str, show: int) -> None:
    """Show the last crawl (and last reprocess) of every site and what went wrong; exit 3 if a
    site's last crawl failed or completed with failures."""
    from archivedb.database import open_archive
    from archivedb.runs import archive_totals, last_runs, run_failures

    db = open_archive(db_path, readonly=True)  # never migrates, locks or switches the journal
    runs = last_runs(db)
    reprocessed = {r["site"]: r for r in last_runs(db, "reprocess")}
    if not runs and not reprocessed:
        click.echo(f"{db_path}: no crawls yet")
        return
    code = EXIT_OK
    for run in runs:
        failures = run_failures(db, run["id"])
        page_failures = sum(f["kind"] in PAGE_FAILURES for f in failures)
        markup = sum(f["kind"] == FailureKind.MARKUP for f in failures)
        code = max(code, run_exit_code(run, page_failures, markup))
        click.echo(summary_line(run, page_failures, markup))
        click.echo(f"  started {run['started']}, finished {run['finished'] or '-'}, base URL {run['base_url']}")
        repeats = sum(bool(f.get("repeated")) for f in failures)
        if repeats:
            click.echo(f"  {repeats} of {len(failures)} problems also happened in the previous crawl (marked repeat)")
        for f in failures[:show]:
            click.echo(f"  {f['kind']}: {f['url']} — {f['reason']}{_repeat_note(f)}")
        if len(failures) > show:
            click.echo(f"  … and {len(failures) - show} more (see the failures table)")
    for site, run in sorted(reprocessed.items()):
        click.echo(f"{site}: last reprocess {run['status']} (crawl #{run['id']}) started {run['started']}, "
                   f"took {duration(run)}: {run['posts_updated']} readings changed, {run['posts_unchanged']} unchanged,"
                   f" {run['comments_updated']} comment readings changed")
    totals = archive_totals(db)
    click.echo(f"archive: {totals['posts']} posts, {totals['comments']} comments in {db_path}")
    sys.exit(code)


def _repeat_note(failure: dict[str, Any]) -> str:
    if not failure.get("repeated"):
        return ""
    return f" (repeat, failing since {failure['first_failed_at']})"
