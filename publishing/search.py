"""The search page for people who do not write SQL: one form over posts and comments.

Filters (site, posts or comments, a date range), prefix (``recov*``) and phrase (``"peer
support"``) search, every hit reachable by paging with the total shown, sorted by relevance or
date. Snippets are computed over a bounded window of each hit on the page only
(``publishing.snippets``), never by ``snippet()`` over a whole stored body.
"""

from __future__ import annotations

import asyncio
import math
import re
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any
from urllib.parse import urlencode

from datasette.utils import tilde_encode

from archivedb.withholding import NAME_WITHHELD, fields_of
from publishing.fts import fts_query
from publishing.post_page import comment_anchor, times
from publishing.snippets import WINDOW_CHARS, as_html, highlight, snippets

PER_PAGE = 20
KINDS = ("all", "posts", "comments")
SORTS = ("relevance", "newest", "oldest")
_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")


class BadSearch(ValueError):
    """A form value that cannot be used; the message names it."""


@dataclass(frozen=True)
class SearchForm:
    q: str = ""
    site: str = ""
    kind: str = "all"
    since: str = ""
    until: str = ""
    sort: str = "relevance"
    page: int = 1

    @classmethod
    def from_args(cls, args: Any) -> SearchForm:
        kind = args.get("kind") or "all"
        sort = args.get("sort") or "relevance"
        since, until = (args.get("from") or "").strip(), (args.get("to") or "").strip()
        page = args.get("page") or "1"
        if kind not in KINDS:
            raise BadSearch(f"kind must be one of {', '.join(KINDS)}, not {kind!r}")
        if sort not in SORTS:
            raise BadSearch(f"sort must be one of {', '.join(SORTS)}, not {sort!r}")
        for name, value in (("from", since), ("to", until)):
            if value and not _valid_date(value):
                raise BadSearch(f"{name} must be a date like 2023-11-02, not {value!r}")
        if not page.isdigit() or int(page) < 1:
            raise BadSearch(f"page must be a whole number from 1, not {page!r}")
        return cls(q=(args.get("q") or "").strip(), site=(args.get("site") or "").strip(), kind=kind,
                   since=since, until=until, sort=sort, page=int(page))

    def args(self, **changes: Any) -> dict[str, str]:
        values = {"q": self.q, "site": self.site, "kind": self.kind, "from": self.since,
                  "to": self.until, "sort": self.sort, "page": str(self.page)}
        values.update({k: str(v) for k, v in changes.items()})
        defaults = {"kind": "all", "sort": "relevance", "page": "1"}
        return {k: v for k, v in values.items() if v and defaults.get(k) != v}


async def run_search(datasette: Any, database: str, form: SearchForm, path: str) -> dict[str, Any]:
    """The page's data (also its JSON): total, this page's hits with snippets, paging links."""
    db = datasette.get_database(database)
    result: dict[str, Any] = {"q": form.q, "filters": form.args(page=1), "sort": form.sort, "page": form.page,
                              "per_page": PER_PAGE, "total": 0, "pages": 0, "results": [],
                              "next_url": None, "prev_url": None}
    if not form.q:
        return result
    match = fts_query(form.q)
    params = {"match": match, "site": form.site, "since": form.since, "until": _day_after(form.until)}
    wanted = form.page * PER_PAGE
    sources = _sources(form)
    # Counts and top hits of both tables at once: Datasette runs them on its SQL threads in parallel.
    answers = await asyncio.gather(*(db.execute(sql, params) for source in sources
                                     for sql in (source.count_sql(form), source.top_sql(form, wanted))))
    total, hits = 0, []
    for k, source in enumerate(sources):
        total += answers[2 * k].single_value()
        hits += [dict(r, kind=source.kind) for r in answers[2 * k + 1].rows]
    hits.sort(key=_sort_key(form.sort))
    page_hits = hits[(form.page - 1) * PER_PAGE:wanted]
    result.update(total=total, pages=math.ceil(total / PER_PAGE),
                  results=await _results(datasette, database, db, page_hits, match))
    if wanted < total:
        result["next_url"] = path + "?" + urlencode(form.args(page=form.page + 1))
    if form.page > 1:
        result["prev_url"] = path + "?" + urlencode(form.args(page=form.page - 1))
    return result


@dataclass(frozen=True)
class Source:
    """One searched table and its full-text index. Queries are shaped for the planner: with no
    filters the index alone answers (no row lookups); sorted by date, SQLite walks the time
    index and keeps rows whose rowid the full-text match returned."""

    kind: str
    table: str
    time_column: str

    @property
    def fts(self) -> str:
        return f"{self.table}_fts"

    def _match(self) -> str:
        return f"t.rowid in (select rowid from {self.fts} where {self.fts} match :match)"

    def count_sql(self, form: SearchForm) -> str:
        if not _filters(form, "t", self.time_column):
            return f"select count(*) from {self.fts} where {self.fts} match :match"
        return f"select count(*) from {self.table} t where {self._match()}{_filters(form, 't', self.time_column)}"

    def top_sql(self, form: SearchForm, limit: int) -> str:
        filters = _filters(form, "t", self.time_column)
        if form.sort == "relevance":
            if not filters:
                return (f"select rowid as rid, rank as score, null as at from {self.fts} "
                        f"where {self.fts} match :match order by rank limit {limit}")
            return (f"select t.rowid as rid, {self.fts}.rank as score, null as at from {self.fts} "
                    f"join {self.table} t on t.rowid = {self.fts}.rowid where {self.fts} match :match{filters} "
                    f"order by rank limit {limit}")
        direction = "desc" if form.sort == "newest" else "asc"
        return (f"select t.rowid as rid, 0 as score, t.{self.time_column} as at from {self.table} t "
                f"where {self._match()}{filters} order by t.{self.time_column} {direction} limit {limit}")


