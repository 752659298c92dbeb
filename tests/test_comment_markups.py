"""Comments read by structure from every public markup the theme mirror carries, and the alarm.

One crawl of the theme mirror (``tests/sites/themes``, one post per markup, crawled as ``ddn``
through ``--base-url``) backs the end-to-end asserts; the reader is also checked in process per
markup, and a property test renders random threads through every markup.
"""

from __future__ import annotations

import json
import subprocess
import sys
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from crawling import ROOT, crawl, rows
from mirror import SITES_DIR

sys.path.insert(0, str(SITES_DIR))
import themes  # noqa: E402
from wp import Comment, utc_of, walk  # noqa: E402

from pipelines.clean import clean_comment_html  # noqa: E402
from pipelines.timestamps import normalise_time  # noqa: E402
from reading.extract import extract_post_page  # noqa: E402
from reading.sites import DDN  # noqa: E402

TRUTH = json.loads((SITES_DIR / "themes" / "expected-comments.json").read_text(encoding="utf-8"))
KNOWN = [p for p in TRUTH["posts"] if p["known"]]
UNKNOWN = [p for p in TRUTH["posts"] if not p["known"]]
COLUMNS = ("wp_id", "parent_wp_id", "depth", "position", "author", "author_url", "posted_raw", "posted_at",
           "posted_source", "body_text", "url")


@pytest.fixture(scope="module")
def crawled(tmp_path_factory):
    """The theme mirror crawled once, as a scheduler would run it."""
    from conftest import _mirror

    with _mirror("themes") as server:
        db = tmp_path_factory.mktemp("themes") / "archive.db"
        result = crawl("ddn", server.base_url, db)
        status = subprocess.run([sys.executable, "-m", "archive", "status", "--db", str(db), "--failures", "0"],
                                capture_output=True, text=True, cwd=ROOT, timeout=60)
        yield db, result, status


def test_mirror_files_match_their_generator(tmp_path: Path) -> None:
    truth = themes.build(tmp_path)
    saved = dict(TRUTH)
    saved.pop("conventions")
    assert truth == saved
    made = {p.relative_to(tmp_path): p.read_bytes() for p in tmp_path.rglob("*") if p.is_file()}
    on_disk = {p.relative_to(SITES_DIR / "themes"): p.read_bytes()
               for p in (SITES_DIR / "themes").rglob("*") if p.is_file() and p.name != "expected-comments.json"}
    assert made == on_disk


def test_every_markup_in_the_issue_is_covered() -> None:
    assert {p["markup"] for p in KNOWN} == {
        "core-xhtml", "core-html5", "block-theme", "twentyten", "twentyeleven", "twentytwelve", "genesis", "canvas",
        "astra", "generatepress", "oceanwp", "divi", "avada", "newspaper", "wpdiscuz", "jetpack", "relative-dates"}


@pytest.mark.parametrize("post", KNOWN, ids=[p["markup"] for p in KNOWN])
def test_crawl_stores_exact_comment_rows(crawled, post) -> None:
    db, _, _ = crawled
    stored = rows(db, "select * from comments where post_id = ? order by position", (f"ddn:post:{post['wp_id']}",))
    assert [{k: r[k] for k in COLUMNS} for r in stored] == post["comments"]
    for r in stored:
        parent = r["parent_wp_id"]
        assert r["parent_id"] == (f"ddn:comment:{parent}" if parent is not None else None)


@pytest.mark.parametrize("markup", [p["markup"] for p in KNOWN])
def test_crawl_stores_the_displayed_comment_count(crawled, markup: str) -> None:
    """The count the theme prints over its comments (Divi: ``h1#comments``; OceanWP: "This Post Has
    4 Comments"; Avada, Newspaper: a title heading; Genesis: the entry meta) is stored as read."""
    db, _, _ = crawled
    post = next(p for p in KNOWN if p["markup"] == markup)
    stored = rows(db, "select comment_count from posts where id = ?", (f"ddn:post:{post['wp_id']}",))
    assert stored == [{"comment_count": len(post["comments"])}]


def test_summary_counts_every_time_left_without_an_instant(crawled) -> None:
    """Relative dates ("6 years ago") are kept as shown with no instant, like unparsed ones: the
    run's ``times_unparsed`` and the summary count both, matching the stored rows and failures."""
    db, result, _ = crawled
    unread = rows(db, "select count(*) n from comments where posted_raw is not null and posted_at is null")[0]["n"]
    failures = rows(db, "select count(*) n from failures where kind = 'time'")[0]["n"]
    run = rows(db, "select times_unparsed from crawls")
    assert unread == failures == 8
    assert run == [{"times_unparsed": unread}]
    assert f"{unread} times without an instant" in result.stdout


