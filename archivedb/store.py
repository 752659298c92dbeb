"""Write posts, comments, captures and failures into the archive, keeping history.

A re-crawl updates rows in place (ids are WordPress's own, qualified by site): nothing is ever
duplicated. When a post's content changes, the previous version goes to ``post_versions``; a
comment that changed goes to ``comment_versions``; a comment missing from a complete thread is
marked ``removed`` and kept; a post that answers 404/410 twice running is marked ``gone``.

Two kinds of write, two rules:

- A crawl *observes*: every time it stores is the fetch time of the page it read (one clock per
  observation), so ``first_seen <= last_changed <= fetched_at <= last_seen`` holds for every row
  and a version's ``captured_at`` is the fetch time of the page that first showed it.
- A reprocess *re-reads* stored captures (``reread=True``): it may change only what reading
  derives (bodies, texts, times, comment fields, ``extractor_version``), never what was observed
  (``status``, ``missing_count``, ``gone_at``, ``first_seen``, ``last_seen``, ``fetched_at``,
  ``http_*``, a comment's ``removed_at``). A reading it changes becomes a version with
  ``reason = 'reprocess'``; a change seen on the site has ``reason = 'crawl'``.
"""

from __future__ import annotations

import hashlib
import json
from collections import Counter, defaultdict
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

import sqlite_utils

from archivedb.captures import BODY_ENCODING, pack_body
from archivedb.ids import comment_id, post_id
from archivedb.schema import EXTRACTOR_VERSION
from archivedb.withholding import BODY_FIELDS, COMMENT_FIELDS, author_key, author_rules, blank, fields_of

POST_CONTENT = ("title", "author", "published", "modified", "standfirst", "body_html", "categories", "tags")
COMMENT_CONTENT = ("author", "author_url", "posted_raw", "body_html", "kind", "parent_wp_id")
GONE_AFTER = 2  # consecutive 404/410 answers before a post is marked gone
# What a crawl observed about a post or comment; a re-reading keeps these exactly as they are.
POST_OBSERVED = ("first_seen", "last_seen", "last_changed", "fetched_at", "fetched_from", "status", "missing_count",
                 "gone_at", "http_status", "http_etag", "http_last_modified", "sitemap_lastmod")
COMMENT_OBSERVED = ("first_seen", "last_seen", "last_changed", "status", "removed_at")


@dataclass
class Outcome:
    """What one write did, as counts the crawl's summary and ``crawls`` row report."""

    counts: Counter[str] = field(default_factory=Counter)
    problems: list[tuple[str, str, str]] = field(default_factory=list)  # (url, kind, reason)
    withheld: dict[int, frozenset[str]] = field(default_factory=dict)  # comment wp_id -> fields kept out


@contextmanager
def write_transaction(db: sqlite_utils.Database) -> Iterator[None]:
    """One batch, all or nothing. ``BEGIN IMMEDIATE`` takes the write lock up front, so two crawls
    sharing a database (two sites in one run) wait for each other (busy_timeout) instead of
    failing when a deferred transaction cannot be upgraded. sqlite-utils calls inside nest as
    savepoints."""
    db.execute("BEGIN IMMEDIATE")
    try:
        yield
    except BaseException:
        db.rollback()
        raise
    db.commit()


def content_hash(row: dict[str, Any], keys: tuple[str, ...]) -> str:
    payload = json.dumps([row.get(k) for k in keys], ensure_ascii=False, sort_keys=True)
    return hashlib.sha256(payload.encode("utf-8")).hexdigest()


@dataclass
class PostWrite:
    """One post and its thread as the store receives them. ``complete`` says every comment page
    was read, so comments not seen this time really were removed."""

    post: dict[str, Any]
    comments: list[dict[str, Any]]
    complete: bool = True


@dataclass
class _Writes:
    """Rows a batch will write, gathered first so each table gets one bulk call."""

    new: dict[str, list[dict[str, Any]]] = field(default_factory=lambda: defaultdict(list))
    replaced: dict[str, list[dict[str, Any]]] = field(default_factory=lambda: defaultdict(list))
    refreshed: dict[str, list[dict[str, Any]]] = field(default_factory=lambda: defaultdict(list))
    patches: list[tuple[str, dict[str, Any]]] = field(default_factory=list)  # rare per-row updates


