"""Fill and cross-check a post's comments from the second sources (comment feed, REST API).

The page's HTML stays the primary record. A second source only:

* fills what the page left unread: a missing author (with the commenter's website when REST gives
  it; ``author_source`` then says ``feed`` or ``rest``, as it says ``page`` for a name the page
  showed); a time the page lacks, shows only
  relatively ("7 years ago") or in words no parser reads, or that fell in the repeated autumn
  hour (the exact UTC settles which one). ``posted_source`` then says ``feed`` or ``rest``, and
  the ``time`` note the timestamps pipeline made for the unreadable text is withdrawn: the row now
  holds the exact time, ``posted_raw`` still what the page said;
* cross-checks the rest: a time that disagrees is a ``time`` problem; an author or parent that
  disagrees, or a comment the sources list that the page reading missed, a ``markup`` problem.
  The page's values are kept either way.

Runs after the timestamps pipeline (it needs the page's times in UTC) and before validation.
"""

from __future__ import annotations

import html
import re
from collections.abc import Sequence
from datetime import UTC, datetime
from typing import Any

from pipelines.timestamps import normalise_time, time_note
from reading.records import AuthorSource, CommentItem, PostItem, SourceComment

_RELATIVE = re.compile(r"\b(?:ago|yesterday|today|just now)\b", re.IGNORECASE)
HOUR = 3600


def html_left_unread(comments: Sequence[Any], shown_count: int | None, covered: set[int], *,
                     formats: Sequence[str] = (), tz: str = "Europe/London") -> bool:
    """Whether the REST API is worth asking: a comment (not a ping: REST lists none) whose
    author or exact time the page did not give and no earlier source covered, or fewer comments
    read than the page says it has. ``comments`` are the spider's raw comments."""
    if shown_count is not None and len(comments) < shown_count:
        return True
    for c in comments:
        if c.kind != "comment" or c.wp_id in covered:
            continue
        if not c.author or time_unread(c.posted_raw, c.posted_machine, formats, tz, getattr(c, "posted_title", None)):
            return True
    return False


def time_unread(raw: str | None, machine: str | None, formats: Sequence[str], tz: str,
                title: str | None = None) -> bool:
    """No instant can be read from the page: nothing shown, a relative phrase, or unparseable
    (a ``title`` attribute holding the exact date, as wpDiscuz prints, counts as read)."""
    if machine and normalise_time(None, machine, tz=tz).utc:
        return False
    if title and normalise_time(title, None, formats=formats, tz=tz).utc:
        return False
    if not raw or _RELATIVE.search(raw):
        return True
    return normalise_time(raw, None, formats=formats, tz=tz).utc is None


def merge_second_sources(item: PostItem) -> dict[str, int]:
    """Fill and cross-check ``item.comments`` in place from ``item.second_source``; problems go
    to ``item.problems``. Returns counts for the crawl's stats."""
    counts = {"filled_time": 0, "filled_author": 0, "time_disagrees": 0, "markup_disagrees": 0}
    if not item.second_source:
        return counts
    by_id: dict[int, list[SourceComment]] = {}
    for sc in item.second_source:  # feed first, then REST: the order the spider asked them
        by_id.setdefault(sc.wp_id, []).append(sc)
    for comment in item.comments:
        stated = by_id.get(comment.wp_id)
        if stated:
            _merge_comment(item, comment, stated, counts)
    read = {c.wp_id for c in item.comments}
    missing = sorted(set(by_id) - read)
    if missing and item.comments_complete:
        sources = " and the ".join(_SOURCE_NAMES[s] for s in sorted({sc.source for i in missing for sc in by_id[i]}))
        item.problems.append((item.url, "markup", f"{len(missing)} comment(s) listed by the {sources} "
                                                  f"were not read from the page: {', '.join(map(str, missing))}"))
        counts["markup_disagrees"] += 1
    return counts


_SOURCE_NAMES = {"feed": "comment feed", "rest": "REST API"}


