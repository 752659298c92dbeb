"""The reading room through Datasette's in-process client: compact tables, links, the search
page (paging, filters, prefix and phrase search, highlights), what changed, diffs, captures,
feeds, the dashboard and the query cache."""

from __future__ import annotations

import asyncio
import sqlite3
import zlib
from pathlib import Path
from typing import Any
from xml.etree import ElementTree

import lxml.html
import pytest

from publishing.snippets import WINDOW_CHARS
from publishing.app import build_datasette
from archivedb.schema import open_db
from publish_fixtures import HOSTILE_CAPTURE_HTML, build_archive

POST_123 = "/archive/posts/ddn~3Apost~3A123"
NAV = ["/archive/posts", "/archive/comments", "/-/search", "/-/changes", "/-/dashboard", "/archive/crawls"]


@pytest.fixture(scope="module")
def ds(tmp_path_factory: pytest.TempPathFactory) -> Any:
    return build_datasette(build_archive(tmp_path_factory.mktemp("reading") / "archive.db", hostile_captures=True))


def get(ds: Any, path: str) -> Any:
    return asyncio.run(ds.client.get(path))


def doc(ds: Any, path: str) -> Any:
    response = get(ds, path)
    assert response.status_code == 200, response.text[:500]
    return lxml.html.fromstring(response.text)


def header_columns(page: Any) -> list[str]:
    return [th.get("data-column") for th in page.cssselect("table.rows-and-columns thead th")]


# --- compact tables -------------------------------------------------------------------------


def test_posts_table_shows_reading_columns_first_and_hides_long_ones(ds: Any) -> None:
    page = doc(ds, "/archive/posts")
    assert header_columns(page) == ["id", "title", "site", "published", "author", "comments_captured",
                                    "categories", "status"]
    assert "body_html" not in get(ds, "/archive/posts").text.split("About these columns")[0]


def test_comments_table_reads_author_time_excerpt_post(ds: Any) -> None:
    page = doc(ds, "/archive/comments")
    assert header_columns(page)[:5] == ["id", "author", "posted_at", "body_text", "post_id"]
    first = page.cssselect("table.rows-and-columns tbody tr")[0]
    # the post column shows the post's title (posts' label column), linked to the post
    assert first.cssselect("td.col-post_id a")[0].text_content() == "Hostile markup test"
    assert first.cssselect("td.col-posted_at time")[0].text_content() == "Wed 6 Dec 2023, 10:00 GMT"


def test_a_long_comment_is_an_excerpt_in_the_table(tmp_path: Path) -> None:
    path = build_archive(tmp_path / "a.db")
    with sqlite3.connect(path) as conn:
        conn.execute("update comments set body_text = ? where id = 'ddn:comment:301'", ["word " * 400])
    cell = doc(build_datasette(path), "/archive/comments").cssselect("td.col-body_text")[0]
    assert cell.text_content().endswith("…") and len(cell.text_content()) <= 161


def test_asking_for_columns_shows_them(ds: Any) -> None:
    page = doc(ds, "/archive/posts?_col=body_text")
    assert header_columns(page) == ["id", "body_text"]
    everything = doc(ds, "/archive/posts").cssselect(".archive-columns-note a")[0].get("href")
    assert "_col=body_html" in everything and "_col=captured" not in everything
    assert "body_html" in header_columns(doc(ds, everything))


def test_json_keeps_every_column(ds: Any) -> None:
    row = get(ds, "/archive/posts.json?_shape=objects").json()["rows"][0]
    assert {"body_html", "body_text", "standfirst", "images"} <= set(row)


def test_column_descriptions_are_behind_one_toggle(ds: Any) -> None:
    page = doc(ds, "/archive/posts")
    assert page.cssselect("details.archive-about-columns summary")[0].text_content() == "About these columns"
    assert len(page.cssselect("details.archive-about-columns dl.column-descriptions dt")) >= 30
    assert page.cssselect("section.content > dl.column-descriptions") == []


def test_json_arrays_are_chips_that_filter(ds: Any) -> None:
    page = doc(ds, "/archive/posts")
    row = [tr for tr in page.cssselect("tbody tr") if "ddn:post:123" in tr.text_content()][0]
    chips = row.cssselect("td.col-categories a.archive-chip")
    assert [(a.text_content(), a.get("href")) for a in chips] == [
        ("News", "/archive/posts?categories__arraycontains=News"),
        ("Harm reduction", "/archive/posts?categories__arraycontains=Harm%20reduction")]
    assert [r["id"] for r in get(ds, "/archive/posts.json?_shape=objects&categories__arraycontains=Harm+reduction")
            .json()["rows"]] == ["ddn:post:123"]


