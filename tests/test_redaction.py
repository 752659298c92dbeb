"""Takedown requests through the CLI: ``redact`` withholds a comment, a commenter, a post or just a
name from every place the archive holds it (rows, versions, the full-text index, raw captures,
the database file's free pages and WAL), later crawls and reprocessing keep it withheld, and
``--undo`` lets the next crawl store it again while the site still shows it."""

from __future__ import annotations

import shutil
import sqlite3
import subprocess
import sys
import zlib
from collections.abc import Callable, Iterator
from contextlib import closing
from pathlib import Path

import pytest
from click.testing import CliRunner
from crawling import ROOT, crawl, rows
from mirror import SITES_DIR, MirrorServer

from archive.cli import cli

SITE = "collectivevoice"
ORIGIN = "https://www.collectivevoice.org.uk"
THREAD = f"{ORIGIN}/blog/in-for-the-long-haul-collective-voice-the-next-three-years/"
POST_ID = f"{SITE}:post:1042"
# Comment 1231 (a depth-3 reply) rewritten to say something only it says, by a name only it has.
SECRET_ID = f"{SITE}:comment:1231"
SECRET_NAME = "Quentin Zarathustra"
SECRET_TEXT = "My brother Xylophanes relapsed the week he left Wigan prison"
SECRET_WORD = b"Xylophanes"
REPLY_TO_SECRET = 1300  # a reply to 1231, added so a redaction is seen to keep its replies


def thread_page(server: MirrorServer) -> str:
    html = (server.root / THREAD.removeprefix(ORIGIN + "/") / "index.html").read_text(encoding="utf-8")
    old_text = "Will the roundtables include people in recovery, not just providers?"
    assert html.count(old_text) == 1 and html.count("Dave Marsh") == 1
    html = html.replace(old_text, SECRET_TEXT).replace("Dave Marsh", SECRET_NAME)
    end = html.index("</div><!-- #comment-##  -->", html.index('id="comment-1231"')) + len("</div><!-- #comment-##  -->")
    reply = (f'\n<ul class="children"><li class="comment odd depth-4" id="li-comment-{REPLY_TO_SECRET}">'
             f'<div id="comment-{REPLY_TO_SECRET}"><div class="comment-author vcard"><cite class="fn">Ada Brook</cite>'
             '</div><div class="comment-meta commentmetadata">'
             f'<a href="{THREAD}#comment-{REPLY_TO_SECRET}">14/07/2019 at 9:00 am</a></div>'
             '<div class="comment-body"><p>So sorry to hear that; the same happened to my son.</p></div></div>'
             '</li></ul>')
    return html[:end] + reply + html[end:]


@pytest.fixture(scope="module")
def server() -> Iterator[MirrorServer]:
    with MirrorServer(SITES_DIR / SITE) as mirror:
        mirror.set_page(THREAD, thread_page(mirror))
        yield mirror


@pytest.fixture(scope="module")
def crawled(server: MirrorServer, tmp_path_factory: pytest.TempPathFactory) -> Path:
    db = tmp_path_factory.mktemp("crawled") / "archive.db"
    result = crawl(SITE, server.base_url, db)
    assert result.returncode in (0, 3), result.stderr[-2000:]  # the saved site has two known faults
    assert rows(db, "select author from comments where id = ?", (SECRET_ID,))[0]["author"] == SECRET_NAME
    return db


@pytest.fixture
def db(crawled: Path, tmp_path: Path) -> Path:
    copy = tmp_path / "archive.db"
    for suffix in ("", "-wal"):
        if Path(f"{crawled}{suffix}").exists():
            shutil.copy(f"{crawled}{suffix}", f"{copy}{suffix}")
    return copy


def redact(db: Path, *args: str) -> tuple[int, str]:
    result = CliRunner().invoke(cli, ["redact", *args, "--db", str(db)])
    return result.exit_code, result.output


