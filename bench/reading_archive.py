"""Write a synthetic archive DATABASE of N posts and M comments straight through the database
layer (``archivedb.schema.open_db`` + sqlite-utils inserts, FTS triggers included), for the reading
room benchmark. Crawling 250,000 comments would take an hour; this takes about two minutes and
gives the same tables, indexes and full-text indexes a crawl writes.

    uv run python bench/reading_archive.py --posts 20000 --comments 250000 --out bench/out/reading.db

Deterministic for a seed. Two sites, posts 2012-2024, threads up to depth 3, ~3 % of posts and
~2 % of comments edited (rows in post_versions / comment_versions), ~1 % of comments removed,
~0.5 % of posts gone, 40 crawls with failures, and a few hundred zlib captures.
"""

from __future__ import annotations

import argparse
import json
import random
import sys
import time
import zlib
from datetime import datetime, timedelta, timezone
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from archivedb.schema import open_db  # noqa: E402

SITES = {"ddn": "https://www.drinkanddrugsnews.com", "collectivevoice": "https://www.collectivevoice.org.uk"}
SECTOR_WORDS = (
    "recovery recovering recovered treatment naloxone overdose alcohol drugs commissioning commissioners "
    "service services peer support harm reduction housing hostel workforce funding council prison "
    "opioid methadone buprenorphine detox residential outreach family families young people mental "
    "health stigma community communities lived experience conference review strategy government"
).split()
COMMENTERS = ("Alice", "Bob Taylor", "Carol", "Dave Higham", "Michaela J", "Glyn", "Ray Jenkins", "Becky",
              "Mike Hardy", "Sam", "Recovery Rob", "Anon", "J. Patel", "Nurse Kay", "Steve W", "Priya", "Liz")
CATEGORIES = ("News", "Opinion", "Harm reduction", "Treatment", "Recovery", "Policy", "Events", "Blog")
TAGS = ("naloxone", "workforce", "commissioning", "housing", "prisons", "alcohol", "young people", "stigma")
START = datetime(2012, 1, 1, tzinfo=timezone.utc)
END = datetime(2024, 12, 31, tzinfo=timezone.utc)


def iso(t: datetime) -> str:
    return t.strftime("%Y-%m-%dT%H:%M:%SZ")


class Words:
    """A Zipf-like vocabulary: sector words common, a long tail of rarer made-up words."""

    def __init__(self, rng: random.Random) -> None:
        syllables = ["ka", "lo", "mi", "ren", "tor", "va", "shi", "pel", "dru", "nes", "co", "ber", "gal", "in"]
        tail = {"".join(rng.choice(syllables) for _ in range(rng.randint(2, 4))) for _ in range(6000)}
        common = "the and of to in a is that for on with was as are be it this by have from".split()
        self.vocab = common + SECTOR_WORDS + sorted(tail)
        self.weights = [1 / (rank + 1) ** 0.9 for rank in range(len(self.vocab))]
        self.rng = rng

    def text(self, n: int) -> str:
        words = self.rng.choices(self.vocab, self.weights, k=n)
        sentences, i = [], 0
        while i < len(words):
            k = self.rng.randint(8, 20)
            sentences.append(" ".join(words[i:i + k]).capitalize() + ".")
            i += k
        return " ".join(sentences)