def test_known_markups_raise_no_alarm(crawled) -> None:
    db, _, _ = crawled
    urls = {p["url"] for p in KNOWN}
    markup = [f for f in rows(db, "select url, reason from failures where kind = 'markup'")
              if f["url"].split("#")[0] in urls]
    assert markup == []


def test_relative_dates_are_never_turned_into_instants(crawled) -> None:
    db, _, _ = crawled
    post = next(p for p in KNOWN if p["markup"] == "relative-dates")
    stored = rows(db, "select posted_raw, posted_at from comments where post_id = ?", (f"ddn:post:{post['wp_id']}",))
    assert {r["posted_at"] for r in stored} == {None}
    assert {r["posted_raw"] for r in stored} == {"6 years ago"}
    failures = rows(db, "select url, reason from failures where kind = 'time' and url like ? order by id",
                    (post["url"] + "%",))
    assert failures == [{"url": c["url"], "reason": "relative time '6 years ago': the page gives no exact time"}
                        for c in post["comments"]]


def test_unknown_markup_sounds_the_alarm(crawled) -> None:
    db, result, status = crawled
    failures = rows(db, "select url, reason from failures where kind = 'markup' order by id")
    no_anchors = next(p for p in UNKNOWN if p["markup"] == "unknown-no-anchors")
    assert {"url": no_anchors["url"], "reason": "the page shows 4 comments but 0 were read"} in failures
    plain = next(p for p in UNKNOWN if p["markup"] == "unknown-plain")
    plain_reasons = [f["reason"] for f in failures if f["url"].startswith(plain["url"])]
    assert len(plain_reasons) >= 4
    assert all("the head was read as body" in r for r in plain_reasons)
    assert {f["url"].split("#")[0] for f in failures} == {p["url"] for p in UNKNOWN}
    # Never a silent success: exit 3, the count in the summary, in status and on stderr.
    assert result.returncode == 3, result.stdout + result.stderr
    assert f"{len(failures)} markup problems" in result.stdout
    assert "warning: ddn:" in result.stderr
    assert f"{len(failures)} markup problems" in status.stdout


@dataclass
class _Undercounted(themes.ThemePost):
    """A post whose page shows a count it no longer lists: what a theme change that hides a
    comment from the reader looks like."""

    shown: int = 0

    @property
    def count(self) -> int:
        return self.shown


def _one_comment_missing(post: themes.ThemePost) -> _Undercounted:
    """The post's page with its last thread (one comment) gone and the heading unchanged."""
    return _Undercounted(post.slug, post.wp_id, post.markup, post.threads[:-1], shown=post.count)


COUNTED_BY_STRUCTURE = ["genesis", "canvas", "oceanwp", "avada", "newspaper"]


@pytest.mark.parametrize("name", [m for m in themes.MARKUPS if themes.MARKUPS[m].known])
def test_displayed_count_read_in_process(name: str) -> None:
    post = next(p for p in themes.posts() if p.markup == name)
    page = extract_post_page(themes.page(post).encode("utf-8"), "utf-8", DDN).page
    assert (page.comment_count, page.comments_heading) == (post.count, True)


@pytest.mark.parametrize("heading", [
    '<h3>4 Responses to &#8220;A title with 10 words&#8221;</h3>',  # WooThemes before the WooFramework template
    '<div class="title"><h2>4 Comments</h2></div>',  # Avada 3
    '<h2 class="c-title"><span>This Post Has 4 Comments</span></h2>',  # Total, OceanWP
    '<h4 class="td-comments-title block-title"><span>4 COMMENTS</span></h4>',  # Newspaper 10+
    '<h3>Comments (4)</h3>',
])
def test_count_read_from_any_heading_over_the_list(heading: str) -> None:
    """No known class on the heading: the count is read from the heading above the first comment."""
    post = next(p for p in themes.posts() if p.markup == "core-html5")
    html = themes.page(post)
    html = html[:html.index('<h2 class="comments-title">')] + heading + html[html.index("</h2>", html.index(
        '<h2 class="comments-title">')) + len("</h2>"):]
    page = extract_post_page(html.encode("utf-8"), "utf-8", DDN).page
    assert (page.comment_count, page.comments_heading) == (4, True)


def test_a_number_inside_a_comment_is_never_the_count() -> None:
    post = next(p for p in themes.posts() if p.markup == "core-html5")
    html = themes.page(post).replace('<h2 class="comments-title">4 thoughts on', '<h2 class="comments-title">Thoughts on')
    html = html.replace("Who do we write to?", "</p><h3>12 comments so far</h3><p>Who do we write to?")
    page = extract_post_page(html.encode("utf-8"), "utf-8", DDN).page
    assert page.comment_count is None


