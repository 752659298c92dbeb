"""What visitors see in Datasette, through its in-process client: pages, search, canned queries,
the post page, hostile content made inert, and every write refused."""

from __future__ import annotations

import asyncio
import sqlite3
from pathlib import Path
from typing import Any

import lxml.html
import pytest
from click.testing import CliRunner

from archive.cli import cli
from publishing.app import ArchiveUnavailable, build_datasette
from publish_fixtures import build_archive


@pytest.fixture(scope="module")
def archive_path(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return build_archive(tmp_path_factory.mktemp("publish") / "archive.db")


@pytest.fixture(scope="module")
def ds(archive_path: Path) -> Any:
    return build_datasette(archive_path)


def get(ds: Any, path: str) -> Any:
    return asyncio.run(ds.client.get(path))


def rows(ds: Any, path: str) -> list[dict[str, Any]]:
    sep = "&" if "?" in path else "?"
    response = get(ds, f"{path}{sep}_shape=objects")
    assert response.status_code == 200, response.text
    return response.json()["rows"]


def ids(ds: Any, path: str, key: str = "id") -> list[Any]:
    return [r[key] for r in rows(ds, path)]


POST_123 = "/archive/posts/ddn~3Apost~3A123"
POST_124 = "/archive/posts/ddn~3Apost~3A124"


@pytest.mark.parametrize("path", [
    "/", "/archive", "/archive/posts", "/archive/comments", "/archive/crawls", "/archive/failures",
    "/archive/post_versions", "/archive/comment_versions", "/archive/captures", POST_123, POST_124,
    "/archive/comments/ddn~3Acomment~3A201", "/-/dashboard", "/archive/search?q=naloxone",
    "/archive/thread?post_id=ddn:post:123", "/archive/most_discussed", "/archive/comments_per_month",
    "/archive/posts_per_month", "/archive/commenter?author=Alice+Example",
    "/archive/mentions?phrase=peer+support", "/archive/search", "/archive/mentions",
    "/archive-static/archive.css",
])
def test_page_returns_200(ds: Any, path: str) -> None:
    assert get(ds, path).status_code == 200


def test_index_shows_title_description_source_and_licence(ds: Any) -> None:
    html = get(ds, "/").text
    assert "<title>Sector Archive: archive</title>" in html
    assert "Drink and Drugs News" in html
    assert "Collective Voice and DDN (Drink and Drugs News) websites" in html
    assert "archived for research and preservation, not for republication" in html


def test_database_is_named_archive_whatever_the_file_name(tmp_path: Path) -> None:
    snapshot = build_archive(tmp_path / "snapshot-2024.db")
    named = build_datasette(snapshot)
    assert [n for n in named.databases if n != "_internal"] == ["archive"]
    assert ids(named, "/archive/posts.json?_sort=id&_col=id") == [
        "collectivevoice:post:101", "collectivevoice:post:102", "ddn:post:123", "ddn:post:124",
        "ddn:post:125"]


def test_posts_and_comments_default_to_newest_first(ds: Any) -> None:
    assert ids(ds, "/archive/posts.json") == [
        "ddn:post:125", "ddn:post:124", "ddn:post:123", "collectivevoice:post:102",
        "collectivevoice:post:101"]
    assert ids(ds, "/archive/comments.json")[:3] == [
        "ddn:comment:301", "ddn:comment:205", "ddn:comment:206"]


def test_posts_facet_by_site_category_and_year(ds: Any) -> None:
    facets = get(ds, "/archive/posts.json").json()["facet_results"]
    counts = {name: {r["value"]: r["count"] for r in f["results"]} for name, f in facets.items()}
    assert counts["site"] == {"ddn": 3, "collectivevoice": 2}
    assert counts["categories"] == {"News": 3, "Blog": 1, "Commissioning": 1, "Harm reduction": 1,
                                    "Opinion": 1}
    assert counts["published"] == {"2023": 3, "2022": 1, "2021": 1}
    year_2023 = next(r for r in facets["published"]["results"] if r["value"] == "2023")
    assert "published__startswith=2023" in year_2023["toggle_url"]


def test_choosing_a_year_filters_to_that_year(ds: Any) -> None:
    assert sorted(ids(ds, "/archive/posts.json?published__startswith=2023")) == [
        "ddn:post:123", "ddn:post:124", "ddn:post:125"]


def test_table_search_finds_a_post_by_a_phrase_in_its_body(ds: Any) -> None:
    assert ids(ds, '/archive/posts.json?_search="commissioning+cliff+edge"') == [
        "collectivevoice:post:101"]


def test_table_search_finds_a_comment_by_its_text(ds: Any) -> None:
    assert ids(ds, "/archive/comments.json?_search=naloxone+hostel") == ["ddn:comment:202"]


def test_search_page_finds_posts_and_comments_together(ds: Any) -> None:
    found = {(r["kind"], r["post_id"], r["comment_id"])
             for r in rows(ds, "/archive/search.json?q=peer+support")}
    assert found == {("post", "ddn:post:123", None), ("comment", "ddn:post:123", "ddn:comment:201")}


def test_search_page_links_results_to_their_rows(ds: Any) -> None:
    html = get(ds, "/archive/search?q=hostel").text
    assert '<a href="/archive/comments/ddn~3Acomment~3A202">ddn:comment:202</a>' in html
    assert '<a href="/archive/posts/ddn~3Apost~3A123">ddn:post:123</a>' in html


@pytest.mark.parametrize("query", ['"unbalanced', "NOT(", "a:b*", ""])
def test_search_page_survives_fts_syntax(ds: Any, query: str) -> None:
    assert get(ds, f"/archive/search.json?q={query}").status_code == 200


def test_thread_query_returns_comments_in_thread_order_with_depths(ds: Any) -> None:
    thread = [(r["comment_id"], r["depth"], r["parent_id"])
              for r in rows(ds, "/archive/thread.json?post_id=ddn:post:123")]
    assert thread == [
        ("ddn:comment:201", 1, None), ("ddn:comment:202", 2, "ddn:comment:201"),
        ("ddn:comment:203", 3, "ddn:comment:202"), ("ddn:comment:204", 1, None),
        ("ddn:comment:206", 2, "ddn:comment:204"), ("ddn:comment:205", 1, None)]


def test_most_discussed_counts_comments_not_pingbacks(ds: Any) -> None:
    top = rows(ds, "/archive/most_discussed.json")[:2]
    assert [(r["post_id"], r["comments"], r["comment_count_shown"]) for r in top] == [
        ("ddn:post:123", 5, 6), ("ddn:post:124", 1, 1)]


def test_comments_per_month_per_site(ds: Any) -> None:
    assert [(r["month"], r["site"], r["comments"]) for r in rows(ds, "/archive/comments_per_month.json")] == [
        ("2021-06", "collectivevoice", 1), ("2023-11", "ddn", 5), ("2023-12", "ddn", 1)]


def test_commenter_history_is_newest_first_and_case_insensitive(ds: Any) -> None:
    assert ids(ds, "/archive/commenter.json?author=alice+example", "comment_id") == [
        "ddn:comment:203", "ddn:comment:201"]


def test_mentions_matches_words_in_order(ds: Any) -> None:
    assert ids(ds, "/archive/mentions.json?phrase=peer+support", "post_id") == ["ddn:post:123"]
    assert ids(ds, "/archive/mentions.json?phrase=support+peer", "post_id") == []


def _doc(ds: Any, path: str) -> Any:
    response = get(ds, path)
    assert response.status_code == 200
    return lxml.html.fromstring(response.text)


def test_post_page_shows_article_metadata_and_provenance(ds: Any) -> None:
    doc = _doc(ds, POST_123)
    article = doc.cssselect("article.archive-post")[0]
    assert article.cssselect("h1")[0].text_content() == "The big conversation"
    assert article.cssselect(".archive-body")[0].text_content() == (
        "Peer support keeps people alive.Read the report.")
    provenance = {dt.text_content(): dt.getnext().text_content().strip()
                  for dt in doc.cssselect(".archive-provenance dt")}
    assert provenance["Fetched"] == (
        "2024-01-10T03:10:00Z from https://www.drinkanddrugsnews.com/the-big-conversation/ (HTTP 200)")
    assert provenance["First seen"] == "2024-01-10T03:10:00Z"
    assert provenance["Last changed"] == "2024-02-10T03:10:00Z"
    assert provenance["Versions"].startswith("this is version 2; 1 earlier version kept:")
    assert [a.get("href") for a in doc.cssselect(".archive-versions a")] == [
        "/archive/post_versions/1", "/-/diff/post/1"]


def test_post_page_shows_whole_thread_indented_by_depth(ds: Any) -> None:
    comments = _doc(ds, POST_123).cssselect("article.archive-comment")
    assert [(c.get("data-comment-id"), c.get("data-depth"), c.get("style")) for c in comments] == [
        ("ddn:comment:201", "1", "margin-left: 0em"), ("ddn:comment:202", "2", "margin-left: 2em"),
        ("ddn:comment:203", "3", "margin-left: 4em"), ("ddn:comment:204", "1", "margin-left: 0em"),
        ("ddn:comment:206", "2", "margin-left: 2em"), ("ddn:comment:205", "1", "margin-left: 0em")]
    links = [c.cssselect("a.archive-row-link")[0].get("href") for c in comments]
    assert links[0] == "/archive/comments/ddn~3Acomment~3A201"
    assert "removed from the live site 2024-02-10T03:10:00Z" in comments[3].text_content()
    assert "pingback" in comments[5].cssselect(".archive-head")[0].text_content()


def test_comment_times_show_london_and_utc(ds: Any) -> None:
    comment = _doc(ds, "/archive/posts/collectivevoice~3Apost~3A101").cssselect("article.archive-comment")[0]
    time = comment.cssselect("time")[0]
    assert (time.get("datetime"), time.text_content()) == ("2021-06-20T23:19:00Z", "Mon 21 Jun 2021, 00:19 BST")
    assert comment.cssselect(".archive-utc")[0].text_content() == "(2021-06-20 23:19 UTC)"
    assert comment.cssselect(".archive-author")[0].text_content() == "Summer Reader"


def test_post_page_fetches_nothing_from_the_live_site(ds: Any) -> None:
    response = get(ds, "/archive/posts/collectivevoice~3Apost~3A101")
    doc = lxml.html.fromstring(response.text)
    assert doc.cssselect("img, iframe, video, audio, source, object, embed") == []
    external = [e.get("src") or e.get("href") for e in doc.cssselect("script[src], link[href]")
                if not (e.get("src") or e.get("href")).startswith(("/", "http://localhost/"))]
    assert external == []
    assert "default-src 'self'" in response.headers["content-security-policy"]
    # relative links in the article point to the live site, not to the archive server
    assert [a.get("href") for a in doc.cssselect(".archive-body a")] == [
        "https://www.collectivevoice.org.uk/news/going-local/"]


@pytest.mark.parametrize("path", [POST_124, "/archive/posts", "/archive/comments",
                                  "/archive/comments/ddn~3Acomment~3A301", "/archive/search?q=hostile"])
def test_hostile_markup_is_inert(ds: Any, path: str) -> None:
    doc = _doc(ds, path)
    assert [s.text for s in doc.iter("script") if "__pwned" in (s.text or "")] == []
    for element in doc.iter():
        for name, value in element.attrib.items():
            assert not name.lower().startswith("on") or "__pwned" not in value, (name, value)
            assert not value.strip().lower().startswith("javascript:"), (name, value)


def test_hostile_post_keeps_its_text_but_loses_its_weapons(ds: Any) -> None:
    doc = _doc(ds, POST_124)
    body = doc.cssselect(".archive-body")[0]
    assert lxml.html.tostring(body, encoding="unicode", with_tail=False) == (
        '<div class="archive-body"><p>Hostile post body.</p>'
        '<p><a rel="noopener noreferrer nofollow">click me</a></p></div>')
    comment = doc.cssselect("article.archive-comment")[0]
    assert comment.cssselect(".archive-comment-body")[0].text_content() == "Hostile comment text.evil"
    assert comment.cssselect(".archive-author a") == []  # javascript: author link dropped


def test_dashboard_charts_posts_and_comments_per_month(ds: Any) -> None:
    doc = _doc(ds, "/-/dashboard")
    charts = {s.get("id"): s for s in doc.cssselect("section.archive-chart")}
    assert list(charts) == ["posts_per_month", "comments_per_month", "changes_per_month", "failures_per_crawl"]
    bars = [(b.get("data-month"), b.get("data-site"), b.get("data-count"))
            for b in charts["comments_per_month"].cssselect("rect.bar")]
    assert bars == [("2021-06", "collectivevoice", "1"), ("2023-11", "ddn", "5"), ("2023-12", "ddn", "1")]
    post_bars = charts["posts_per_month"].cssselect("rect.bar")
    assert sum(int(b.get("data-count")) for b in post_bars) == 5


def test_http_writes_are_refused(ds: Any, archive_path: Path) -> None:
    for path in ["/archive/posts", "/archive/thread", "/archive", "/-/dashboard"]:
        assert asyncio.run(ds.client.post(path, data={"sql": "delete from posts"})).status_code == 405
    response = get(ds, "/archive.json?sql=delete+from+posts")
    assert response.status_code == 400
    assert "Statement must be a SELECT" in response.text
    assert get(ds, "/archive.json?sql=drop+table+comments").status_code == 400
    assert _count(archive_path, "posts") == 5 and _count(archive_path, "comments") == 8


def test_even_datasette_itself_cannot_write(ds: Any, archive_path: Path) -> None:
    db = ds.get_database("archive")
    with pytest.raises(sqlite3.OperationalError, match="readonly"):
        asyncio.run(db.execute_write("delete from posts"))
    assert _count(archive_path, "posts") == 5


def test_immutable_snapshot_mode_serves_the_same_pages(archive_path: Path) -> None:
    snapshot = build_datasette(archive_path, immutable=True)
    assert snapshot.get_database("archive").is_mutable is False
    assert ids(snapshot, "/archive/thread.json?post_id=ddn:post:123", "comment_id")[:2] == [
        "ddn:comment:201", "ddn:comment:202"]


def _count(path: Path, table: str) -> int:
    with sqlite3.connect(path) as conn:
        return conn.execute(f"select count(*) from {table}").fetchone()[0]


def test_build_refuses_a_missing_or_unreadable_database(tmp_path: Path) -> None:
    with pytest.raises(ArchiveUnavailable, match="not found"):
        build_datasette(tmp_path / "missing.db")


def test_serve_names_a_missing_database_and_exits_non_zero(tmp_path: Path) -> None:
    missing = tmp_path / "missing.db"
    result = CliRunner().invoke(cli, ["serve", "--db", str(missing)])
    assert result.exit_code == 2
    assert result.output == f"error: archive database not found: {missing}\n"


def test_serve_names_an_unreadable_database_and_exits_non_zero(tmp_path: Path) -> None:
    garbage = tmp_path / "garbage.db"
    garbage.write_bytes(b"this is not sqlite" * 100)
    result = CliRunner().invoke(cli, ["serve", "--db", str(garbage)])
    assert result.exit_code == 2
    assert result.output == f"error: {garbage} is not an archive database (not a SQLite file); refusing to touch it\n"


@pytest.mark.parametrize("table", ["posts", "comments"])
def test_table_pages_offer_full_text_search(ds: Any, table: str) -> None:
    form = _doc(ds, f"/archive/{table}").cssselect("form.filters input[name=_search]")
    assert len(form) == 1


def test_comments_facet_by_site_kind_status_and_year(ds: Any) -> None:
    facets = get(ds, "/archive/comments.json").json()["facet_results"]
    counts = {name: {r["value"]: r["count"] for r in f["results"]} for name, f in facets.items()}
    assert counts == {
        "site": {"ddn": 7, "collectivevoice": 1}, "kind": {"comment": 7, "pingback": 1},
        "status": {"present": 7, "removed": 1}, "posted_at": {"2023": 7, "2021": 1}}


def test_dashboard_shows_each_sites_reading_alarms(tmp_path: Path) -> None:
    import sqlite_utils

    path = build_archive(tmp_path / "archive.db")
    sqlite_utils.Database(path)["failures"].insert_all([
        {"crawl_id": 3, "site": "ddn", "url": f"https://www.drinkanddrugsnews.com/x/#comment-{n}", "kind": "markup",
         "status": None, "reason": "comment: no author found", "at": "2024-02-10T03:21:00Z"} for n in (1, 2)])
    doc = _doc(build_datasette(path), "/-/dashboard")
    alarms = {li.get("data-site"): li for li in doc.cssselect("#alarms li")}
    assert {site: li.get("data-markup") for site, li in alarms.items()} == {"collectivevoice": "0", "ddn": "2"}
    assert alarms["ddn"].cssselect("a")[0].get("href") == "/archive/failures?kind=markup&crawl_id=3"
