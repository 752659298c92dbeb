"""The alarm: say so when reading a page degrades, instead of storing wrong data in silence.

A theme change on the live site (new comment markup, a page builder around the article) does
not break the crawl: it makes the reader find less. These checks run on every post as it is
stored and turn each sign of that into a ``markup`` failure naming the URL and what was wrong;
any ``markup`` failure makes the run exit 3. Other stages add reasons of their own the same
way: append ``(url, MARKUP, reason)`` to the post's ``problems``.
"""

from __future__ import annotations

import re

from pipelines.items import CommentItem, PostItem

MARKUP = "markup"
_DIGIT = re.compile(r"\d")


def markup_problems(item: PostItem) -> list[tuple[str, str, str]]:
    """(url, 'markup', reason) for every sign that the page was not fully understood."""
    problems = [(item.url, MARKUP, reason) for reason in _post_reasons(item)]
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
    if c.author and text.casefold().startswith(c.author.casefold()) and c.kind == "comment":
        reasons.append(f"text begins with the author's name {c.author!r}: the head was read as body")
    if c.posted_raw and _DIGIT.search(c.posted_raw) and len(c.posted_raw) >= 6 and c.posted_raw in text:
        reasons.append(f"text holds its own date {c.posted_raw!r}: the head was read as body")
    if c.kind == "comment" and not text and not c.body_html.strip():
        reasons.append("no text found")
    if c.class_depth is not None and c.class_depth != c.depth:
        reasons.append(f"nested at depth {c.depth} but the theme labels it depth {c.class_depth}")
    return reasons