def test_crawls_are_labelled_where_they_are_pointed_to(ds: Any) -> None:
    cell = doc(ds, "/archive/failures").cssselect("td.col-crawl_id")[0]
    assert cell.cssselect("a")[0].text_content() == "2024-02-10T03:00:00Z"


@pytest.mark.parametrize("path", ["/", "/archive", "/archive/posts", "/archive/comments", POST_123,
                                  "/archive/comments/ddn~3Acomment~3A202", "/-/search?q=peer", "/-/changes",
                                  "/-/dashboard", "/-/captures/1", "/-/diff/post/1", "/archive/crawls"])
def test_every_page_has_the_navigation_bar(ds: Any, path: str) -> None:
    assert [a.get("href") for a in doc(ds, path).cssselect("ul.archive-nav a")] == NAV


# --- everything links -----------------------------------------------------------------------


def test_comment_row_page_shows_the_thread_around_it(ds: Any) -> None:
    page = doc(ds, "/archive/comments/ddn~3Acomment~3A202")
    assert page.cssselect("a.archive-primary-link")[0].get("href") == POST_123 + "#comment-202"
    roles = [(a.get("data-comment-id"), a.get("class").split()[1]) for a in page.cssselect("article.archive-comment")]
    assert roles == [("ddn:comment:201", "archive-role-parent"), ("ddn:comment:202", "archive-role-this"),
                     ("ddn:comment:203", "archive-role-reply")]
    assert "Agreed, we need naloxone in hostels." in page.cssselect("details.archive-earlier")[0].text_content()


def test_post_page_anchors_comments_and_marks_edits(ds: Any) -> None:
    page = doc(ds, POST_123)
    ids = [a.get("id") for a in page.cssselect("article.archive-comment")]
    assert ids == ["comment-201", "comment-202", "comment-203", "comment-204", "comment-206", "comment-205"]
    edited = page.cssselect("#comment-202")[0]
    assert edited.cssselect(".archive-edited-badge")[0].text_content() == "edited"
    earlier = edited.cssselect("details.archive-earlier")[0]
    assert "Agreed, we need naloxone in hostels." in earlier.text_content()
    assert earlier.cssselect("a.archive-diff-link")[0].get("href") == "/-/diff/comment/2"
    assert page.cssselect("#comment-201 .archive-edited-badge") == []


def test_post_page_links_its_captures(ds: Any) -> None:
    links = [a.get("href") for a in doc(ds, "/archive/posts/ddn~3Apost~3A124").cssselect(".archive-captures a")]
    assert links == ["/-/captures/2", "/-/captures/3"]