def save_posts(db: sqlite_utils.Database, batch: list[PostWrite], *, crawl_id: int, now: str,
               reread: bool = False) -> Outcome:
    """Upsert a batch of posts and their threads: read what is stored in two queries, decide
    new / changed / unchanged / removed in Python, then write each table in bulk.

    ``now`` is when the batch is written; it stamps only what happens at write time (a reading
    superseded by ``reread``). Observations carry their page's own fetch time."""
    outcome, writes = Outcome(), _Writes()
    # The same post reached by two URLs in one batch is written once: the later capture wins.
    latest = {row["id"]: (row, w) for row, w in ((_post_row(w.post, crawl_id, now), w) for w in batch)}
    rows = list(latest.values())
    ids = list(latest)
    stored_posts = _by_id(db, "posts", "id", ids)
    stored_comments: dict[str, dict[str, dict[str, Any]]] = defaultdict(dict)
    for c in _rows_in(db, "comments", "post_id", ids):
        stored_comments[c["post_id"]][c["id"]] = c
    versions = _version_counts(db, [i for i in ids if i in stored_posts])
    _claim_comments(db, rows, outcome)
    plan = _Plan(writes, outcome, versions, now, reread)
    rules = {site: author_rules(db, site) for site in {row["site"] for row, _ in rows}}
    for row, write in rows:
        old = stored_posts.get(row["id"])
        if reread and old is not None and (old["fetched_at"] or "") > row["fetched_at"]:
            # The capture predates the stored reading (captures were off for a later fetch):
            # re-reading it would put older content back as if it were current.
            outcome.problems.append((row["url"], "reprocess", f"latest capture ({row['fetched_at']}) is older than"
                                     f" the stored reading ({old['fetched_at']}); kept the stored reading"))
            outcome.counts["posts_unchanged"] += 1
            continue
        row["comments_captured"] = len(write.comments)
        row["comments_complete"] = int(write.complete)
        _withhold_post(row, old)
        _plan_post(row, old, plan)
        _plan_comments(row, write, stored_comments[row["id"]], crawl_id, plan,
                       _Rules(rules[row["site"]], _thread_rule(old)))
    _apply(db, writes)
    for post_id_, changes in writes.patches:
        db.table("posts").update(post_id_, changes)
    return outcome


def _claim_comments(db: sqlite_utils.Database, rows: list[tuple[dict[str, Any], PostWrite]], outcome: Outcome) -> None:
    """A comment id belongs to one post. When another page shows it too (a copied page, a
    widget, a redirect), the post that stored it first keeps it (in this batch: the earlier
    post) and the other records a ``duplicate`` failure instead of failing the whole batch."""
    wanted = list({comment_id(row["site"], c["wp_id"]) for row, w in rows for c in w.comments})
    owner: dict[str, str] = {}
    for i in range(0, len(wanted), 500):
        chunk = wanted[i:i + 500]
        owner.update(db.execute(f"select id, post_id from comments where id in ({', '.join('?' * len(chunk))})",
                                chunk).fetchall())
    for row, write in rows:
        kept = []
        for c in write.comments:
            cid = comment_id(row["site"], c["wp_id"])
            if owner.setdefault(cid, row["id"]) == row["id"]:
                kept.append(c)
            else:
                outcome.problems.append((row["url"], "duplicate",
                                         f"comment {c['wp_id']} is already stored under {owner[cid]}; not stored again"))
        write.comments = kept


@dataclass
class _Plan:
    """What every planning step of one batch shares."""

    writes: _Writes
    outcome: Outcome
    versions: dict[str, int]
    now: str
    reread: bool

    @property
    def reason(self) -> str:
        return "reprocess" if self.reread else "crawl"


@dataclass
class _Rules:
    """The redactions a post's comments answer to: by commenter, and the post's own (a withheld
    post withholds its whole thread, later comments included)."""

    authors: dict[str, tuple[int, frozenset[str]]]
    thread: tuple[int, frozenset[str]] | None


def _thread_rule(old_post: dict[str, Any] | None) -> tuple[int, frozenset[str]] | None:
    if old_post and BODY_FIELDS & fields_of(old_post):
        return old_post["redaction_id"], frozenset(COMMENT_FIELDS)
    return None