def test_a_missing_comment_sounds_the_alarm_on_every_counting_theme(mirror_factory, tmp_path: Path) -> None:
    """One crawl of the theme mirror with one comment gone from each theme whose count is read by
    structure: each page's count (4) exceeds what was read (3), a ``markup`` failure each, exit 3."""
    server = mirror_factory("themes")
    changed = {}
    for post in themes.posts():
        if post.markup in COUNTED_BY_STRUCTURE:
            server.set_page(f"/{post.slug}/", themes.page(_one_comment_missing(post)))
            changed[post.url] = post
    db = tmp_path / "archive.db"
    result = crawl("ddn", server.base_url, db)
    assert result.returncode == 3, result.stdout + result.stderr
    failures = rows(db, "select url, reason from failures where kind = 'markup'")
    for url in changed:
        assert {"url": url, "reason": "the page shows 4 comments but 3 were read"} in failures
        stored = rows(db, "select comment_count, (select count(*) from comments c where c.post_id = posts.id) n "
                          "from posts where url = ?", (url,))
        assert stored == [{"comment_count": 4, "n": 3}]


def _read(html: str) -> list[dict]:
    """What the crawl would store for one page's comments, in process."""
    extract = extract_post_page(html.encode("utf-8"), "utf-8", DDN)
    out = []
    for c in extract.comments:
        time = normalise_time(c.posted_raw, c.posted_machine, formats=DDN.date_formats, title=c.posted_title)
        out.append({"wp_id": c.wp_id, "parent_wp_id": c.parent_wp_id, "depth": c.depth, "position": c.order,
                    "author": c.author, "author_url": c.author_url, "posted_raw": c.posted_raw,
                    "posted_at": time.utc, "posted_source": time.source,
                    "body_text": clean_comment_html(c.body_html).text, "class_depth": c.class_depth})
    return out


def _expected(post: themes.ThemePost) -> list[dict]:
    markup = themes.MARKUPS[post.markup]
    return [{**{k: v for k, v in themes.expected_comment(post, markup, c, d, p, n).items() if k != "url"},
             "class_depth": _class_depth(markup.name, d)}
            for n, (c, d, p) in enumerate(walk(post.threads), start=1)]


def _class_depth(markup: str, depth: int) -> int | None:
    return None if markup in ("unknown-no-anchors", "unknown-plain") else depth


@pytest.mark.parametrize("name", [m for m in themes.MARKUPS if themes.MARKUPS[m].known])
def test_reader_in_process(name: str) -> None:
    post = next(p for p in themes.posts() if p.markup == name)
    assert _read(themes.page(post)) == _expected(post)


# -- property: any thread, through every markup, reads back exactly ----------------------------------

_WORDS = st.text("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ", min_size=1, max_size=9)
_NAMES = st.lists(_WORDS, min_size=1, max_size=3).map(" ".join)
_SENTENCE = st.lists(st.one_of(_WORDS, st.sampled_from(["&", "–", "it’s", "5", "“quoted”"])), min_size=1,
                     max_size=12).map(lambda ws: "Re: " + " ".join(ws) + ".")
_MINUTE = st.integers(min_value=0, max_value=14 * 365 * 24 * 60)


@st.composite
def threads(draw) -> list[Comment]:
    """A random thread: up to 9 comments, each replying to an earlier one (depth ≤ 5) or not."""
    count = draw(st.integers(min_value=1, max_value=9))
    start = datetime(2010, 1, 1)
    made: list[tuple[Comment, int]] = []
    roots: list[Comment] = []
    for n in range(count):
        local = (start + timedelta(minutes=draw(_MINUTE))).strftime("%Y-%m-%d %H:%M")
        local = local if not _repeated_hour(local) else local.replace(" 01:", " 03:")
        comment = Comment(70000 + n, draw(_NAMES), local, utc_of(local),
                          draw(st.lists(_SENTENCE, min_size=1, max_size=2)),
                          url=draw(st.one_of(st.none(), st.just(f"https://site{n}.example.org/"))))
        parents = [(c, d) for c, d in made if d < 5]
        parent = draw(st.one_of(st.none(), st.sampled_from(parents))) if parents else None
        if parent is None:
            roots.append(comment)
            made.append((comment, 1))
        else:
            parent[0].children.append(comment)
            made.append((comment, parent[1] + 1))
    return roots


def _repeated_hour(local: str) -> bool:
    """Local text can't tell the two 01:xx of an autumn changeover apart; keep clear of it."""
    from wp import is_ambiguous

    return is_ambiguous(local)


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(threads())
def test_any_thread_reads_back_through_every_markup(thread: list[Comment]) -> None:
    for name, markup in themes.MARKUPS.items():
        if not markup.known:
            continue
        post = themes.ThemePost(f"p-{name}", 90000, name, thread)
        want = _expected(post)
        if markup.source is None:  # relative dates only: no time can be read back, by design
            want = [{**w, "posted_at": None} for w in want]
        assert _read(themes.page(post)) == want, name


def test_every_stored_vocabulary_value_is_known(crawled) -> None:
    from vocabulary import unknown_values

    assert unknown_values(crawled[0]) == {}