# --- search ----------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def big(tmp_path_factory: pytest.TempPathFactory) -> Any:
    """45 comments and 3 posts about recovery on two sites across three years, plus noise and one
    post whose only mention of a word lies beyond the snippet window."""
    path = tmp_path_factory.mktemp("search") / "archive.db"
    db = open_db(str(path))
    posts = [{"id": f"{site}:post:{n}", "site": site, "wp_id": n, "title": f"Post {n} on recovery services",
              "published": f"20{20 + n % 3}-06-0{1 + n % 5}T10:00:00Z", "body_text": "Recovery matters here.",
              "body_html": "<p>Recovery matters here.</p>", "url": f"https://example.org/{n}/"}
             for n, site in ((1, "ddn"), (2, "ddn"), (3, "collectivevoice"))]
    posts.append({"id": "ddn:post:9", "site": "ddn", "wp_id": 9, "title": "A very long post",
                  "published": "2019-01-01T10:00:00Z", "url": "https://example.org/9/",
                  "body_text": "Opening words. " + "filler " * (WINDOW_CHARS // 7 + 10) + "zebracrossing at the end."})
    comments = []
    for k in range(45):
        site = "ddn" if k % 3 else "collectivevoice"
        post = 1 if site == "ddn" else 3
        word = ("recovery", "recoveries", "RECOVERY")[k % 3]
        comments.append({"id": f"{site}:comment:{100 + k}", "wp_id": 100 + k, "post_id": f"{site}:post:{post}",
                         "site": site, "kind": "comment", "author": f"Person {k}", "position": k,
                         "posted_at": f"20{20 + k % 3}-0{1 + k % 9}-1{k % 10}T12:00:00Z",
                         "body_text": f"Comment {k} about {word} and peer support.", "body_html": f"<p>{k}</p>"})
    comments.append({"id": "ddn:comment:900", "wp_id": 900, "post_id": "ddn:post:2", "site": "ddn",
                     "kind": "comment", "author": "Noise", "posted_at": "2021-01-01T12:00:00Z",
                     "body_text": "Support from peers, nothing else."})
    db["posts"].insert_all(posts)
    db["comments"].insert_all(comments)
    db.conn.commit()
    db.close()
    return build_datasette(path)


def search(ds: Any, query: str) -> dict[str, Any]:
    response = get(ds, "/-/search.json?" + query)
    assert response.status_code == 200, response.text
    return response.json()


def test_search_pages_through_every_hit_with_a_total(big: Any) -> None:
    first = search(big, "q=recovery")
    assert (first["total"], first["pages"], len(first["results"])) == (48, 3, 20)
    seen = [r["id"] for r in first["results"]]
    page = first
    while page["next_url"]:
        page = get(big, page["next_url"]).json()
        seen += [r["id"] for r in page["results"]]
    assert len(seen) == len(set(seen)) == 48
    assert page["page"] == 3 and len(page["results"]) == 8 and page["prev_url"].endswith("page=2")


def test_search_html_shows_total_pager_marks_and_uk_times(big: Any) -> None:
    page = doc(big, "/-/search?q=recovery&kind=comments&sort=oldest")
    assert page.cssselect(".archive-search-total strong")[0].text_content() == "45"
    assert page.cssselect("a[rel=next]")[0].get("href") == "/-/search?q=recovery&kind=comments&sort=oldest&page=2"
    first = page.cssselect("li.archive-result")[0]
    assert [m.text_content() for m in first.cssselect(".archive-snippet mark")] == ["recovery"]
    assert first.cssselect("time")[0].text_content() == "Fri 10 Jan 2020, 12:00 GMT"
    summer = doc(big, "/-/search?q=recovery&kind=comments&from=2022-06-15&to=2022-06-15")
    assert summer.cssselect("li.archive-result time")[0].text_content() == "Wed 15 Jun 2022, 13:00 BST"
    assert "as JSON" in page.cssselect(".archive-search-total")[0].text_content()


def test_search_filters_by_site_kind_and_dates(big: Any) -> None:
    ddn = search(big, "q=recovery&site=ddn")
    assert ddn["total"] == 32 and {r["site"] for r in ddn["results"]} == {"ddn"}
    posts = search(big, "q=recovery&kind=posts")
    assert sorted(r["id"] for r in posts["results"]) == ["collectivevoice:post:3", "ddn:post:1", "ddn:post:2"]
    dated = search(big, "q=recovery&kind=comments&from=2021-01-01&to=2021-12-31&sort=newest")
    ats = [r["at"] for r in dated["results"]]
    assert dated["total"] == 15 and all(a.startswith("2021") for a in ats) and ats == sorted(ats, reverse=True)


def test_search_sorts_by_date_across_posts_and_comments(big: Any) -> None:
    hits = search(big, "q=recovery&sort=oldest")["results"]
    ats = [r["at"] for r in hits]
    assert ats == sorted(ats) and {r["kind"] for r in hits} == {"comment", "post"}


def test_prefix_and_stemmed_search(big: Any) -> None:
    assert search(big, "q=recov*")["total"] == 48
    assert search(big, "q=recoveries&kind=comments")["total"] == 45  # the same stem as recovery
    assert search(big, "q=recov")["total"] == 0  # a whole word unless it ends with *


def test_phrase_search(big: Any) -> None:
    assert search(big, "q=%22peer+support%22")["total"] == 45
    assert search(big, "q=%22support+peer%22")["total"] == 0
    assert search(big, "q=support+peer")["total"] == 46  # both words, any order


def test_comment_hits_link_into_the_thread(big: Any) -> None:
    hit = search(big, "q=Noise")["results"][0]
    assert (hit["url"], hit["row_url"]) == ("/archive/posts/ddn~3Apost~3A2#comment-900",
                                            "/archive/comments/ddn~3Acomment~3A900")


def test_snippets_come_from_a_bounded_window(big: Any) -> None:
    hit = search(big, "q=zebracrossing")["results"][0]
    assert hit["id"] == "ddn:post:9"  # the index covers the whole body ...
    assert "<mark>" not in hit["snippet_html"]  # ... the snippet only its first 64 KB
    assert hit["snippet_html"].startswith("Opening words. filler") and len(hit["snippet_html"]) < 400
    canned = get(big, "/archive/search.json?q=zebracrossing&_shape=objects").json()["rows"]
    assert [r["post_id"] for r in canned] == ["ddn:post:9"] and "[" not in canned[0]["snippet"]


@pytest.mark.parametrize("query, message", [
    ("q=x&from=2020-13-01", "from must be a date"), ("q=x&kind=people", "kind must be one of"),
    ("q=x&sort=random", "sort must be one of"), ("q=x&page=0", "page must be a whole number")])
def test_bad_search_input_is_named(big: Any, query: str, message: str) -> None:
    response = get(big, "/-/search.json?" + query)
    assert response.status_code == 400 and message in response.json()["error"]
    assert get(big, "/-/search?" + query).status_code == 400


# --- what changed ------------------------------------------------------------------------------


def changes(ds: Any, query: str) -> dict[str, list[str]]:
    data = get(ds, "/-/changes.json?" + query).json()
    return {s["name"]: [r["id"] for r in s["rows"]] for s in data["sections"]}


def test_changes_of_one_crawl(ds: Any) -> None:
    assert changes(ds, "crawl=3") == {
        "new_posts": [], "edited_posts": ["ddn:post:123"], "gone_posts": ["ddn:post:124"],
        "new_comments": [], "edited_comments": ["ddn:comment:202", "ddn:comment:204"],
        "removed_comments": ["ddn:comment:204"]}
    assert changes(ds, "crawl=1")["new_posts"] == ["collectivevoice:post:101"]


def test_changes_default_to_the_latest_crawl_and_take_dates(ds: Any) -> None:
    assert changes(ds, "") == changes(ds, "crawl=3")
    january = changes(ds, "from=2024-01-01&to=2024-01-31&site=ddn")
    assert january["new_posts"] == ["ddn:post:123", "ddn:post:124", "ddn:post:125"]
    assert len(january["new_comments"]) == 7 and january["edited_posts"] == []


def test_changes_page_shows_diffs_and_links_into_threads(ds: Any) -> None:
    page = doc(ds, "/-/changes?crawl=3")
    edited = page.cssselect("#edited_posts li.archive-change")[0]
    assert edited.cssselect("a")[0].get("href") == POST_123
    assert [e.text_content() for e in edited.cssselect(".archive-diff ins")] == ["Read the report."]
    comment = page.cssselect("#edited_comments li.archive-change")[0]
    assert comment.cssselect("a")[0].get("href") == POST_123 + "#comment-202"
    diff = comment.cssselect(".archive-diff")[0]
    assert [e.text_content() for e in diff.cssselect("del")] == ["hostels."]
    assert [e.text_content() for e in diff.cssselect("ins")] == ["and", "every hostel."]
    removed = page.cssselect("#removed_comments li.archive-change a")[0].get("href")
    assert removed == POST_123 + "#comment-204"
    assert page.cssselect("#gone_posts li a")[0].get("href") == "/archive/posts/ddn~3Apost~3A124"


def test_bad_period_is_named(ds: Any) -> None:
    assert get(ds, "/-/changes.json?crawl=99").json() == {"error": "no crawl 99"}
    assert get(ds, "/-/changes?from=yesterday").status_code == 400


def test_diff_pages(ds: Any) -> None:
    post = doc(ds, "/-/diff/post/1")
    assert [e.text_content() for e in post.cssselect(".archive-diff ins")] == ["Read the report."]
    assert post.cssselect("a.archive-thread-link")[0].get("href") == POST_123
    assert get(ds, "/-/diff/comment/99").status_code == 404


def test_post_versions_are_described_as_earlier_versions(ds: Any) -> None:
    versions = doc(ds, POST_123).cssselect(".archive-versions")[0].text_content()
    assert "this is version 2; 1 earlier version kept" in versions and "superseded" not in versions
    description = doc(ds, "/archive/post_versions").cssselect(".metadata-description")[0].text_content()
    assert "Earlier versions of posts" in description and "never a row here" in description


# --- captures, feeds, dashboard ------------------------------------------------------------------


def test_capture_page_frames_the_page_in_a_sandbox_with_headers(ds: Any) -> None:
    page = doc(ds, "/-/captures/2")
    frame = page.cssselect("iframe.archive-capture-frame")[0]
    assert (frame.get("src"), frame.get("sandbox")) == ("/-/captures/2/page", "")
    headers = [(r[0].text_content(), r[1].text_content()) for r in
               (tr.cssselect("td") for tr in page.cssselect("table.archive-headers tbody tr"))]
    assert headers == [("Content-Type", "text/html; charset=UTF-8"), ("Server", "nginx"),
                       ("Set-Cookie", "a=1"), ("Set-Cookie", "b=2")]
    assert page.cssselect("dd a")[0].get("href") == "/archive/posts/ddn~3Apost~3A124"
    assert "frame-src 'self'" in get(ds, "/-/captures/2").headers["content-security-policy"]


def test_capture_body_is_decompressed_and_can_do_nothing(ds: Any) -> None:
    response = get(ds, "/-/captures/2/page")
    assert response.content == HOSTILE_CAPTURE_HTML.encode()
    assert response.headers["content-type"] == "text/html; charset=UTF-8"
    policy = response.headers["content-security-policy"]
    assert policy.startswith("sandbox;") and "default-src 'none'" in policy
    assert get(ds, "/-/captures/3/page").content == HOSTILE_CAPTURE_HTML.encode()  # same_as capture 2
    assert get(ds, "/-/captures/1/page").content == b"<html>\x00\xff raw</html>"
    assert get(ds, "/-/captures/42/page").status_code == 404
    assert zlib.compress(b"") and get(ds, "/-/captures/42").status_code == 404


ATOM = "{http://www.w3.org/2005/Atom}"


@pytest.mark.parametrize("path, site, count", [("/archive/new_posts.atom", None, 5),
                                                ("/archive/new_comments.atom?site=ddn", "ddn", 7)])
def test_atom_feeds(ds: Any, path: str, site: str | None, count: int) -> None:
    response = get(ds, path)
    assert response.headers["content-type"].startswith("application/atom+xml")
    feed = ElementTree.fromstring(response.content)
    entries = feed.findall(f"{ATOM}entry")
    assert len(entries) == count
    links = [e.find(f"{ATOM}link").get("href") for e in entries]
    assert all(link.startswith("http://localhost/archive/posts/") for link in links)
    if site:
        assert all("/ddn~3Apost" in link and "#comment-" in link for link in links)
    contents = " ".join(e.findtext(f"{ATOM}content") or "" for e in entries)
    assert "<script" not in contents and "javascript:" not in contents and "onerror" not in contents


def test_dashboard_charts_share_one_time_axis(ds: Any) -> None:
    page = doc(ds, "/-/dashboard")
    svgs = {s.get("id"): s.cssselect("svg")[0] for s in page.cssselect("section.archive-chart")}
    assert all(svg.get("viewbox") and svg.get("width") is None for svg in svgs.values())

    def x_of(chart: str, month: str) -> set[str]:
        return {r.get("x") for r in svgs[chart].cssselect(f"rect.bar[data-month='{month}']")}

    assert x_of("posts_per_month", "2023-11") == x_of("comments_per_month", "2023-11") != set()
    years = [t.text_content() for t in svgs["posts_per_month"].cssselect("text.x-tick-label")]
    assert years == ["2021", "2022", "2023", "2024"]
    assert len(svgs["comments_per_month"].cssselect("text.y-tick")) >= 3
    changes = {(r.get("data-month"), r.get("data-series"), r.get("data-count"))
               for r in svgs["changes_per_month"].cssselect("rect.bar")}
    assert changes == {("2024-02", "posts edited", "1"), ("2024-02", "posts gone", "1"),
                       ("2024-02", "comments edited", "2"), ("2024-02", "comments removed", "1")}
    failures = [(r.get("data-month"), r.get("data-count")) for r in svgs["failures_per_crawl"].cssselect("rect.bar")]
    assert failures == [("1", "1"), ("3", "1")]


def test_cached_results_are_dropped_when_the_archive_changes(tmp_path: Path) -> None:
    path = build_archive(tmp_path / "a.db")
    served = build_datasette(path)
    assert get(served, "/-/search.json?q=naloxone").json()["total"] == 1
    db = open_db(str(path))
    db["comments"].insert({"id": "ddn:comment:999", "post_id": "ddn:post:125", "site": "ddn", "wp_id": 999,
                           "body_text": "More naloxone please.", "posted_at": "2024-03-01T10:00:00Z"})
    db.conn.commit()
    db.close()
    assert get(served, "/-/search.json?q=naloxone").json()["total"] == 2
    assert get(served, "/archive/comments.json?_shape=objects&_size=1").json()["rows"][0]["id"] == "ddn:comment:999"


@pytest.mark.parametrize("path", [POST_123, "/archive/comments/ddn~3Acomment~3A201"])
def test_a_row_page_keeps_every_stored_field_folded_below(ds: Any, path: str) -> None:
    (raw,) = doc(ds, path).cssselect("details.archive-raw")
    assert raw.cssselect("summary")[0].text_content().startswith("All stored fields")
    assert raw.cssselect("table")  # Datasette's own table of the row's columns
