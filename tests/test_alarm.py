"""The alarm's checks, one reason each, on items as the pipelines hand them over."""

from __future__ import annotations

from pipelines.alarm import markup_problems
from reading.records import CommentItem, PostItem
from pipelines.validate import validate_post

URL = "https://www.drinkanddrugsnews.com/x/"


def _post(**changes) -> PostItem:
    item = PostItem(site="ddn", url=URL, fetched_from=URL, wp_id=1, title="X", body_html="<p>Words.</p>",
                    body_text="Words.", comment_count=1, comments=[_comment()])
    for key, value in changes.items():
        setattr(item, key, value)
    return item


def _comment(**changes) -> CommentItem:
    c = CommentItem(7, None, 1, 1, "Alice", None, "5 July 2019 at 10:31 am", body_html="<p>Hi.</p>",
                    body_text="Hi.", url=URL + "#comment-7", class_depth=1)
    for key, value in changes.items():
        setattr(c, key, value)
    return c


def reasons(item: PostItem) -> list[str]:
    return [reason for _, kind, reason in markup_problems(item) if kind == "markup"]


def test_a_well_read_post_raises_nothing() -> None:
    assert markup_problems(_post()) == []


def test_each_sign_of_a_misread_page() -> None:
    assert reasons(_post(body_html=" ")) == ["post body is empty: no article text was found on the page"]
    assert reasons(_post(comment_count=3)) == ["the page shows 3 comments but 1 were read"]
    assert reasons(_post(comment_count=None, comments=[], comments_heading=True)) == [
        "the page shows a comments heading but no comment was read"]
    assert reasons(_post(comments=[_comment(author=None)])) == ["comment 7: no author found"]
    assert reasons(_post(comments=[_comment(posted_raw=None)])) == ["comment 7: no time found"]
    assert reasons(_post(comments=[_comment(body_text="Alice says: hi")])) == [
        "comment 7: text begins with the author's name 'Alice': the head was read as body"]
    assert reasons(_post(comments=[_comment(body_text="5 July 2019 at 10:31 am Hi")])) == [
        "comment 7: text holds its own date '5 July 2019 at 10:31 am': the head was read as body"]
    assert reasons(_post(comments=[_comment(class_depth=2)])) == [
        "comment 7: nested at depth 1 but the theme labels it depth 2"]


def test_a_comment_may_start_with_its_writers_name_in_a_sentence() -> None:
    """Seen on the bench mirror: "Ray Jenkins called for a holistic approach…" by Ray Jenkins."""
    assert reasons(_post(comments=[_comment(body_text="Alice called for a holistic approach.")])) == []
    assert reasons(_post(comments=[_comment(body_text="Alice\nHi there.")])) == [
        "comment 7: text begins with the author's name 'Alice': the head was read as body"]
    assert reasons(_post(comments=[_comment(body_text="Alice 21/06/2019 at 12:19 am # Hi")])) == [
        "comment 7: text begins with the author's name 'Alice': the head was read as body"]


def test_a_short_pingback_needs_no_time_and_an_incomplete_thread_no_count() -> None:
    assert reasons(_post(comments=[_comment(kind="pingback", posted_raw=None)])) == []
    assert reasons(_post(comment_count=5, comments_complete=False)) == []


def test_alarm_problems_travel_with_the_post_as_markup_failures() -> None:
    problems = validate_post(_post(body_html=""))
    assert (URL, "markup", "post body is empty: no article text was found on the page") in problems
