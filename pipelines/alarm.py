"""The alarm: say so when reading a page degrades, instead of storing wrong data in silence.

A theme change on the live site (new comment markup, a page builder around the article) does
not break the crawl: it makes the reader find less. These checks run on every post as it is
stored and turn each sign of that into a ``markup`` failure naming the URL and what was wrong;
any ``markup`` failure makes the run exit 3. Other stages add reasons of their own the same
way: append ``(url, MARKUP, reason)`` to the post's ``problems``.
"""

from __future__ import annotations

import re

from archivedb.vocabulary import FailureKind
from reading.records import CommentItem, PostItem

MARKUP = FailureKind.MARKUP
_DIGIT = re.compile(r"\d")
# What follows a name that is a comment's head, not its prose: nothing (the name was a block of
# its own), core's "says:", a separator, or the date. "Ray Jenkins called for…" is prose.
_HEAD_AFTER_NAME = re.compile(r"\s*(?:$|says:|[:|·•–—-]|\d)", re.IGNORECASE)


def markup_problems(item: PostItem) -> list[tuple[str, str, str]]:
    """(url, 'markup', reason) for every sign that the page was not fully understood."""
    problems: list[tuple[str, str, str]] = [(item.url, MARKUP, reason) for reason in _post_reasons(item)]
    for comment in item.comments:
        url = comment.url or item.url
        problems += [(url, MARKUP, f"comment {comment.wp_id}: {reason}") for reason in _comment_reasons(comment)]
    return problems


def _post_reasons(item: PostItem) -> list[str]:
    reasons = []
    if not item.body_html.strip():
        reasons.append("post body is empty: no article text was found on the page")
    read = len(item.comments)
    if item.comments_complete and item.comment_count is not None and read < item.comment_count:
        reasons.append(f"the page shows {item.comment_count} comments but {read} were read")
    elif item.comments_complete and item.comments_heading and not read and item.comment_count is None:
        reasons.append("the page shows a comments heading but no comment was read")
    return reasons


def _comment_reasons(c: CommentItem) -> list[str]:
    reasons = []
    if not c.author:
        reasons.append("no author found")
    if c.kind == "comment" and not (c.posted_raw or c.posted_machine or c.posted_title or c.posted_at):
        reasons.append("no time found")  # a short pingback shows none; a second source may have filled one
    text = " ".join(c.body_text.split())
    if c.author and c.kind == "comment" and _begins_with_head(c.author, c.body_text):
        reasons.append(f"text begins with the author's name {c.author!r}: the head was read as body")
    if c.posted_raw and _DIGIT.search(c.posted_raw) and len(c.posted_raw) >= 6 and c.posted_raw in text:
        reasons.append(f"text holds its own date {c.posted_raw!r}: the head was read as body")
    if c.kind == "comment" and not text and not c.body_html.strip():
        reasons.append("no text found")
    if c.class_depth is not None and c.class_depth != c.depth:
        reasons.append(f"nested at depth {c.depth} but the theme labels it depth {c.class_depth}")
    return reasons


def _begins_with_head(author: str, body_text: str) -> bool:
    """The text opens with the author's name as a head would print it: a line of its own, or the
    name followed by "says:", a separator or the date. A comment may start with its writer's own
    name in a sentence; that is not a misreading."""
    first_line = body_text.strip().split("\n", 1)[0].strip()
    if first_line.casefold() == author.casefold():
        return True
    text = " ".join(body_text.split())
    if not text.casefold().startswith(author.casefold()):
        return False
    return bool(_HEAD_AFTER_NAME.match(text[len(author):]))