def generate(path: Path, n_posts: int, n_comments: int, seed: int = 1) -> dict[str, int]:
    """Create the archive at ``path`` (which must not exist); returns row counts."""
    rng = random.Random(seed)
    words = Words(rng)
    db = open_db(str(path))
    crawls = _crawls(rng)
    db["crawls"].insert_all(crawls)
    crawl_times = [(c["id"], c["site"], c["started"]) for c in crawls]
    per_post = _comment_counts(rng, n_posts, n_comments)
    posts, versions, comments, cversions, failures, captures = [], [], [], [], [], []
    next_comment = 1000
    span = (END - START).total_seconds()
    counts = dict.fromkeys(("posts", "comments", "post_versions", "comment_versions", "captures"), 0)
    for i in range(n_posts):
        site = "ddn" if i % 3 else "collectivevoice"
        wp_id = 100 + i * 7
        published = START + timedelta(seconds=int(span * (i + rng.random()) / n_posts))
        post_id = f"{site}:post:{wp_id}"
        url = f"{SITES[site]}/post-{wp_id}/"
        body = "\n\n".join(words.text(rng.randint(40, 120)) for _ in range(rng.randint(4, 10)))
        first_seen = min(END, published + timedelta(days=rng.randint(0, 3)))
        crawl_id = _crawl_after(crawl_times, site, first_seen)
        gone = rng.random() < 0.005
        title = words.text(rng.randint(4, 9)).rstrip(".")
        post = {
            "id": post_id, "site": site, "wp_id": wp_id, "url": url, "title": title,
            "author": rng.choice(("Claire Brown", "David Gilliver", "Ian Ralph", "Kate Halliday")),
            "published": iso(published), "published_raw": published.strftime("%-d %B %Y"),
            "published_source": "meta", "modified": iso(published), "modified_raw": None, "modified_source": "meta",
            "standfirst": words.text(25), "body_html": "".join(f"<p>{p}</p>" for p in body.split("\n\n")),
            "body_text": body, "comment_count": per_post[i], "comments_captured": per_post[i], "comments_complete": 1,
            "categories": json.dumps(rng.sample(CATEGORIES, rng.randint(1, 2))),
            "tags": json.dumps(rng.sample(TAGS, rng.randint(0, 3))),
            "images": json.dumps([{"src": f"{SITES[site]}/wp-content/uploads/{wp_id}.jpg", "alt": title[:30]}]),
            "fetched_at": iso(first_seen), "fetched_from": url, "http_status": 200,
            "first_seen": iso(first_seen), "last_seen": iso(END), "last_changed": iso(first_seen),
            "content_hash": f"h{wp_id}", "status": "gone" if gone else "live", "missing_count": 2 if gone else 0,
            "gone_at": iso(END - timedelta(days=rng.randint(1, 300))) if gone else None,
            "extractor_version": "1", "crawl_id": crawl_id,
        }
        if rng.random() < 0.03:
            edited = min(END, first_seen + timedelta(days=rng.randint(1, 200)))
            versions.append({
                "post_id": post_id, "version": 1, "content_hash": f"h{wp_id}-old", "captured_at": post["first_seen"],
                "superseded_at": iso(edited), "title": title, "author": post["author"],
                "published": post["published"], "modified": post["modified"], "standfirst": post["standfirst"],
                "body_html": post["body_html"], "body_text": _edit(rng, body, words), "categories": post["categories"],
                "tags": post["tags"], "extractor_version": "1",
            })
            post["last_changed"] = iso(edited)
        posts.append(post)
        if i % 60 == 0:
            raw = f"<html><head><title>{title}</title></head><body><h1>{title}</h1>{post['body_html']}</body></html>"
            captures.append({
                "crawl_id": crawl_id, "site": site, "url": url, "fetched_url": url, "status": 200,
                "headers": json.dumps({"Content-Type": "text/html; charset=UTF-8", "Server": "nginx"}),
                "fetched_at": post["fetched_at"], "content_hash": f"c{wp_id}", "body": zlib.compress(raw.encode()),
                "body_encoding": "zlib", "length": len(raw.encode()), "same_as": None,
            })
        at, thread = published, []
        for position in range(1, per_post[i] + 1):
            next_comment += rng.randint(1, 3)
            at = min(END, at + timedelta(minutes=rng.randint(3, 60 * 24 * rng.choice((1, 1, 3, 20)))))
            parent = rng.choice(thread[-5:]) if thread and rng.random() < 0.35 else None
            depth = 1 if parent is None or parent[1] >= 3 else parent[1] + 1
            parent_id = parent[0] if parent is not None and depth > 1 else None
            cid = f"{site}:comment:{next_comment}"
            thread.append((cid, depth))
            text = words.text(rng.randint(10, 90))
            seen = max(first_seen, at)
            removed = rng.random() < 0.01
            comment = {
                "id": cid, "post_id": post_id, "parent_id": parent_id,
                "parent_wp_id": int(parent_id.rsplit(":", 1)[1]) if parent_id else None, "wp_id": next_comment,
                "site": site, "depth": depth, "position": position, "page": 1,
                "kind": "pingback" if rng.random() < 0.02 else "comment", "author": rng.choice(COMMENTERS),
                "author_url": None, "posted_raw": at.strftime("%-d %B %Y at %-I:%M %p"), "posted_at": iso(at),
                "posted_source": "datetime-attr", "posted_ambiguous": 0, "awaiting_moderation": 0,
                "body_html": f"<p>{text}</p>", "body_text": text, "url": f"{url}#comment-{next_comment}",
                "first_seen": iso(seen), "last_seen": iso(END), "last_changed": iso(seen),
                "content_hash": f"c{next_comment}", "status": "removed" if removed else "present",
                "removed_at": iso(min(END, seen + timedelta(days=rng.randint(1, 400)))) if removed else None,
                "extractor_version": "1", "crawl_id": crawl_id,
            }
            if rng.random() < 0.02:
                edited = min(END, seen + timedelta(days=rng.randint(1, 60)))
                cversions.append({
                    "comment_id": cid, "content_hash": f"c{next_comment}-old", "captured_at": iso(seen),
                    "superseded_at": iso(edited), "author": comment["author"], "posted_raw": comment["posted_raw"],
                    "body_html": f"<p>{_edit(rng, text, words)}</p>", "body_text": _edit(rng, text, words),
                })
                comment["last_changed"] = iso(edited)
            comments.append(comment)
        if len(comments) >= 20000 or i == n_posts - 1:
            for table, rows in (("posts", posts), ("post_versions", versions), ("comments", comments),
                                ("comment_versions", cversions), ("captures", captures)):
                if rows:
                    db[table].insert_all(rows, batch_size=500)
                    counts[table] += len(rows)
                    rows.clear()
            db.conn.commit()
    for k in range(400):
        crawl_id, site, started = rng.choice(crawl_times)
        failures.append({"crawl_id": crawl_id, "site": site, "url": f"{SITES[site]}/broken-{k}/",
                         "kind": rng.choice(("http", "network", "parse", "time")), "status": 500,
                         "reason": "HTTP 500 after 3 retries", "at": started})
    db["failures"].insert_all(failures)
    db.conn.commit()
    db.execute("ANALYZE")
    db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    db.close()
    return counts


