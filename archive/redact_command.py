"""``sector-archive redact``: act on a takedown request ("please remove my comment / my name").

The content is withheld from every place the archive holds it and never stored again by later
crawls or reprocessing; ``redactions`` keeps what was done, why, for whom, and a SHA-256 of what
was withheld, never the content. See README, "Privacy and takedown requests".
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import click

from archive.cli import CommandError, cli, db_option

if TYPE_CHECKING:
    from archivedb.redactions import Request


@cli.command("redact")
@click.argument("target", required=False)
@click.option("--author", help="Withhold every comment by this commenter (exact name, with --site).")
@click.option("--site", help="The site of --author's comments.")
@click.option("--field", type=click.Choice(["author"]),
              help="Withhold only this field (the commenter's name and link), keeping the text.")
@click.option("--reason", help="Why (required): e.g. 'commenter's request by e-mail of 2026-03-01'.")
@click.option("--requested-by", help="Who asked (free text).")
@click.option("--undo", "undo_id", type=int, metavar="ID",
              help="Stop withholding redaction ID; the next crawl stores the content again if still live.")
@db_option("Archive database.")
def redact(target: str | None, author: str | None, site: str | None, field: str | None, reason: str | None,
           requested_by: str | None, undo_id: int | None, db_path: str) -> None:
    """Withhold a comment (COMMENT_ID), a post (POST_ID) or a commenter's comments everywhere."""
    from archivedb.clock import utc_now
    from archivedb.database import Kind, classify, open_archive
    from archivedb.lock import DatabaseLocked, crawl_lock
    from archivedb.redactions import RedactionError, describe, redact, undo

    request = None if undo_id is not None else _request(target, author, site, field, reason, requested_by, utc_now())
    if classify(db_path) is Kind.NEW:
        raise CommandError(f"no archive at {db_path}")
    try:
        with crawl_lock(db_path):  # no crawl may write the content back while it is withheld
            db = open_archive(db_path)
            try:
                if request is None:
                    assert undo_id is not None
                    count = undo(db, undo_id, utc_now())
                    click.echo(f"redaction {undo_id} undone: {count} rows will take the live site's content "
                               "at the next crawl")
                else:
                    from pipelines.scrub import scrub

                    click.echo(describe(redact(db, request, scrub), request))
                _purge(db)
            finally:
                db.close()
    except (RedactionError, DatabaseLocked) as exc:
        raise CommandError(str(exc)) from None


def _request(target: str | None, author: str | None, site: str | None, field: str | None, reason: str | None,
             requested_by: str | None, now: str) -> Request:
    """Check the options and say what is asked, or refuse in one line."""
    from archivedb.redactions import Request
    from reading.sites import PROFILES

    if not reason or not reason.strip():
        raise CommandError("--reason is required: say why the content is withheld")
    if (target is None) == (author is None):
        raise CommandError("give one target: COMMENT_ID, POST_ID, or --author NAME --site SITE")
    if author is not None:
        if site not in PROFILES:
            raise CommandError(f"--author needs --site, one of {', '.join(sorted(PROFILES))} (got {site!r})")
        return Request("author", author, site, field == "author", reason.strip(), requested_by, now)
    assert target is not None
    kind = "comment" if ":comment:" in target else "post" if (":post:" in target or ":url:" in target) else None
    if kind is None:
        raise CommandError(f"{target!r} is not a comment or post id (like ddn:comment:123 or ddn:post:45)")
    return Request(kind, target, None, field == "author", reason.strip(), requested_by, now)


def _purge(db: object) -> None:
    """Push the change into the main file and rebuild it, so no free page or WAL frame keeps a
    copy of what was withheld (freed space from earlier writes is not zeroed otherwise)."""
    conn = db.conn  # type: ignore[attr-defined]
    conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    conn.execute("VACUUM")
    conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