def _withhold_post(row: dict[str, Any], old: dict[str, Any] | None) -> None:
    """A redacted post stays redacted: what the live page says in its withheld fields is not kept."""
    if old is not None and fields_of(old):
        blank(row, fields_of(old), old["redaction_id"])
        row["content_hash"] = content_hash(row, POST_CONTENT)


def _withhold_comment(row: dict[str, Any], old: dict[str, Any] | None, rules: _Rules) -> frozenset[str]:
    """Match a comment read from the live page against the redactions by id, by commenter and by
    post; blank what they withhold before anything is stored. Returns the fields withheld."""
    rule = (old["redaction_id"], fields_of(old)) if old is not None and fields_of(old) else None
    by_author = rules.authors.get(author_key(row["site"], row["author"])) if row.get("author") else None
    for match in (rule, by_author, rules.thread):
        if match:
            blank(row, match[1], match[0])
    if row.get("redaction_id"):
        row["content_hash"] = content_hash(row, COMMENT_CONTENT)
        return fields_of(row)
    return frozenset()


# ``url`` too: a post renamed on the site (its old address now 301s) keeps its row and content but
# lives at its new canonical URL, and the next crawl must know it there.
_POST_REFRESH = ("url", "last_seen", "fetched_at", "fetched_from", "status", "missing_count", "gone_at", "comment_count",
                 "comments_captured", "comments_complete", "http_status", "http_etag", "http_last_modified",
                 "sitemap_lastmod", "crawl_id")
_COMMENT_REFRESH = ("url", "position", "page", "depth", "last_seen", "status", "removed_at", "posted_at", "posted_source",
                    "posted_ambiguous", "awaiting_moderation", "author_source", "crawl_id")
# A re-reading that leaves the content hash alone still refreshes what reading derives.
_POST_REREAD_REFRESH = ("comment_count", "comments_captured", "comments_complete", "extractor_version", "crawl_id")
_POST_REREAD_PATCH = ("body_text", "images", "published_raw", "published_source", "modified_raw", "modified_source")
_COMMENT_REREAD_REFRESH = ("position", "page", "depth", "posted_at", "posted_source", "posted_ambiguous",
                           "awaiting_moderation", "author_source", "extractor_version", "crawl_id")


def _plan_post(row: dict[str, Any], old: dict[str, Any] | None, plan: _Plan) -> None:
    writes, outcome, seen = plan.writes, plan.outcome, row["fetched_at"]
    if old is not None and row["sitemap_lastmod"] is None:
        # Reached without a sitemap (reprocess, a recheck, a listing): the last lastmod still holds.
        # Losing it would make the next crawl see every post as "changed" and refetch it in full.
        row["sitemap_lastmod"] = old["sitemap_lastmod"]
    if old is None:
        writes.new["posts"].append({**row, "first_seen": seen, "last_changed": seen})
        outcome.counts["posts_new"] += 1
        return
    if plan.reread:
        row.update({k: old[k] for k in POST_OBSERVED})
    else:
        row.update(first_seen=old["first_seen"], last_seen=max(old["last_seen"] or seen, seen))
    if old["content_hash"] != row["content_hash"]:
        plan.versions[old["id"]] = plan.versions.get(old["id"], 0) + 1
        superseded = plan.now if plan.reread else seen
        writes.new["post_versions"].append(_post_version(old, plan.versions[old["id"]], superseded, plan.reason))
        writes.replaced["posts"].append({**row, "last_changed": row["last_changed"] if plan.reread else seen})
        outcome.counts["posts_updated"] += 1
    elif plan.reread:
        writes.refreshed["posts_reread"].append({"id": row["id"], **{k: row[k] for k in _POST_REREAD_REFRESH}})
        patch = {k: row[k] for k in _POST_REREAD_PATCH if row[k] != old[k]}
        if patch:
            writes.patches.append((row["id"], patch))
        outcome.counts["posts_unchanged"] += 1
    else:
        writes.refreshed["posts"].append({"id": row["id"], **{k: row[k] for k in _POST_REFRESH}})
        outcome.counts["posts_unchanged"] += 1


