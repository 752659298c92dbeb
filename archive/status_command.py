"""``sector-archive status``: the last run of each site, its counts and its failures."""

from __future__ import annotations

import click

from archive.cli import cli
from archive.crawl_command import MARKUP_KIND, PAGE_FAILURE_KINDS, summary_line


@cli.command("status")
@click.option("--db", "db_path", default="archive.db", show_default=True, help="Archive database.")
@click.option("--failures", "show", default=10, show_default=True, help="Failures to list per run.")
def status(db_path: str, show: int) -> None:
    """Show the last crawl of every site and what went wrong in it."""
    from archive.database import open_archive
    from archive.runs import last_runs

    db = open_archive(db_path, readonly=True)  # never migrates, locks or switches the journal
    runs = last_runs(db)
    if not runs:
        click.echo(f"{db_path}: no crawls yet")
        return
    for run in runs:
        failures = list(db.query("select kind, status, url, reason from failures where crawl_id = ? order by id",
                                 [run["id"]]))
        page_failures = sum(f["kind"] in PAGE_FAILURE_KINDS for f in failures)
        markup = sum(f["kind"] == MARKUP_KIND for f in failures)
        click.echo(summary_line(run, page_failures, markup))
        click.echo(f"  started {run['started']}, finished {run['finished'] or '-'}, base URL {run['base_url']}")
        for f in failures[:show]:
            click.echo(f"  {f['kind']}: {f['url']} — {f['reason']}")
        if len(failures) > show:
            click.echo(f"  … and {len(failures) - show} more (see the failures table)")
    totals = next(db.query("select (select count(*) from posts) posts, (select count(*) from comments) comments"))
    click.echo(f"archive: {totals['posts']} posts, {totals['comments']} comments in {db_path}")
