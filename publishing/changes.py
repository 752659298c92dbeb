"""What changed, per crawl or date range: new, edited and gone posts; new, edited and removed
comments; each linking into its thread, edits with a word-level diff.

Every change is found by the time the archive recorded it (``first_seen``, ``superseded_at``,
``removed_at``, ``gone_at``), each an indexed column, so a period costs index range scans
whatever the archive's size. Each section lists at most ``LIMIT`` rows and gives its total.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from datasette.utils import tilde_encode

from publishing.diff import word_diff
from publishing.post_page import comment_anchor, times
from publishing.tables import excerpt
from publishing.withheld import author_label

LIMIT = 100
INLINE_DIFFS = 10  # edits shown with their diff on the page; the rest link to theirs


class BadPeriod(ValueError):
    """A crawl or date the page cannot use; the message names it."""


@dataclass(frozen=True)
class Period:
    since: str
    until: str
    site: str = ""
    label: str = ""
    crawl_id: int | None = None


SECTIONS: dict[str, tuple[str, str]] = {
    # name: (rows SQL, the table's time column the period applies to)
    "new_posts": ("""select p.id, p.site, p.title, p.published, p.first_seen as at from posts p
                     where p.first_seen >= :since and p.first_seen < :until{site_p}""", "p.first_seen"),
    "edited_posts": ("""select v.id as version_id, v.post_id as id, v.version, v.superseded_at as at, v.body_text as before,
                        p.site, p.title from post_versions v join posts p on p.id = v.post_id
                        where v.superseded_at >= :since and v.superseded_at < :until{site_p}""", "v.superseded_at"),
    "gone_posts": ("""select p.id, p.site, p.title, p.published, p.gone_at as at from posts p
                      where p.gone_at >= :since and p.gone_at < :until{site_p}""", "p.gone_at"),
    "new_comments": ("""select c.id, c.wp_id, c.post_id, c.site, c.author, c.redaction_id, c.redacted_fields,
                        c.posted_at, c.body_text,
                        c.first_seen as at, (select title from posts where id = c.post_id) as post_title from comments c
                        where c.first_seen >= :since and c.first_seen < :until{site_c}""", "c.first_seen"),
    "edited_comments": ("""select v.id as version_id, v.comment_id as id, v.captured_at, v.superseded_at as at,
                           v.body_text as before, c.wp_id, c.post_id, c.site, c.author, c.redaction_id, c.redacted_fields,
                           (select title from posts where id = c.post_id) as post_title
                           from comment_versions v join comments c on c.id = v.comment_id
                           where v.superseded_at >= :since and v.superseded_at < :until{site_c}""", "v.superseded_at"),
    "removed_comments": ("""select c.id, c.wp_id, c.post_id, c.site, c.author, c.redaction_id, c.redacted_fields,
                        c.posted_at, c.body_text,
                            c.removed_at as at, (select title from posts where id = c.post_id) as post_title
                            from comments c
                            where c.removed_at >= :since and c.removed_at < :until{site_c}""", "c.removed_at"),
}
TITLES = {
    "new_posts": "New posts", "edited_posts": "Edited posts", "gone_posts": "Posts gone from the live site",
    "new_comments": "New comments", "edited_comments": "Edited comments", "removed_comments": "Removed comments",
}


async def choose_period(db: Any, args: Any) -> Period:
    """The period the visitor asked for: ``crawl=N``, or ``from``/``to`` dates (and ``site``),
    or by default the most recent crawl."""
    site = (args.get("site") or "").strip()
    since, until = (args.get("from") or "").strip(), (args.get("to") or "").strip()
    crawl = (args.get("crawl") or "").strip()
    if crawl:
        if not crawl.isdigit():
            raise BadPeriod(f"crawl must be a crawl number, not {crawl!r}")
        return await _crawl_period(db, int(crawl))
    if since or until:
        start, end = _date(since, "from") if since else "0000", _date(until, "to") if until else "9999"
        if end != "9999":
            end = (date.fromisoformat(end) + timedelta(days=1)).isoformat()
        label = f"{since or 'the beginning'} to {until or 'now'}" + (f" on {site}" if site else "")
        return Period(start, end, site, label)
    latest = (await db.execute("select id from crawls order by started desc, id desc limit 1")).rows
    if not latest:
        return Period("0000", "9999", site, "everything recorded")
    return await _crawl_period(db, latest[0]["id"])


async def _crawl_period(db: Any, crawl_id: int) -> Period:
    rows = (await db.execute("select id, site, started, finished from crawls where id = :id", {"id": crawl_id})).rows
    if not rows:
        raise BadPeriod(f"no crawl {crawl_id}")
    crawl = rows[0]
    nxt = (await db.execute("select min(started) from crawls where site = :site and started > :started",
                            {"site": crawl["site"], "started": crawl["started"]})).single_value()
    until = crawl["finished"] or nxt or "9999"
    # Rows written in the crawl's last second carry the finish time itself.
    until = until + "~" if until != "9999" else until
    return Period(crawl["started"], until, crawl["site"], f"crawl {crawl_id} of {crawl['site']}, started {crawl['started']}",
                  crawl_id)


async def load_changes(datasette: Any, database: str, period: Period) -> dict[str, Any]:
    """Each section's total and first ``LIMIT`` rows, newest first, with links and diffs."""
    db = datasette.get_database(database)
    params = {"since": period.since, "until": period.until, "site": period.site}
    sections = []
    for name, (sql, _) in SECTIONS.items():
        sql = sql.format(site_p=" and p.site = :site" if period.site else "",
                         site_c=" and c.site = :site" if period.site else "")
        total = (await db.execute(f"select count(*) from ({sql})", params)).single_value()
        rows = [dict(r) for r in (await db.execute(f"{sql} order by at desc, id limit {LIMIT}", params)).rows]
        items = [await _item(datasette, database, db, name, row, k < INLINE_DIFFS) for k, row in enumerate(rows)]
        sections.append({"name": name, "title": TITLES[name], "total": total, "rows": items,
                         "more": max(0, total - len(items))})
    return {"period": period.__dict__, "sections": sections}