def _plan_comments(post: dict[str, Any], write: PostWrite, stored: dict[str, dict[str, Any]], crawl_id: int,
                   plan: _Plan, rules: _Rules) -> None:
    writes, outcome = plan.writes, plan.outcome
    site, pid = post["site"], post["id"]
    seen = {comment_id(site, c["wp_id"]) for c in write.comments}
    for c in write.comments:
        row = _comment_row(site, pid, c, crawl_id, post["fetched_at"])
        if c.get("parent_wp_id") is not None and row["parent_id"] not in seen and row["parent_id"] not in stored:
            row["parent_id"] = None  # keep the comment; its parent_wp_id still says who it answered
            outcome.problems.append((row["url"] or post["url"], "orphan",
                                     f"comment {c['wp_id']} replies to missing comment {c['parent_wp_id']}"))
        old = stored.get(row["id"])
        at = row["last_seen"]  # the fetch time of the comment page it was read from
        withheld = _withhold_comment(row, old, rules)
        if withheld:
            outcome.withheld[c["wp_id"]] = withheld
        if old is None:
            writes.new["comments"].append({**row, "first_seen": at, "last_changed": at})
            outcome.counts["comments_new"] += 1
            continue
        if plan.reread:
            row.update({k: old[k] for k in COMMENT_OBSERVED})
        else:
            row.update(first_seen=old["first_seen"], last_seen=max(old["last_seen"] or at, at))
        if old["content_hash"] != row["content_hash"]:
            writes.new["comment_versions"].append({
                "comment_id": old["id"], "content_hash": old["content_hash"],
                "captured_at": old["last_changed"] or old["first_seen"],
                "superseded_at": plan.now if plan.reread else at, "reason": plan.reason,
                **{k: old[k] for k in ("author", "posted_raw", "body_html", "body_text")},
            })
            writes.replaced["comments"].append({**row, "last_changed": row["last_changed"] if plan.reread else at})
            outcome.counts["comments_updated"] += 1
        else:
            keys = _COMMENT_REREAD_REFRESH if plan.reread else _COMMENT_REFRESH
            writes.refreshed["comments"].append({"id": row["id"], **{k: row[k] for k in keys}})
    if write.complete and not plan.reread:  # a re-reading that misses a comment observed nothing
        for cid, old in stored.items():
            if cid not in seen and old["status"] != "removed":
                writes.refreshed["removed"].append({"id": cid, "status": "removed", "removed_at": post["fetched_at"]})
                outcome.counts["comments_removed"] += 1


def _apply(db: sqlite_utils.Database, writes: _Writes) -> None:
    """New rows and versions are inserted; changed rows replaced whole (every column is in the
    row); unchanged ones get only their bookkeeping columns updated."""
    for table in ("posts", "post_versions", "comments", "comment_versions"):
        if writes.new.get(table):
            db.table(table).insert_all(writes.new[table])
        if writes.replaced.get(table):
            db.table(table).upsert_all(writes.replaced[table], pk="id")
    for table, key in (("posts", "posts"), ("posts", "posts_reread"), ("comments", "comments"), ("comments", "removed")):
        if writes.refreshed.get(key):
            db.table(table).upsert_all(writes.refreshed[key], pk="id")


# A post record's fields that are posts columns under the same name, stored as they are.
POST_RECORD_COLUMNS = ("site", "wp_id", "url", "title", "author", "published", "published_raw", "published_source",
                       "modified", "modified_raw", "modified_source", "standfirst", "body_html", "body_text",
                       "comment_count", "fetched_from", "http_status", "http_etag", "http_last_modified",
                       "sitemap_lastmod")
JSON_LISTS = ("categories", "tags", "images")


def _post_row(post: dict[str, Any], crawl_id: int, now: str) -> dict[str, Any]:
    """The posts row for a post record (``reading.records.PostItem`` as a dict): its fields are
    named as the columns, so this adds only the id, JSON lists and the store's bookkeeping."""
    row = {name: post.get(name) for name in POST_RECORD_COLUMNS}
    row.update({name: json.dumps(post.get(name) or [], ensure_ascii=False) for name in JSON_LISTS})
    row.update({
        "id": post_id(post["site"], post.get("wp_id"), post["url"]),
        "fetched_at": post.get("fetched_at") or now, "status": "live", "missing_count": 0, "gone_at": None,
        "extractor_version": EXTRACTOR_VERSION, "crawl_id": crawl_id, "redaction_id": None, "redacted_fields": None,
    })
    row["last_seen"] = row["fetched_at"]
    row["content_hash"] = content_hash(row, POST_CONTENT)
    return row