def file_bytes(db: Path) -> bytes:
    """Read by a child process: closing a file descriptor of the database in this process would drop
    the POSIX locks of any connection still open here (SQLite's documented hazard)."""
    code = "import sys; sys.stdout.buffer.write(b''.join(open(p, 'rb').read() for p in sys.argv[1:]))"
    paths = [f"{db}{s}" for s in ("", "-wal") if Path(f"{db}{s}").exists()]
    return subprocess.run([sys.executable, "-c", code, *paths], capture_output=True, check=True).stdout


def capture_texts(db: Path) -> list[str]:
    return [zlib.decompress(r["body"]).decode("utf-8", "replace")
            for r in rows(db, "select body from captures where body is not null")]


def comment(db: Path, cid: str) -> dict:
    return rows(db, "select * from comments where id = ?", (cid,))[0]


def assert_gone(db: Path, *secrets: str) -> None:
    """Not in the file's bytes (free pages and WAL included), not in any capture, not searchable."""
    raw = file_bytes(db)
    pages = "\n".join(capture_texts(db))
    for secret in secrets:
        for word in secret.split():
            if len(word) > 8:
                assert word.encode() not in raw, word
        assert secret.encode() not in raw
        assert secret not in pages
    with closing(sqlite3.connect(db)) as conn:
        assert conn.execute("select count(*) from comments_fts where comments_fts match 'Xylophanes'").fetchone()[0] == 0


def test_redacting_a_comment_withholds_it_everywhere_and_keeps_the_thread(db: Path) -> None:
    before = file_bytes(db)
    assert SECRET_WORD in before or any(SECRET_TEXT in t for t in capture_texts(db))
    code, out = redact(db, SECRET_ID, "--reason", "commenter's e-mail of 2026-03-01", "--requested-by", "the commenter")
    assert code == 0, out
    row = comment(db, SECRET_ID)
    assert (row["author"], row["author_url"], row["body_html"], row["body_text"]) == (None, None, None, None)
    assert row["redaction_id"] == 1 and row["post_id"] == POST_ID and row["depth"] == 3
    reply = comment(db, f"{SITE}:comment:{REPLY_TO_SECRET}")
    assert reply["parent_id"] == SECRET_ID and reply["author"] == "Ada Brook" and reply["body_text"]
    red = rows(db, "select * from redactions")[0]
    assert (red["kind"], red["target"], red["site"], red["reason"], red["requested_by"]) == (
        "comment", SECRET_ID, SITE, "commenter's e-mail of 2026-03-01", "the commenter")
    assert len(red["withheld_sha256"]) == 64 and red["rows_redacted"] == 1 and red["captures_scrubbed"] >= 1
    assert_gone(db, SECRET_TEXT, SECRET_NAME)
    page = next(t for t in capture_texts(db) if 'id="li-comment-1231"' in t)
    assert "[removed at the commenter's request]" in page and "the same happened to my son" in page
    with closing(sqlite3.connect(db)) as conn:
        conn.execute("VACUUM")
    assert_gone(db, SECRET_TEXT, SECRET_NAME)


def test_redacting_a_commenters_comments_on_a_site(db: Path) -> None:
    theirs = [r["id"] for r in rows(db, "select id from comments where author = 'Priya Shah'")]
    assert theirs
    code, out = redact(db, "--author", "Priya Shah", "--site", SITE, "--reason", "request")
    assert code == 0, out
    assert all(comment(db, c)["author"] is None and comment(db, c)["body_text"] is None for c in theirs)
    assert rows(db, "select target from redactions")[0]["target"] != "Priya Shah"  # a digest, not the name
    assert b"Priya Shah" not in file_bytes(db) and not any("Priya Shah" in t for t in capture_texts(db))


def test_withholding_only_a_name_keeps_the_text(db: Path) -> None:
    code, out = redact(db, SECRET_ID, "--field", "author", "--reason", "surname only")
    assert code == 0, out
    row = comment(db, SECRET_ID)
    assert row["author"] is None and row["body_text"] == SECRET_TEXT
    assert SECRET_NAME.encode() not in file_bytes(db) and not any(SECRET_NAME in t for t in capture_texts(db))
    assert any(SECRET_TEXT in t for t in capture_texts(db))


