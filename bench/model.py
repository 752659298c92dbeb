"""The synthetic DDN archive as data: posts and threaded comments, drawn from one seeded RNG.

Text comes from the DDN seed page so word lengths and punctuation look like the real site.
Everything is deterministic for a given (n_posts, seed).
"""

from __future__ import annotations

import html
import random
import re
from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone
from pathlib import Path
from zoneinfo import ZoneInfo

from furniture import CATEGORIES, TAGS

LONDON = ZoneInfo("Europe/London")
SEED_NAME = "seeds/ddn-the-big-conversation.txt"
SEED_DIRS = (Path(__file__).resolve().parents[2] / "shared", Path("/work/shared"))  # shared/ sits beside the repo
COMMENTS_PER_PAGE = 10  # top-level threads per comment page (WordPress pages by thread)
MAX_DEPTH = 3
PAGINATED_SHARE = 0.10

FALLBACK_TEXT = (
    "Services across England report rising demand for treatment. Commissioners said the new funding "
    "would help. Peer support remains at the heart of recovery communities. The review called for "
    "better workforce training and stronger links with housing and employment support."
)

STAFF = (("claire", "Claire Brown"), ("david", "David Gilliver"), ("ian", "Ian Ralph"), ("kate", "Kate Halliday"))
COMMENTERS = (
    "Alice", "Bob Taylor", "Carol", "Dave Higham", "Michaela J", "Glyn", "Tina from Talk Change Grow",
    "Ray Jenkins", "Becky", "Mike Hardy", "Sam", "Recovery Rob", "Anon", "J. Patel", "Nurse Kay",
    "Concerned parent", "Steve W", "Priya", "Tom O'Neill", "Liz",
)


@dataclass
class Comment:
    wp_id: int
    author: str
    author_url: str | None
    nicename: str | None  # set when the commenter is the (registered) post author
    at: datetime  # aware, Europe/London
    depth: int
    paragraphs: list[str]
    children: list[Comment] = field(default_factory=list)


