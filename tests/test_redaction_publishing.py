"""What readers and analysts get after a takedown: the post and comment pages show where a comment
was removed (its replies keep their place), a withheld name reads "[name withheld]", search finds
neither, and no export format (CSV, JSON lines, Parquet, the data package, WARC) carries them.

The fixture is the publishing archive (``publish_fixtures``) plus a capture of the thread's page
and a failure that quotes a commenter's name, redacted through the real ``sector-archive redact``:
comment 201 whole (its reply 202 stays), and only the name of 202's writer."""

from __future__ import annotations

import asyncio
import gzip
import io
import json
import sqlite3
import zlib
from pathlib import Path
from typing import Any
from urllib.parse import quote

import lxml.html
import pyarrow.parquet as pq
import pytest
from click.testing import CliRunner
from publish_fixtures import build_archive

from archive.cli import cli
from archive.datapackage import PUBLIC
from archive.export_writers import FORMATS
from archivedb.withholding import NAME_WITHHELD, removed_note
from publishing.app import build_datasette

POST_123 = "/archive/posts/ddn~3Apost~3A123"
THREAD_URL = "https://www.drinkanddrugsnews.com/the-big-conversation/"
REMOVED = "ddn:comment:201"  # Alice Example: "Peer support saved my brother." (202 answers it)
NAMELESS = "ddn:comment:202"  # Bob Reply: "Agreed, and we need naloxone in every hostel."
SECRET_TEXT = "saved my brother"
SECRET_NAME = "Bob Reply"
KEPT_TEXT = "we need naloxone in every hostel"
THREAD_PAGE = f"""<!DOCTYPE html>
<html><head><meta charset="utf-8"><title>The big conversation</title></head><body>
<article><h1>The big conversation</h1><div class="entry-content"><p>Peer support keeps people alive.</p></div></article>
<div id="comments"><ol class="commentlist">
<li class="comment even depth-1" id="li-comment-201"><div id="comment-201">
<div class="comment-author vcard"><cite class="fn">Alice Example</cite></div>
<div class="comment-meta commentmetadata"><a href="{THREAD_URL}#comment-201">2 November 2023 at 6:30 pm</a></div>
<div class="comment-body"><p>Peer support saved my brother.</p></div></div>
<ul class="children"><li class="comment odd depth-2" id="li-comment-202"><div id="comment-202">
<div class="comment-author vcard"><cite class="fn">Bob Reply</cite></div>
<div class="comment-meta commentmetadata"><a href="{THREAD_URL}#comment-202">3 November 2023 at 8:05 am</a></div>
<div class="comment-body"><p>Agreed, and we need naloxone in every hostel.</p></div></div></li></ul></li>
</ol></div></body></html>
"""
# As pipelines.second_source words it when a page and a feed disagree on a commenter's name.
NAMING_FAILURE = "comment 202: the page names its author 'Bob Reply' but the comment feed says 'Bob R.'"