def _merge_comment(item: PostItem, comment: CommentItem, stated: list[SourceComment], counts: dict[str, int]) -> None:
    url = comment.url or item.url
    timed = [(sc, normalise_time(None, sc.posted).utc) for sc in stated if sc.posted]
    exact = next(((sc, utc) for sc, utc in timed if utc), None)
    if exact is not None:
        _merge_time(item, comment, url, *exact, counts)
    named = next((sc for sc in stated if sc.author), None)
    if named is not None:
        if not comment.author:
            _fill_author(comment, stated)
            counts["filled_author"] += 1
        elif comment.kind == "comment" and _same_name(comment.author) != _same_name(named.author):
            item.problems.append((url, "markup", f"comment {comment.wp_id}: the page names its author "
                                                 f"{comment.author!r} but the {_SOURCE_NAMES[named.source]} "
                                                 f"says {named.author!r}"))
            counts["markup_disagrees"] += 1
    for sc in stated:
        if sc.parent_known and sc.parent_wp_id != comment.parent_wp_id:
            item.problems.append((url, "markup", f"comment {comment.wp_id}: the page nests it under "
                                                 f"{_parent(comment.parent_wp_id)} but the {_SOURCE_NAMES[sc.source]} "
                                                 f"says it answers {_parent(sc.parent_wp_id)}"))
            counts["markup_disagrees"] += 1


def _fill_author(comment: CommentItem, stated: list[SourceComment]) -> None:
    """Name (and website) from one source, so ``author_source`` says where both came from: the
    first that gives both (REST), else the first that names the author (the feed)."""
    source = next((sc for sc in stated if sc.author and sc.author_url), None) or \
        next(sc for sc in stated if sc.author)
    comment.author, comment.author_source = source.author, AuthorSource(source.source)
    comment.author_url = comment.author_url or source.author_url


def _merge_time(item: PostItem, comment: CommentItem, url: str, sc: SourceComment, utc: str,
                counts: dict[str, int]) -> None:
    relative = comment.posted_source == "text" and bool(comment.posted_raw and _RELATIVE.search(comment.posted_raw))
    settles_fold = comment.posted_ambiguous and comment.posted_at is not None and \
        abs(_seconds(comment.posted_at) - _seconds(utc)) == HOUR
    if comment.posted_at is None or relative or settles_fold:
        if comment.posted_at is None:
            _withdraw_time_note(item, url, comment)
        comment.posted_at, comment.posted_source, comment.posted_ambiguous = utc, sc.source, False
        counts["filled_time"] += 1
    elif not _agree(comment, utc):
        item.problems.append((url, "time", f"comment {comment.wp_id}: the page says {comment.posted_raw or ''!r} "
                                           f"({comment.posted_at}) but the {_SOURCE_NAMES[sc.source]} says {utc}"))
        counts["time_disagrees"] += 1


def _agree(comment: CommentItem, utc: str) -> bool:
    """Visible text gives minutes, so it agrees with the exact time to the minute; a machine
    value is compared to the second."""
    assert comment.posted_at is not None
    if comment.posted_source in ("text", "title-attr"):  # a title date shows minutes too (wpDiscuz)
        return comment.posted_at[:16] == utc[:16]
    return comment.posted_at == utc


def _withdraw_time_note(item: PostItem, url: str, comment: CommentItem) -> None:
    """The timestamps pipeline noted the page's unreadable time; the exact one replaces it."""
    shown = comment.posted_raw or comment.posted_machine
    note = (url, "time", time_note(shown or ""))
    if note in item.problems:
        item.problems.remove(note)


def _seconds(utc: str) -> int:
    return int(datetime.strptime(utc, "%Y-%m-%dT%H:%M:%SZ").replace(tzinfo=UTC).timestamp())


def _same_name(name: str | None) -> str:
    return " ".join(html.unescape(name or "").split()).casefold()


def _parent(wp_id: int | None) -> str:
    return f"comment {wp_id}" if wp_id else "no comment (top level)"


class SecondSourcePipeline:
    """Scrapy wrapper over ``merge_second_sources``; counts what it did in the crawl's stats."""

    def __init__(self, stats: Any) -> None:
        self.stats = stats

    @classmethod
    def from_crawler(cls, crawler: Any) -> SecondSourcePipeline:
        return cls(crawler.stats)

    def process_item(self, item: Any, spider: Any = None) -> Any:
        if isinstance(item, PostItem):
            for key, value in merge_second_sources(item).items():
                if value:
                    self.stats.inc_value(f"archive/second_source_{key}", value)
        return item