POSTS = Source("post", "posts", "published")
COMMENTS = Source("comment", "comments", "posted_at")


def _sources(form: SearchForm) -> list[Source]:
    return [s for s, kinds in ((POSTS, ("all", "posts")), (COMMENTS, ("all", "comments"))) if form.kind in kinds]


def _sort_key(sort: str) -> Any:
    if sort == "relevance":
        return lambda h: (h["score"], h["kind"], h["rid"])
    if sort == "newest":  # undated hits last, whichever the direction
        return lambda h: (h["at"] is None, "" if h["at"] is None else _negate(h["at"]), h["kind"], h["rid"])
    return lambda h: (h["at"] is None, h["at"] or "", h["kind"], h["rid"])


def _negate(text: str) -> tuple[int, ...]:
    return tuple(-ord(ch) for ch in text)


def _filters(form: SearchForm, alias: str, time_column: str) -> str:
    sql = f" and {alias}.site = :site" if form.site else ""
    sql += f" and {alias}.{time_column} >= :since" if form.since else ""
    sql += f" and {alias}.{time_column} < :until" if form.until else ""
    return sql


async def _results(datasette: Any, database: str, db: Any, hits: list[dict[str, Any]], match: str) -> list[dict[str, Any]]:
    """Each hit as a reader sees it: what, where, when (UK time), a highlighted snippet, links."""
    post_rids = [h["rid"] for h in hits if h["kind"] == "post"]
    comment_rids = [h["rid"] for h in hits if h["kind"] == "comment"]
    posts = await _by_rowid(db, "select rowid as rid, id, site, title, published as at, "
                                "substr(body_text, 1, :window) as text from posts", post_rids)
    comments = await _by_rowid(db, "select c.rowid as rid, c.id, c.wp_id, c.site, c.author, c.post_id, "
                                   "c.posted_at as at, substr(c.body_text, 1, :window) as text, "
                                   "c.redaction_id, c.redacted_fields, "
                                   "p.title as post_title from comments c left join posts p on p.id = c.post_id",
                               comment_rids, alias="c.")
    for row in comments.values():
        if "author" in fields_of(row):  # a takedown withheld the name: say so rather than "Anonymous"
            row["author"] = NAME_WITHHELD
    rows = [(posts if h["kind"] == "post" else comments).get(h["rid"]) for h in hits]
    found = [(h, r) for h, r in zip(hits, rows) if r is not None]
    marked = snippets([r["text"] for _, r in found], match)
    titles = highlight([r["title"] if h["kind"] == "post" else r["author"] for h, r in found], match)
    out = []
    for (hit, row), snippet, title in zip(found, marked, titles):
        post_url = datasette.urls.row(database, "posts", tilde_encode(row["post_id"] if hit["kind"] == "comment" else row["id"]))
        shown = times(row["at"])
        item = {
            "kind": hit["kind"], "id": row["id"], "site": row["site"], "at": row["at"],
            "at_local": shown["local"] if shown else None, "snippet_html": str(as_html(snippet)),
        }
        if hit["kind"] == "post":
            item.update(post_id=row["id"], title=row["title"], title_html=str(as_html(title)), url=post_url,
                        row_url=post_url)
        else:
            item.update(post_id=row["post_id"], title=f"{row['author'] or 'Anonymous'} on {row['post_title'] or row['post_id']}",
                        title_html=f"{as_html(title)} on {as_html(row['post_title'] or row['post_id'] or '')}",
                        url=f"{post_url}#{comment_anchor(row)}",
                        row_url=datasette.urls.row(database, "comments", tilde_encode(row["id"])))
        out.append(item)
    return out


async def _by_rowid(db: Any, select: str, rids: list[int], alias: str = "") -> dict[int, dict[str, Any]]:
    if not rids:
        return {}
    marks = ", ".join(str(int(r)) for r in rids)
    rows = (await db.execute(f"{select} where {alias}rowid in ({marks})", {"window": WINDOW_CHARS})).rows
    return {r["rid"]: dict(r) for r in rows}


def _valid_date(value: str) -> bool:
    if not _DATE.match(value):
        return False
    try:
        date.fromisoformat(value)
    except ValueError:
        return False
    return True


def _day_after(value: str) -> str:
    return (date.fromisoformat(value) + timedelta(days=1)).isoformat() if value else ""