@pytest.fixture(scope="module")
def db_path(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = build_archive(tmp_path_factory.mktemp("redacted") / "archive.db")
    with sqlite3.connect(path) as conn:
        conn.execute("insert into captures (id, crawl_id, site, url, fetched_url, status, headers, fetched_at,"
                     " content_hash, body, body_encoding, length) values (10, 2, 'ddn', ?, ?, 200, ?,"
                     " '2024-01-10T03:10:00Z', 'cap-10', ?, 'zlib', ?)",
                     [THREAD_URL, THREAD_URL, json.dumps({"Content-Type": "text/html; charset=UTF-8"}),
                      zlib.compress(THREAD_PAGE.encode()), len(THREAD_PAGE.encode())])
        conn.execute("insert into failures (crawl_id, site, url, kind, reason, at) values"
                     " (2, 'ddn', ?, 'markup', ?, '2024-01-10T03:10:00Z')", [THREAD_URL, NAMING_FAILURE])
    conn.close()
    for args in ([REMOVED, "--reason", "commenter's e-mail"],
                 [NAMELESS, "--field", "author", "--reason", "surname only"]):
        result = CliRunner().invoke(cli, ["redact", *args, "--db", str(path)])
        assert result.exit_code == 0, result.output
    return path


@pytest.fixture(scope="module")
def ds(db_path: Path) -> Any:
    return build_datasette(db_path)


def redacted_on(db_path: Path, redaction_id: int) -> str:
    with sqlite3.connect(db_path) as conn:
        return conn.execute("select created_at from redactions where id = ?", [redaction_id]).fetchone()[0]


def page(ds: Any, path: str) -> Any:
    response = asyncio.run(ds.client.get(path))
    assert response.status_code == 200, response.text[:500]
    assert SECRET_TEXT not in response.text and SECRET_NAME not in response.text
    return lxml.html.fromstring(response.text)


def text_of(el: Any, selector: str) -> str:
    return " ".join(el.cssselect(selector)[0].text_content().split())


# --- the pages ------------------------------------------------------------------------------


def test_post_page_shows_where_the_comment_was_removed_and_keeps_its_replies(ds: Any, db_path: Path) -> None:
    doc = page(ds, POST_123)
    articles = doc.cssselect("article.archive-comment")
    assert [(a.get("id"), a.get("data-depth")) for a in articles][:3] == [
        ("comment-201", "1"), ("comment-202", "2"), ("comment-203", "3")]
    removed = doc.cssselect("#comment-201")[0]
    assert "archive-redacted" in removed.get("class")
    note = removed_note(redacted_on(db_path, 1))
    assert note.startswith("[removed on 20") and note.endswith(" at the commenter's request]")
    assert text_of(removed, ".archive-comment-body") == note
    assert text_of(removed, ".archive-author") == NAME_WITHHELD
    nameless = doc.cssselect("#comment-202")[0]
    assert text_of(nameless, ".archive-author") == NAME_WITHHELD
    assert KEPT_TEXT in text_of(nameless, ".archive-comment-body")
    assert nameless.cssselect("details.archive-earlier")  # its earlier text is still its own
    assert text_of(doc, "#comment-203 .archive-author") == "Alice Example"  # her other comment is not withheld


def test_comment_page_shows_the_removed_parent_and_the_withheld_name(ds: Any, db_path: Path) -> None:
    doc = page(ds, "/archive/comments/ddn~3Acomment~3A202")
    assert doc.cssselect("title")[0].text_content().startswith(f"Comment by {NAME_WITHHELD} on ")
    parent = doc.cssselect("article.archive-role-parent")[0]
    assert parent.get("data-comment-id") == REMOVED
    assert text_of(parent, ".archive-comment-body") == removed_note(redacted_on(db_path, 1))
    this = doc.cssselect("article.archive-role-this")[0]
    assert text_of(this, ".archive-author") == NAME_WITHHELD and KEPT_TEXT in text_of(this, ".archive-comment-body")


def test_the_removed_comments_own_page_keeps_its_replies(ds: Any, db_path: Path) -> None:
    doc = page(ds, "/archive/comments/ddn~3Acomment~3A201")
    assert text_of(doc, "article.archive-role-this .archive-comment-body") == removed_note(redacted_on(db_path, 1))
    assert [a.get("data-comment-id") for a in doc.cssselect("article.archive-role-reply")] == [NAMELESS]
    assert doc.cssselect("details.archive-earlier") == []


# --- search ---------------------------------------------------------------------------------


@pytest.mark.parametrize("words", ["brother", "saved", "Bob", '"Bob Reply"', "Alice brother"])
def test_search_never_finds_withheld_text_or_names(ds: Any, words: str) -> None:
    words = quote(words)
    found = asyncio.run(ds.client.get(f"/-/search.json?q={words}")).json()
    assert found["total"] == 0 and found["results"] == []
    rows = asyncio.run(ds.client.get(f"/archive/comments.json?_search={words}&_shape=array")).json()
    assert rows == []
    html = asyncio.run(ds.client.get(f"/-/search?q={words}")).text
    assert SECRET_TEXT not in html and "archive-result " not in html


def test_search_still_finds_the_text_whose_name_alone_was_withheld(ds: Any) -> None:
    found = asyncio.run(ds.client.get("/-/search.json?q=hostel&kind=comments")).json()
    hit = next(r for r in found["results"] if r["id"] == NAMELESS)
    assert hit["title"] == f"{NAME_WITHHELD} on The big conversation"


def test_the_full_text_index_holds_no_withheld_term(db_path: Path) -> None:
    with sqlite3.connect(db_path) as conn:
        for table, term in (("comments_fts", "brother"), ("comments_fts", '"Bob"'), ("comments_fts", "saved")):
            assert conn.execute(f"select count(*) from {table} where {table} match ?", [term]).fetchone()[0] == 0


# --- exports --------------------------------------------------------------------------------


def readable(data: bytes, fmt: str) -> str:
    """An export's content as text to search: Parquet's pages are compressed, so it is decoded."""
    if fmt == "parquet":
        return json.dumps(pq.read_table(io.BytesIO(data)).to_pylist(), default=str, ensure_ascii=False)
    return data.decode("utf-8", errors="replace")


def assert_withheld(data: bytes, fmt: str) -> None:
    text = readable(data, fmt)
    for secret in (SECRET_TEXT, SECRET_NAME):
        assert secret not in text and secret.encode() not in data


def export(db_path: Path, *args: str) -> None:
    result = CliRunner().invoke(cli, ["export", *args, "--db", str(db_path)])
    assert result.exit_code == 0, result.output


@pytest.mark.parametrize("fmt", FORMATS)
@pytest.mark.parametrize("name", [*PUBLIC, "redactions"])
def test_every_export_format_of_every_table_and_view_leaves_it_out(db_path: Path, tmp_path: Path,
                                                                   name: str, fmt: str) -> None:
    export(db_path, name, "-f", fmt, "-o", str(tmp_path / "out"))
    assert_withheld((tmp_path / "out").read_bytes(), fmt)


def test_exported_rows_keep_their_place_with_the_withheld_fields_blank(db_path: Path, tmp_path: Path) -> None:
    export(db_path, "comments", "-o", str(tmp_path / "comments.jsonl"))
    lines = (tmp_path / "comments.jsonl").read_text(encoding="utf-8").splitlines()
    rows = {r["id"]: r for r in map(json.loads, lines)}
    removed, nameless = rows[REMOVED], rows[NAMELESS]
    assert (removed["author"], removed["author_url"], removed["body_html"], removed["body_text"]) == (None,) * 4
    assert removed["post_id"] == "ddn:post:123" and removed["redaction_id"] == 1
    assert (nameless["author"], nameless["author_url"], nameless["parent_id"]) == (None, None, REMOVED)
    assert KEPT_TEXT in nameless["body_text"]


def test_a_failure_that_quoted_the_name_is_scrubbed(db_path: Path) -> None:
    with sqlite3.connect(db_path) as conn:
        reason = conn.execute("select reason from failures where kind = 'markup'").fetchone()[0]
    assert SECRET_NAME not in reason and reason.startswith("comment 202: the page names its author ")


def test_the_data_package_leaves_it_out(db_path: Path, tmp_path: Path) -> None:
    export(db_path, "--all", str(tmp_path / "package"))
    files = sorted((tmp_path / "package").iterdir())
    assert {f.name for f in files} >= {"datapackage.json", "comments.csv", "comments.parquet"}
    for f in files:
        assert_withheld(f.read_bytes(), "parquet" if f.suffix == ".parquet" else "text")


def test_the_warc_export_carries_the_scrubbed_page(db_path: Path, tmp_path: Path) -> None:
    export(db_path, "--warc", str(tmp_path / "captures.warc.gz"))
    data = gzip.decompress((tmp_path / "captures.warc.gz").read_bytes())
    assert THREAD_URL.encode() in data and b"[removed at the commenter's request]" in data
    assert KEPT_TEXT.encode() in data
    assert_withheld(data, "text")


def test_the_changes_page_names_a_withheld_name_as_withheld(ds: Any) -> None:
    response = asyncio.run(ds.client.get("/-/changes.json?crawl=2"))
    assert response.status_code == 200, response.text[:300]
    assert SECRET_NAME not in response.text
    titles = {item["id"]: item["title"] for section in response.json()["sections"] for item in section["rows"]}
    assert titles[NAMELESS] == f"{NAME_WITHHELD} on The big conversation"