def _post_version(old: dict[str, Any], version: int, superseded: str, reason: str) -> dict[str, Any]:
    """The stored reading, as it was first captured (the fetch that first showed it)."""
    return {
        "post_id": old["id"], "version": version, "content_hash": old["content_hash"],
        "captured_at": old["last_changed"] or old["fetched_at"], "superseded_at": superseded, "reason": reason,
        **{k: old[k] for k in ("title", "author", "published", "modified", "standfirst", "body_html",
                               "body_text", "categories", "tags", "extractor_version")},
    }


def _comment_row(site: str, pid: str, c: dict[str, Any], crawl_id: int, post_fetched_at: str) -> dict[str, Any]:
    parent = c.get("parent_wp_id")
    row = {
        "id": comment_id(site, c["wp_id"]), "post_id": pid,
        "parent_id": comment_id(site, parent) if parent is not None else None,
        "parent_wp_id": parent, "wp_id": c["wp_id"], "site": site, "depth": c["depth"],
        "position": c["position"], "page": c.get("page"), "kind": c.get("kind", "comment"),
        "author": c.get("author"), "author_url": c.get("author_url"), "author_source": c.get("author_source"),
        "posted_raw": c.get("posted_raw"),
        "posted_at": c.get("posted_at"), "posted_source": c.get("posted_source"),
        "posted_ambiguous": int(bool(c.get("posted_ambiguous"))),
        "awaiting_moderation": int(bool(c.get("awaiting_moderation"))),
        "body_html": c.get("body_html"), "body_text": c.get("body_text"), "url": c.get("url"),
        "last_seen": c.get("fetched_at") or post_fetched_at, "status": "present", "removed_at": None,
        "extractor_version": EXTRACTOR_VERSION, "crawl_id": crawl_id, "redaction_id": None, "redacted_fields": None,
    }
    row["content_hash"] = content_hash(row, COMMENT_CONTENT)
    return row


def _by_id(db: sqlite_utils.Database, table: str, column: str, values: list[str]) -> dict[str, dict[str, Any]]:
    return {r[column]: r for r in _rows_in(db, table, column, values)}


def _rows_in(db: sqlite_utils.Database, table: str, column: str, values: list[str]) -> Iterator[dict[str, Any]]:
    for i in range(0, len(values), 500):  # stay under SQLite's bound-parameter limit
        chunk = values[i:i + 500]
        yield from db[table].rows_where(f"{column} in ({', '.join('?' * len(chunk))})", chunk)


def _version_counts(db: sqlite_utils.Database, ids: list[str]) -> dict[str, int]:
    counts: dict[str, int] = {}
    for i in range(0, len(ids), 500):
        chunk = ids[i:i + 500]
        counts.update((r["post_id"], r["n"]) for r in db.query(
            f"select post_id, count(*) n from post_versions where post_id in ({', '.join('?' * len(chunk))})"
            " group by post_id", chunk))
    return counts


def touch_post(db: sqlite_utils.Database, site: str, url: str, seen: str, crawl_id: int) -> bool:
    """A 304 for a post page at ``seen``: it is still there and unchanged. Returns whether we
    knew the post."""
    cursor = db.execute(
        "update posts set last_seen = max(coalesce(last_seen, ?), ?), status = 'live', missing_count = 0,"
        " gone_at = null, crawl_id = ? where site = ? and url = ?",
        [seen, seen, crawl_id, site, url],
    )
    return cursor.rowcount > 0


def mark_missing(db: sqlite_utils.Database, site: str, url: str, at: str) -> bool:
    """A known post answered 404/410 at ``at``. After ``GONE_AFTER`` consecutive answers it is
    ``gone`` (never deleted). Returns whether it became gone just now."""
    rows = list(db["posts"].rows_where("site = ? and url = ?", [site, url]))
    if not rows:
        return False
    post = rows[0]
    missing = (post["missing_count"] or 0) + 1
    gone = missing >= GONE_AFTER and post["status"] != "gone"
    db.table("posts").update(post["id"], {"missing_count": missing, **({"status": "gone", "gone_at": at} if gone else {})})
    return gone