def _crawls(rng: random.Random) -> list[dict]:
    rows = []
    for k in range(40):
        site = ("ddn", "collectivevoice")[k % 2]
        started = START + (END - START) * (k // 2 + 1) / 20
        rows.append({
            "id": k + 1, "site": site, "started": iso(started), "finished": iso(started + timedelta(minutes=40)),
            "status": "finished", "base_url": SITES[site], "full": int(k < 2), "pages_fetched": rng.randint(100, 3000),
            "not_modified": 0, "posts_skipped": 0, "posts_new": 0, "posts_updated": 0, "posts_unchanged": 0,
            "posts_gone": 0, "comments_new": 0, "comments_updated": 0, "comments_removed": 0, "times_unparsed": 0,
            "errors": 10, "finish_reason": "finished", "pid": 4000 + k,
        })
    return rows


def _crawl_after(crawl_times: list[tuple[int, str, str]], site: str, when: datetime) -> int:
    stamp = iso(when)
    later = [cid for cid, s, started in crawl_times if s == site and started >= stamp]
    return later[0] if later else crawl_times[-1][0]


def _comment_counts(rng: random.Random, n_posts: int, n_comments: int) -> list[int]:
    """Exactly ``n_comments`` spread over the posts, skewed like real threads (many small, a few long)."""
    weights = [rng.gammavariate(1.3, 1.0) for _ in range(n_posts)]
    total = sum(weights)
    counts = [int(n_comments * w / total) for w in weights]
    for k in range(n_comments - sum(counts)):
        counts[k % n_posts] += 1
    return counts


def _edit(rng: random.Random, text: str, words: Words) -> str:
    """An earlier version: a few words different from ``text``."""
    tokens = text.split()
    for _ in range(max(1, len(tokens) // 25)):
        tokens[rng.randrange(len(tokens))] = words.text(1).rstrip(".").lower()
    return " ".join(tokens)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--posts", type=int, default=20000)
    parser.add_argument("--comments", type=int, default=250000)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--out", type=Path, required=True)
    args = parser.parse_args()
    if args.out.exists():
        raise SystemExit(f"error: {args.out} exists; choose another --out")
    args.out.parent.mkdir(parents=True, exist_ok=True)
    t0 = time.perf_counter()
    counts = generate(args.out, args.posts, args.comments, args.seed)
    print(f"{args.out}: {counts} in {time.perf_counter() - t0:.0f} s")


if __name__ == "__main__":
    main()