def test_redacting_a_post_withholds_it_and_its_thread(db: Path) -> None:
    title = rows(db, "select title from posts where id = ?", (POST_ID,))[0]["title"]
    code, out = redact(db, POST_ID, "--reason", "author's request")
    assert code == 0, out
    post = rows(db, "select * from posts where id = ?", (POST_ID,))[0]
    assert post["title"] is None and post["body_text"] is None and post["redaction_id"] == 1
    assert rows(db, "select count(*) n from comments where post_id = ? and body_text is not null", (POST_ID,))[0]["n"] == 0
    assert_gone(db, SECRET_TEXT, SECRET_NAME)
    assert not any(title in t for t in capture_texts(db))


@pytest.mark.parametrize("args, message", [
    ((SECRET_ID,), "--reason is required"),
    (("collectivevoice:comment:999999", "--reason", "x"), "no comment 'collectivevoice:comment:999999'"),
    (("--author", "Nobody Atall", "--site", SITE, "--reason", "x"), "no comments by 'Nobody Atall'"),
    (("--author", "X", "--reason", "x"), "--author needs --site"),
    (("nonsense", "--reason", "x"), "is not a comment or post id"),
    (("--undo", "7"), "no redaction 7"),
])
def test_bad_requests_are_one_line_errors(db: Path, args: tuple[str, ...], message: str) -> None:
    result = CliRunner().invoke(cli, ["redact", *args, "--db", str(db)])
    assert result.exit_code == 2 and message in result.output and len(result.output.strip().splitlines()) == 1
    assert rows(db, "select count(*) n from redactions")[0]["n"] == 0


LATER_TEXT = "Posting again: Zebediahsworth clinic closed its doors"


def with_a_later_comment_by_priya(server: MirrorServer) -> str:
    """The thread as the live site shows it after the redactions: still there, plus a new comment
    by the commenter whose comments were withheld."""
    html = thread_page(server)
    end = html.index("</ol>", html.index('class="commentlist"'))
    later = ('<li class="comment even thread-even depth-1" id="li-comment-1301"><div id="comment-1301">'
             '<div class="comment-author vcard"><cite class="fn">Priya Shah</cite></div>'
             f'<div class="comment-meta commentmetadata"><a href="{THREAD}#comment-1301">20/11/2025 at 9:40 am</a></div>'
             f'<div class="comment-body"><p>{LATER_TEXT}</p></div></div></li>\n')
    return html[:end] + later + html[end:]


def test_a_recrawl_and_reprocess_keep_comments_redacted_while_the_site_still_shows_them(
        db: Path, mirror_factory: Callable[..., MirrorServer]) -> None:
    assert redact(db, SECRET_ID, "--reason", "request")[0] == 0
    assert redact(db, "--author", "Priya Shah", "--site", SITE, "--reason", "request")[0] == 0
    counts = rows(db, "select count(*) n from comments")[0]["n"]
    live = mirror_factory(SITE)
    live.set_page(THREAD, with_a_later_comment_by_priya(live))
    again = crawl(SITE, live.base_url, db, "--full")
    assert again.returncode in (0, 3), again.stderr[-2000:]
    assert rows(db, "select count(*) n from comments")[0]["n"] == counts + 1
    assert comment(db, SECRET_ID)["body_text"] is None and comment(db, SECRET_ID)["redaction_id"] == 1
    later = comment(db, f"{SITE}:comment:1301")
    assert (later["author"], later["body_text"], later["redaction_id"]) == (None, None, 2)
    assert all(r["author"] is None for r in rows(db, "select author from comments where redaction_id = 2"))
    # The changed page was stored anew, scrubbed before it was written.
    new = rows(db, "select body, redaction_id from captures where crawl_id = 2 and url = ?", (THREAD,))
    assert len(new) == 1 and new[0]["body"] is not None and new[0]["redaction_id"] == 2
    assert_gone(db, SECRET_TEXT, SECRET_NAME, "Priya Shah", LATER_TEXT)
    reprocess = subprocess.run([sys.executable, "-m", "archive", "reprocess", "--db", str(db)],
                               capture_output=True, text=True, cwd=ROOT, timeout=120)
    assert reprocess.returncode in (0, 3), reprocess.stderr[-2000:]
    # A scrubbed page still reads as a thread: no markup alarm for the withheld comments.
    assert rows(db, "select reason from failures where crawl_id = 3 and kind = 'markup'") == []
    assert comment(db, SECRET_ID)["body_text"] is None and comment(db, SECRET_ID)["redaction_id"] == 1
    assert comment(db, f"{SITE}:comment:1301")["body_text"] is None
    assert_gone(db, SECRET_TEXT, SECRET_NAME, "Priya Shah", LATER_TEXT)