def save_captures(db: sqlite_utils.Database, captures: list[dict[str, Any]], crawl_id: int) -> None:
    """Keep fetched responses. A body identical to the URL's previous capture is not stored again:
    the row points at the capture that holds it (``same_as``), so nightly re-fetches of unchanged
    pages cost a row, not a page. A capture already scrubbed of redacted content carries the
    digest of the bytes received (``received_hash``) and the ``redaction_id`` that scrubbed it."""
    if not captures:
        return
    hashes = {c["url"]: c.get("received_hash") or hashlib.sha256(c["body"]).hexdigest() for c in captures}
    previous: dict[str, tuple[int, str, int | None]] = {}
    urls = list(hashes)
    for i in range(0, len(urls), 500):
        chunk = urls[i:i + 500]
        for r in db.query(
            "select c.url, c.content_hash, coalesce(c.same_as, c.id) holder, h.redaction_id from captures c"
            " left join captures h on h.id = coalesce(c.same_as, c.id) where c.id in"
            f" (select max(id) from captures where url in ({', '.join('?' * len(chunk))}) group by url)", chunk):
            previous[r["url"]] = (r["holder"], r["content_hash"], r["redaction_id"])
    rows = []
    for c in captures:
        digest = hashes[c["url"]]
        holder, old_digest, old_redaction = previous.get(c["url"], (None, None, None))
        # The same bytes received, and kept the same way (both scrubbed or neither): point back.
        scrubbed = c.get("redaction_id")
        same = holder if old_digest == digest and (old_redaction is None) == (scrubbed is None) else None
        rows.append({
            "crawl_id": crawl_id, "site": c["site"], "url": c["url"], "fetched_url": c["fetched_url"],
            "status": c["status"], "headers": json.dumps(c["headers"], ensure_ascii=False),
            "fetched_at": c["fetched_at"], "content_hash": digest, "length": len(c["body"]),
            "body": None if same else pack_body(c["body"]), "body_encoding": BODY_ENCODING, "same_as": same,
            "redaction_id": None if same else scrubbed,
        })
    db.table("captures").insert_all(rows)


def failure_row(crawl_id: int, site: str, url: str, kind: str, reason: str, now: str,
                status: int | None = None) -> dict[str, Any]:
    return {"crawl_id": crawl_id, "site": site, "url": url, "kind": kind, "status": status, "reason": reason, "at": now}


def record_failures(db: sqlite_utils.Database, rows: list[dict[str, Any]]) -> None:
    """Insert failure rows, saying which repeat the site's previous run of the same kind: the
    same URL failing the same way gets ``repeated = 1`` and keeps the ``first_failed_at`` of the
    run where it started, so new problems stand apart from old ones."""
    if not rows:
        return
    previous: dict[tuple[int, str, str], str] = {}
    for crawl_id in {r["crawl_id"] for r in rows}:
        before = _previous_run(db, crawl_id)
        if before is None:
            continue
        urls = sorted({r["url"] for r in rows if r["crawl_id"] == crawl_id})
        for i in range(0, len(urls), 500):
            chunk = urls[i:i + 500]
            for f in db.query("select url, kind, coalesce(first_failed_at, at) since from failures"
                              f" where crawl_id = ? and url in ({', '.join('?' * len(chunk))})", [before, *chunk]):
                previous.setdefault((crawl_id, f["url"], f["kind"]), f["since"])
    for r in rows:
        since = previous.get((r["crawl_id"], r["url"], r["kind"]))
        r["repeated"] = int(since is not None)
        r["first_failed_at"] = since or r["at"]
    db.table("failures").insert_all(rows)


def _previous_run(db: sqlite_utils.Database, crawl_id: int) -> int | None:
    """The run of the same site and kind just before ``crawl_id``."""
    row = db.execute(
        "select max(p.id) from crawls p join crawls c on c.id = ? where p.site = c.site and p.id < c.id"
        " and coalesce(p.kind, 'crawl') = coalesce(c.kind, 'crawl')", [crawl_id]).fetchone()
    return row[0] if row else None