async def _item(datasette: Any, database: str, db: Any, section: str, row: dict[str, Any], with_diff: bool) -> dict[str, Any]:
    post_id = row.get("post_id") or row["id"]
    post_url = datasette.urls.row(database, "posts", tilde_encode(post_id))
    shown = times(row["at"])
    item = {"id": row["id"], "site": row["site"], "at": row["at"], "at_local": shown["local"] if shown else row["at"],
            "post_id": post_id}
    if section.endswith("_posts"):
        item.update(title=row["title"] or post_id, url=post_url)
    else:
        item.update(title=f"{author_label(row)} on {row['post_title'] or post_id}",
                    url=f"{post_url}#{comment_anchor(row)}",
                    row_url=datasette.urls.row(database, "comments", tilde_encode(row["id"])))
        if "body_text" in row:
            item["excerpt"] = excerpt(row["body_text"] or "")
    if section == "edited_posts":
        item.update(diff_url=f"/-/diff/post/{row['version_id']}", version=row["version"])
        if with_diff:
            after = await next_post_text(db, row["id"], row["version"])
            item["diff"] = word_diff(row["before"], after, context=8).html
    if section == "edited_comments":
        item.update(diff_url=f"/-/diff/comment/{row['version_id']}")
        if with_diff:
            after = await next_comment_text(db, row["id"], row["version_id"], row["captured_at"])
            item["diff"] = word_diff(row["before"], after, context=8).html
    return item


async def next_post_text(db: Any, post_id: str, version: int) -> str | None:
    """The text that replaced earlier version ``version``: the next version, or the current post."""
    rows = (await db.execute("select body_text from post_versions where post_id = :id and version > :v "
                             "order by version limit 1", {"id": post_id, "v": version})).rows
    if rows:
        return rows[0][0]
    return (await db.execute("select body_text from posts where id = :id", {"id": post_id})).single_value()


async def next_comment_text(db: Any, comment_id: str, version_id: int, captured_at: str | None) -> str | None:
    """The text that replaced an earlier comment version: the next one kept, or the comment now."""
    rows = (await db.execute(
        "select body_text from comment_versions where comment_id = :id and (captured_at > :at or "
        "(captured_at = :at and id > :vid)) order by captured_at, id limit 1",
        {"id": comment_id, "at": captured_at or "", "vid": version_id})).rows
    if rows:
        return rows[0][0]
    return (await db.execute("select body_text from comments where id = :id", {"id": comment_id})).single_value()


async def recent_crawls(db: Any, limit: int = 30) -> list[dict[str, Any]]:
    rows = (await db.execute(f"select id, site, started, status from crawls order by started desc, id desc limit {limit}")).rows
    return [dict(r) for r in rows]


def _date(value: str, name: str) -> str:
    try:
        return date.fromisoformat(value).isoformat() if len(value) == 10 else _bad(name, value)
    except ValueError:
        return _bad(name, value)


def _bad(name: str, value: str) -> str:
    raise BadPeriod(f"{name} must be a date like 2024-02-10, not {value!r}")