@dataclass
class Post:
    index: int
    wp_id: int
    slug: str
    title: str
    standfirst: str
    author: tuple[str, str]  # (nicename, display name)
    category: tuple[str, str]
    tags: list[str]
    published: datetime  # aware UTC
    modified: datetime  # aware UTC
    blocks: list[tuple[str, str]]  # ("p" | "h3" | "blockquote" | "figure", escaped html text)
    threads: list[Comment]
    comment_count: int

    @property
    def pages(self) -> int:
        """Number of comment pages (1 when unpaginated)."""
        return max(1, -(-len(self.threads) // COMMENTS_PER_PAGE))

    @property
    def last_activity(self) -> datetime:
        """Latest of modification and newest comment: what a cache would use as Last-Modified."""
        times = [self.modified] + [c.at.astimezone(timezone.utc) for c in walk(self.threads)]
        return max(times)


def walk(threads: list[Comment]):
    """Comments in display order (depth-first, oldest first)."""
    for c in threads:
        yield c
        yield from walk(c.children)


def _sentences() -> list[str]:
    seed = next((d / SEED_NAME for d in SEED_DIRS if (d / SEED_NAME).exists()), None)
    text = seed.read_text(encoding="utf-8") if seed else FALLBACK_TEXT
    parts = re.split(r"(?<=[.?!’])\s+", " ".join(text.split()))
    return [html.escape(s, quote=False) for s in parts if len(s) > 25]


def _comment_count(rng: random.Random, paginated: bool) -> tuple[int, int]:
    """(total comments, top-level threads); paginated posts have more threads than fit one page."""
    if paginated:
        top = rng.randint(COMMENTS_PER_PAGE + 1, 24)
        return min(30, top + rng.randint(0, 8)), top
    total = min(30, int(rng.gammavariate(1.3, 8.0)))
    return total, 0


class ArchiveBuilder:
    """Draws posts one by one; comment ids grow across the archive as WordPress's do."""

    def __init__(self, seed: int) -> None:
        self.rng = random.Random(seed)
        self.sentences = _sentences()
        self.words = sorted({w.strip("‘’“”,.;:?!()") for s in self.sentences for w in s.split() if w.isalpha() and len(w) > 3})
        self.next_comment_id = 1000
        self.slugs: set[str] = set()

    def _para(self, lo: int, hi: int) -> str:
        return " ".join(self.rng.choice(self.sentences) for _ in range(self.rng.randint(lo, hi)))

    def _title(self) -> tuple[str, str]:
        words = self.rng.sample(self.words, self.rng.randint(3, 7))
        title = " ".join(words).capitalize()
        slug = base = "-".join(w.lower() for w in words)
        k = 2
        while slug in self.slugs:
            slug, k = f"{base}-{k}", k + 1
        self.slugs.add(slug)
        return title, slug

    def _blocks(self, wp_id: int) -> list[tuple[str, str]]:
        rng = self.rng
        blocks = [("p", self._para(2, 5)) for _ in range(rng.randint(7, 14))]
        for _ in range(rng.randint(1, 3)):
            blocks.insert(rng.randint(2, len(blocks)), ("h3", " ".join(rng.sample(self.words, 3)).capitalize()))
        blocks.insert(rng.randint(1, 4), ("figure", self._para(1, 1)))
        if rng.random() < 0.4:
            blocks.insert(rng.randint(3, len(blocks)), ("blockquote", self._para(1, 2)))
        return blocks

    def _comment(self, at: datetime, depth: int, post_author: tuple[str, str]) -> Comment:
        rng = self.rng
        self.next_comment_id += rng.randint(1, 4)
        if rng.random() < 0.08:
            nicename, name = post_author
            url = f"https://www.drinkanddrugsnews.com/author/{nicename}/"
        else:
            nicename, name = None, rng.choice(COMMENTERS)
            url = f"https://{name.split()[0].lower().strip('.')}.example.org/" if rng.random() < 0.3 else None
        paras = [self._para(1, 3) for _ in range(rng.choice((1, 1, 1, 2, 3)))]
        return Comment(self.next_comment_id, name, url, nicename, at.astimezone(LONDON), depth, paras)

    def _threads(self, published: datetime, total: int, top: int, author: tuple[str, str]) -> list[Comment]:
        rng = self.rng
        threads: list[Comment] = []
        flat: list[Comment] = []
        at = published
        for i in range(total):
            at += timedelta(minutes=rng.randint(3, 60 * 24 * rng.choice((1, 1, 3, 20))))
            must_top = (top and len(threads) < top and total - i <= top - len(threads)) or not flat
            nested = [c for c in flat if c.depth < MAX_DEPTH]
            reply = not must_top and nested and (rng.random() < 0.35 or (top and len(threads) >= top)
                                                 or (not top and len(threads) >= COMMENTS_PER_PAGE))
            if reply:
                parent = rng.choice(nested[-6:])
                c = self._comment(at, parent.depth + 1, author)
                parent.children.append(c)
            else:
                c = self._comment(at, 1, author)
                threads.append(c)
            flat.append(c)
        return threads

    def post(self, index: int, n_posts: int) -> Post:
        rng = self.rng
        start = datetime(2012, 1, 1, tzinfo=timezone.utc)
        span = (datetime(2024, 12, 31, tzinfo=timezone.utc) - start).total_seconds()
        published = start + timedelta(seconds=int(span * (index + rng.random()) / n_posts))
        published = published.replace(second=0)
        modified = published + timedelta(minutes=rng.choice((0, 0, rng.randint(5, 60 * 24 * 30))))
        wp_id = 100 + index * 9 + rng.randint(0, 7)
        title, slug = self._title()
        author = rng.choice(STAFF)
        total, top = _comment_count(rng, rng.random() < PAGINATED_SHARE)
        return Post(
            index=index, wp_id=wp_id, slug=slug, title=title, standfirst=self._para(1, 2), author=author,
            category=rng.choice(CATEGORIES), tags=rng.sample(TAGS, rng.randint(1, 4)),
            published=published, modified=modified, blocks=self._blocks(wp_id),
            threads=self._threads(published, total, top, author), comment_count=total,
        )


def build_archive(n_posts: int, seed: int) -> list[Post]:
    """All posts, oldest first (ascending WordPress id)."""
    builder = ArchiveBuilder(seed)
    return [builder.post(i, n_posts) for i in range(n_posts)]
