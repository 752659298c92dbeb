"""Timestamp normalisation: exact UTC values for the texts real WordPress pages show."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from types import SimpleNamespace
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scrapy.utils.test import get_crawler

from reading.records import CommentItem, FailureItem, PostItem
from pipelines.timestamps import TimeResult, TimestampsPipeline, clean_text, normalise_time
from reading.sites import COLLECTIVE_VOICE, COMMON_DATE_FORMATS, DDN

LONDON = ZoneInfo("Europe/London")
FORMATS = COLLECTIVE_VOICE.date_formats
PAGE_TIME = datetime(2019, 7, 22, 12, 0, tzinfo=UTC)  # 13:00 BST


def text(utc: str, ambiguous: bool = False) -> TimeResult:
    return TimeResult(utc, "text", ambiguous)


def machine(utc: str, ambiguous: bool = False) -> TimeResult:
    return TimeResult(utc, "datetime-attr", ambiguous)


NONE = TimeResult(None, None, False)

TEXT_CASES = [
    ("21/06/2019 at 12:19 am", text("2019-06-20T23:19:00Z")),  # BST, just after midnight
    ("02/11/2019 at 2:15 pm", text("2019-11-02T14:15:00Z")),  # GMT
    ("05/07/2019 at 10:31 am", text("2019-07-05T09:31:00Z")),  # day first: 5 July, not 7 May
    ("13/07/2019", text("2019-07-12T23:00:00Z")),  # date only: midnight local
    ("5 July 2019 at 10:31 am", text("2019-07-05T09:31:00Z")),
    ("5th July 2019", text("2019-07-04T23:00:00Z")),
    ("July 5, 2019 at 10:31 am", text("2019-07-05T09:31:00Z")),
    ("July 5th, 2019 at 10:31 am", text("2019-07-05T09:31:00Z")),  # Kubrick's F jS, Y
    ("5 July 2019 at 10:31 AM", text("2019-07-05T09:31:00Z")),
    ("05/07/2019 at 10:31", text("2019-07-05T09:31:00Z")),  # 24-hour H:i
    ("05/07/2019 at 22:31", text("2019-07-05T21:31:00Z")),
    ("Friday, 5th July 2019 at 10:31 a.m. |", text("2019-07-05T09:31:00Z")),
    ("  5\u00a0July\u00a02019 at 10:31\u202fpm says:", text("2019-07-05T21:31:00Z")),
    ("5 Jul 2019", text("2019-07-04T23:00:00Z")),
    ("2019-07-05T10:31:00+01:00", text("2019-07-05T09:31:00Z")),  # a theme printing `c`
    # The hour repeated when the clocks go back: the first (BST) occurrence, flagged.
    ("31/10/2021 at 1:30 am", text("2021-10-31T00:30:00Z", ambiguous=True)),
    ("27/10/2019 at 1:00 am", text("2019-10-27T00:00:00Z", ambiguous=True)),
    ("31/10/2021 at 12:59 am", text("2021-10-30T23:59:00Z")),  # BST, before the repeat
    ("31/10/2021 at 2:00 am", text("2021-10-31T02:00:00Z")),  # GMT, after it
    # The hour skipped when they go forward: zoneinfo's fold=0 (GMT) reading, flagged.
    ("31/03/2019 at 1:30 am", text("2019-03-31T01:30:00Z", ambiguous=True)),
    # Not an instant on its own: never guessed.
    ("Reply", NONE),
    ("10:31 AM", NONE),
    ("10:31", NONE),
    ("5 July", NONE),
    ("July 2019", NONE),
    ("17 days ago", NONE),
    ("32/07/2019 at 10:31 am", NONE),
    ("0000-00-00 00:00:00", NONE),
    ("", NONE),
    ("   ", NONE),
    (None, NONE),
]


@pytest.mark.parametrize("raw, expected", TEXT_CASES)
def test_visible_text_with_site_formats(raw: str | None, expected: TimeResult) -> None:
    assert normalise_time(raw, formats=FORMATS) == expected


@pytest.mark.parametrize("raw, expected", TEXT_CASES)
def test_visible_text_through_dateparser_fallback(raw: str | None, expected: TimeResult) -> None:
    assert normalise_time(raw, formats=()) == expected


MACHINE_CASES = [
    ("2019-07-05T10:31:00+01:00", machine("2019-07-05T09:31:00Z")),
    ("2019-07-05T07:00:00+00:00", machine("2019-07-05T07:00:00Z")),
    ("2019-07-05T09:31:00Z", machine("2019-07-05T09:31:00Z")),
    ("2019-07-05T09:31:00.000Z", machine("2019-07-05T09:31:00Z")),
    ("2019-07-05T10:31:00", machine("2019-07-05T09:31:00Z")),  # REST `date`: local, no offset
    ("2019-12-05T10:31:00", machine("2019-12-05T10:31:00Z")),
    ("2021-10-31T01:30:00", machine("2021-10-31T00:30:00Z", ambiguous=True)),
    ("2021-10-31T01:30:00+00:00", machine("2021-10-31T01:30:00Z")),  # the offset settles it
    ("2019-07-05", machine("2019-07-04T23:00:00Z")),
    ("Fri, 05 Jul 2019 09:31:00 +0000", machine("2019-07-05T09:31:00Z")),  # RSS pubDate
    ("not a date", NONE),
    ("", NONE),
]


@pytest.mark.parametrize("value, expected", MACHINE_CASES)
def test_machine_values(value: str, expected: TimeResult) -> None:
    assert normalise_time(None, value) == expected


def test_machine_value_beats_text() -> None:
    result = normalise_time("02/11/2019 at 2:15 pm", "2019-07-05T10:31:00+01:00", formats=FORMATS)
    assert result == machine("2019-07-05T09:31:00Z")


def test_unusable_machine_value_falls_back_to_text() -> None:
    result = normalise_time("02/11/2019 at 2:15 pm", "0000-00-00T00:00:00", formats=FORMATS)
    assert result == text("2019-11-02T14:15:00Z")


def test_other_timezone() -> None:
    assert normalise_time("05/07/2019 at 10:31", formats=FORMATS, tz="UTC") == text(
        "2019-07-05T10:31:00Z"
    )


@pytest.mark.parametrize(
    "raw, expected",
    [
        ("17 days ago", text("2019-07-05T12:00:00Z")),
        ("2 hours ago", text("2019-07-22T10:00:00Z")),
        ("yesterday at 10:31 am", text("2019-07-21T09:31:00Z")),
        ("10:31", NONE),  # a bare time is still not an instant
        ("5 July", NONE),  # nor a date without its year
        ("05/07/2019 at 10:31 am", text("2019-07-05T09:31:00Z")),  # absolute text ignores the base
    ],
)
def test_relative_text_needs_the_page_time(raw: str, expected: TimeResult) -> None:
    assert normalise_time(raw, formats=FORMATS, relative_base=PAGE_TIME) == expected
    assert normalise_time(raw, formats=FORMATS, relative_base=PAGE_TIME.replace(tzinfo=None)) == (
        expected
    )


def test_relative_text_without_page_time_is_null() -> None:
    assert normalise_time("17 days ago", formats=FORMATS) == NONE


def test_clean_text() -> None:
    assert clean_text("Friday,\u00a05th July 2019 at 10:31 a.m. |") == "5 July 2019 at 10:31 AM"
    assert clean_text("Bob says:") == "Bob"
    assert clean_text("1st April 2019 at 9:05pm") == "1 April 2019 at 9:05 PM"


# --- properties -----------------------------------------------------------------------------


def _g(local: datetime) -> str:
    return str(local.hour % 12 or 12)


def _a(local: datetime) -> str:
    return "am" if local.hour < 12 else "pm"


def _ordinal(day: int) -> str:
    suffix = "th" if 11 <= day % 100 <= 13 else {1: "st", 2: "nd", 3: "rd"}.get(day % 10, "th")
    return f"{day}{suffix}"


# WordPress PHP formats rendered the way the template tags print them ("DATE at TIME").
WORDPRESS_FORMATS = {
    "d/m/Y g:i a": lambda d: f"{d:%d/%m/%Y} at {_g(d)}:{d:%M} {_a(d)}",
    "j F Y g:i a": lambda d: f"{d.day} {d:%B %Y} at {_g(d)}:{d:%M} {_a(d)}",
    "jS F Y g:i a": lambda d: f"{_ordinal(d.day)} {d:%B %Y} at {_g(d)}:{d:%M} {_a(d)}",
    "F j, Y g:i a": lambda d: f"{d:%B} {d.day}, {d:%Y} at {_g(d)}:{d:%M} {_a(d)}",
    "d/m/Y H:i": lambda d: f"{d:%d/%m/%Y} at {d:%H:%M}",
    "c": lambda d: d.isoformat(timespec="seconds"),
}

instants = st.datetimes(
    min_value=datetime(2000, 1, 1), max_value=datetime(2035, 12, 31, 23, 59), timezones=st.just(UTC)
).map(lambda d: d.replace(second=0, microsecond=0))
# Bias towards the changeover nights so the repeated and skipped hours are really exercised.
changeovers = st.sampled_from(
    [datetime(2021, 10, 31, 0, 0, tzinfo=UTC), datetime(2019, 10, 27, 0, 0, tzinfo=UTC)]
).flatmap(lambda d: st.integers(0, 179).map(lambda m: d + timedelta(minutes=m)))
any_instant = st.one_of(instants, changeovers)
wp_format = st.sampled_from(sorted(WORDPRESS_FORMATS))


def _expected(instant: datetime, fmt: str) -> TimeResult:
    """Our rule: the rendering names one local wall time; fold=0 is taken, flagged if it mattered."""
    local = instant.astimezone(LONDON)
    if fmt == "c":  # the offset pins the instant exactly
        return text(f"{instant:%Y-%m-%dT%H:%M:%SZ}")
    first = local.replace(fold=0)
    ambiguous = first.utcoffset() != local.replace(fold=1).utcoffset()
    return text(f"{first.astimezone(UTC):%Y-%m-%dT%H:%M:%SZ}", ambiguous)


@settings(max_examples=400, deadline=None)
@given(any_instant, wp_format)
def test_any_rendered_instant_round_trips(instant: datetime, fmt: str) -> None:
    rendered = WORDPRESS_FORMATS[fmt](instant.astimezone(LONDON))
    result = normalise_time(rendered, formats=COMMON_DATE_FORMATS)
    assert result == _expected(instant, fmt)
    if not result.ambiguous:
        assert result.utc == f"{instant:%Y-%m-%dT%H:%M:%SZ}"


@settings(max_examples=150, deadline=None)
@given(any_instant, wp_format)
def test_fast_path_and_dateparser_agree(instant: datetime, fmt: str) -> None:
    rendered = WORDPRESS_FORMATS[fmt](instant.astimezone(LONDON))
    assert normalise_time(rendered, formats=()) == normalise_time(rendered, formats=DDN.date_formats)


@settings(max_examples=200, deadline=None)
@given(any_instant)
def test_machine_value_with_local_offset_is_exact(instant: datetime) -> None:
    value = instant.astimezone(LONDON).isoformat()
    assert normalise_time("garbage", value) == machine(f"{instant:%Y-%m-%dT%H:%M:%SZ}")


@settings(max_examples=300, deadline=None)
@given(st.text(max_size=40), st.one_of(st.none(), st.text(max_size=40)))
def test_never_raises(raw: str, value: str | None) -> None:
    result = normalise_time(raw, value, formats=FORMATS, relative_base=PAGE_TIME)
    assert (result.utc is None) == (result.source is None)


# --- pipeline -------------------------------------------------------------------------------


def _post() -> PostItem:
    comment = CommentItem  # short alias for the table below
    return PostItem(
        site="collectivevoice",
        url="https://www.collectivevoice.org.uk/blog/going-local/",
        fetched_from="http://127.0.0.1:1/blog/going-local/",
        wp_id=123,
        title="Going local",
        published_raw="5 July 2019",
        published_machine="2019-07-05T10:31:00+01:00",
        modified_raw=None,
        modified_machine="2019-07-08T09:00:00+00:00",
        fetched_at="2019-07-22T12:00:00Z",
        comments=[
            comment(201, None, 1, 1, "Ann", None, "21/06/2019 at 12:19 am",
                    url="https://www.collectivevoice.org.uk/blog/going-local/#comment-201"),
            comment(202, 201, 2, 2, "Bob", None, "31/10/2021 at 1:30 am",
                    url="https://www.collectivevoice.org.uk/blog/going-local/#comment-202"),
            comment(203, None, 1, 3, "Cy", None, "13/07/2019 at 9:00 am",
                    posted_machine="2019-07-13T09:00:00+01:00",
                    url="https://www.collectivevoice.org.uk/blog/going-local/#comment-203"),
            comment(204, None, 1, 4, "Di", None, "sometime last summer",
                    url="https://www.collectivevoice.org.uk/blog/going-local/#comment-204"),
            comment(205, None, 1, 5, "Ed", None, "3 days ago", url=None),
            comment(206, None, 1, 6, "Flo", None, None),
        ],
    )


def _pipeline() -> tuple[TimestampsPipeline, object]:
    crawler = get_crawler()
    crawler.stats.open_spider()
    return TimestampsPipeline.from_crawler(crawler), crawler


def test_pipeline_sets_post_and_comment_times() -> None:
    pipeline, crawler = _pipeline()
    spider = SimpleNamespace(profile=COLLECTIVE_VOICE)
    post = pipeline.process_item(_post(), spider)

    assert (post.published, post.published_source) == ("2019-07-05T09:31:00Z", "datetime-attr")
    assert (post.modified, post.modified_source) == ("2019-07-08T09:00:00Z", "datetime-attr")
    assert [(c.wp_id, c.posted_at, c.posted_source, c.posted_ambiguous) for c in post.comments] == [
        (201, "2019-06-20T23:19:00Z", "text", False),
        (202, "2021-10-31T00:30:00Z", "text", True),
        (203, "2019-07-13T08:00:00Z", "datetime-attr", False),
        (204, None, None, False),
        (205, None, None, False),  # never "fetch time minus three days": a wrong instant is worse than none
        (206, None, None, False),
    ]
    assert post.comments[0].posted_raw == "21/06/2019 at 12:19 am"  # what the page showed stays
    assert post.problems == [
        (
            "https://www.collectivevoice.org.uk/blog/going-local/#comment-204",
            "time",
            "unparsed time 'sometime last summer'",
        ),
        (post.url, "time", "relative time '3 days ago': the page gives no exact time"),
    ]
    assert crawler.stats.get_value("archive/time_unparsed") == 2
    assert crawler.stats.get_value("archive/time_ambiguous") == 1


def test_pipeline_uses_post_url_and_common_formats_without_profile() -> None:
    pipeline, crawler = _pipeline()
    post = _post()
    post.fetched_at = None
    post.published_machine, post.published_raw = None, "05/07/2019 at 10:31 am"
    pipeline.process_item(post, SimpleNamespace())

    assert (post.published, post.published_source) == ("2019-07-05T09:31:00Z", "text")
    assert post.comments[4].posted_at is None
    assert post.problems[-1] == (post.url, "time", "relative time '3 days ago': the page gives no exact time")
    assert crawler.stats.get_value("archive/time_unparsed") == 2


def test_pipeline_passes_other_items_through() -> None:
    pipeline, crawler = _pipeline()
    failure = FailureItem("ddn", "https://www.drinkanddrugsnews.com/x/", "http", "404", 404)
    assert pipeline.process_item(failure, SimpleNamespace(profile=DDN)) == FailureItem(
        "ddn", "https://www.drinkanddrugsnews.com/x/", "http", "404", 404
    )
    assert crawler.stats.get_value("archive/time_unparsed") is None


@pytest.mark.parametrize("raw, title, expected", [
    # wpDiscuz: relative text shown, the exact local time only in the title attribute
    ("4 years ago", "5 July 2019 10:31 am", TimeResult("2019-07-05T09:31:00Z", "title-attr", False)),
    ("4 years ago", "Direct link to this comment", NONE),  # a title that is not a date is no time
    ("5 July 2019 at 10:31 am", "not a date", text("2019-07-05T09:31:00Z")),
])
def test_a_title_date_comes_before_the_visible_text(raw: str, title: str, expected: TimeResult) -> None:
    assert normalise_time(raw, None, formats=DDN.date_formats, title=title) == expected


def test_divi_on_prefix_is_read() -> None:
    assert clean_text("on 5 July 2019 at 10:31 am") == "5 July 2019 at 10:31 AM"
    assert normalise_time("on 5 July 2019 at 10:31 am", formats=DDN.date_formats) == text("2019-07-05T09:31:00Z")


def test_the_pipeline_never_places_a_relative_date() -> None:
    pipeline, _ = _pipeline()
    post = _post()
    post.comments = [CommentItem(301, None, 1, 1, "Ann", None, "7 years ago", url=post.url + "#comment-301")]
    pipeline.process_item(post, SimpleNamespace(profile=DDN))
    assert (post.comments[0].posted_at, post.comments[0].posted_raw) == (None, "7 years ago")
    assert post.problems == [(post.url + "#comment-301", "time", "relative time '7 years ago': the page gives no exact time")]