def test_undo_lets_the_next_crawl_store_it_again(db: Path, server: MirrorServer) -> None:
    assert redact(db, SECRET_ID, "--reason", "request")[0] == 0
    code, out = redact(db, "--undo", "1")
    assert code == 0, out
    assert rows(db, "select undone_at from redactions")[0]["undone_at"]
    assert comment(db, SECRET_ID)["redaction_id"] is None
    assert crawl(SITE, server.base_url, db, "--full").returncode in (0, 3)
    assert comment(db, SECRET_ID)["body_text"] == SECRET_TEXT
    assert redact(db, "--undo", "1")[0] == 2


def test_undo_is_refused_once_the_comment_has_left_the_live_site(db: Path) -> None:
    assert redact(db, SECRET_ID, "--reason", "request")[0] == 0
    with closing(sqlite3.connect(db)) as conn, conn:
        conn.execute("update comments set status = 'removed' where id = ?", [SECRET_ID])
    code, out = redact(db, "--undo", "1")
    assert code == 2 and "no longer on the live site" in out
    assert rows(db, "select undone_at from redactions")[0]["undone_at"] is None


def test_a_later_crawls_failures_do_not_quote_a_withheld_name(tmp_path: Path) -> None:
    """A crawl that still finds a withheld comment may have something to say about it (its page and
    feed disagree on the name): the failure is recorded, without the name."""
    from types import SimpleNamespace

    from scrapy.utils.test import get_crawler

    from pipelines.store import StorePipeline
    from reading.records import CommentItem, PostItem

    db, url = tmp_path / "archive.db", f"{ORIGIN}/blog/a-thread/"
    spider = SimpleNamespace(name=SITE, base_url=ORIGIN)
    disagreement = "comment 7: the page names its author 'Priya Shah' but the comment feed says 'P. Shah'"

    def store_once(problems: list[tuple[str, str, str]]) -> None:
        pipeline = StorePipeline.from_crawler(get_crawler(settings_dict={"ARCHIVE_DB": str(db)}))
        pipeline.open_spider(spider)
        comments = [CommentItem(wp_id=n, parent_wp_id=None, depth=1, position=n, author=name, author_url=None,
                                posted_raw="1 May 2025", posted_at="2025-05-01T10:00:00Z", body_text=text,
                                body_html=f"<p>{text}</p>")
                    for n, name, text in ((7, "Priya Shah", "My own story of relapse."),
                                          (8, "Ada Brook", "Priya Shah is right about the waiting lists."))]
        post = PostItem(site=SITE, url=url, fetched_from=url, wp_id=5, title="A thread", body_html="<p>x</p>",
                        comments=comments, fetched_at="2025-05-02T10:00:00Z", problems=problems)
        pipeline.flush([post])
        pipeline.finish_run(spider, "finished")

    store_once([])
    assert redact(db, "--author", "Priya Shah", "--site", SITE, "--reason", "request")[0] == 0
    other = (url, "markup", "comment 8: text begins with the author's name 'Ada Brook': the head was read as body")
    store_once([(url, "markup", disagreement), other])
    reasons = [r["reason"] for r in rows(db, "select reason from failures where crawl_id = 2 order by id")]
    assert reasons == ["comment 7: the page names its author [withheld] but the comment feed says [withheld]",
                       other[2]]
    assert comment(db, f"{SITE}:comment:7")["author"] is None
    assert b"Priya Shah" not in file_bytes(db).replace(b"Priya Shah is right", b"")
