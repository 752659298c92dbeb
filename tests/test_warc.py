"""``sector-archive export --warc``: every stored capture read back with warcio, bytes and digest."""

from __future__ import annotations

import gzip
import hashlib
import sqlite3
import zlib
from pathlib import Path

import pytest
from click.testing import CliRunner
from warcio.archiveiterator import ArchiveIterator

from archive.cli import cli
from archivedb.schema import open_db
from archivedb.store import save_captures
from archive.warc_export import payload_digest, record_id
from publish_fixtures import build_archive

PAGE = "https://www.drinkanddrugsnews.com/the-big-conversation/"
CAPTURES = [
    # crawl 2: a page fetched through a mirror, a 404, a binary body
    [{"site": "ddn", "url": PAGE, "fetched_url": "http://127.0.0.1:8000/the-big-conversation/", "status": 200,
      "headers": {"Content-Type": "text/html; charset=UTF-8", "Content-Encoding": "gzip", "ETag": '"v1"'},
      "fetched_at": "2024-01-10T03:10:00Z", "body": "<html><p>Peer support — £5</p></html>".encode()},
     {"site": "ddn", "url": "https://www.drinkanddrugsnews.com/gone/", "fetched_url": "https://www.drinkanddrugsnews.com/gone/",
      "status": 404, "headers": {"Content-Type": "text/html"}, "fetched_at": "2024-01-10T03:11:00Z", "body": b"Not found"},
     {"site": "ddn", "url": "https://www.drinkanddrugsnews.com/logo.bin", "fetched_url": "https://www.drinkanddrugsnews.com/logo.bin",
      "status": 200, "headers": {"Content-Type": "application/octet-stream"}, "fetched_at": "2024-01-10T03:12:00Z",
      "body": bytes(range(256)) * 4}],
    # crawl 3: the same page unchanged (stored once: same_as), then changed
    [{"site": "ddn", "url": PAGE, "fetched_url": PAGE, "status": 200, "headers": {"Content-Type": "text/html; charset=UTF-8"},
      "fetched_at": "2024-02-10T03:10:00Z", "body": "<html><p>Peer support — £5</p></html>".encode()}],
    [{"site": "ddn", "url": PAGE, "fetched_url": PAGE, "status": 200, "headers": {"Content-Type": "text/html; charset=UTF-8"},
      "fetched_at": "2024-02-11T03:10:00Z", "body": b"<html><p>Edited</p></html>"}],
]


@pytest.fixture(scope="module")
def archive(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = build_archive(tmp_path_factory.mktemp("warc") / "archive.db")
    db = open_db(str(path))
    db.execute("delete from captures")  # only what the crawler's own store writes
    for crawl_id, batch in zip((2, 3, 3), CAPTURES):
        save_captures(db, batch, crawl_id)
    db.conn.commit()
    db.close()
    return path


@pytest.fixture(scope="module")
def warc(archive: Path) -> Path:
    out = archive.parent / "captures.warc.gz"
    result = CliRunner().invoke(cli, ["export", "--db", str(archive), "--warc", str(out)])
    assert result.exit_code == 0, result.output
    assert result.stderr == f"Exported 5 captures as WARC to {out}\n"
    return out


def stored_captures(archive: Path) -> list[dict]:
    with sqlite3.connect(archive) as conn:
        conn.row_factory = sqlite3.Row
        return [dict(r) for r in conn.execute("select * from captures order by id")]


def body_of(capture: dict, captures: list[dict]) -> bytes:
    holder = next(c for c in captures if c["id"] == (capture["same_as"] or capture["id"]))
    return zlib.decompress(holder["body"]) if holder["body_encoding"] == "zlib" else holder["body"]


def test_every_capture_reads_back_with_its_bytes_and_digest(archive: Path, warc: Path) -> None:
    captures = stored_captures(archive)
    assert len(captures) == 5 and sum(c["same_as"] is not None for c in captures) == 1
    with warc.open("rb") as f:
        records = list(ArchiveIterator(f))
    assert records[0].rec_type == "warcinfo"
    by_id = {r.rec_headers.get_header("WARC-Record-ID"): r for r in records[1:]}
    assert list(by_id) == [record_id(c["id"]) for c in captures]
    with warc.open("rb") as f:
        bodies = {r.rec_headers.get_header("WARC-Record-ID"): r.content_stream().read()
                  for r in ArchiveIterator(f) if r.rec_type == "response"}
    for capture in captures:
        record = by_id[record_id(capture["id"])]
        body = body_of(capture, captures)
        assert hashlib.sha256(body).hexdigest() == capture["content_hash"]
        assert record.rec_headers.get_header("WARC-Target-URI") == capture["url"]
        assert record.rec_headers.get_header("WARC-Date") == capture["fetched_at"]
        assert record.rec_headers.get_header("WARC-Payload-Digest") == payload_digest(body)
        assert record.http_headers.get_statuscode() == str(capture["status"])
        if capture["same_as"] is None:
            assert record.rec_type == "response"
            assert bodies[record_id(capture["id"])] == body
        else:
            holder = next(c for c in captures if c["id"] == capture["same_as"])
            assert record.rec_type == "revisit"
            assert record.rec_headers.get_header("WARC-Refers-To") == record_id(holder["id"])
            assert record.rec_headers.get_header("WARC-Refers-To-Target-URI") == holder["url"]
            assert record.rec_headers.get_header("WARC-Refers-To-Date") == holder["fetched_at"]


def test_warcio_checks_every_digest(warc: Path) -> None:
    """warcio recomputes each record's block and payload digests as it reads."""
    with warc.open("rb") as f:
        iterator = ArchiveIterator(f, check_digests=True)
        for record in iterator:
            record.content_stream().read()
    assert iterator.err_count == 0


def test_original_headers_are_kept_and_the_decoded_body_described(archive: Path, warc: Path) -> None:
    with warc.open("rb") as f:
        record = next(r for r in ArchiveIterator(f) if r.rec_headers.get_header("X-Archive-Fetched-URL"))
        body = record.content_stream().read()
    headers = record.http_headers
    assert headers.protocol == "HTTP/1.1" and headers.get_statuscode() == "200"
    assert headers.get_header("Content-Type") == "text/html; charset=UTF-8"
    assert headers.get_header("ETag") == '"v1"'
    assert headers.get_header("Content-Encoding") is None  # the stored body is decoded: replay must not gunzip it
    assert headers.get_header("X-Archive-Orig-Content-Encoding") == "gzip"
    assert headers.get_header("Content-Length") == str(len(body))
    assert record.rec_headers.get_header("X-Archive-Fetched-URL") == "http://127.0.0.1:8000/the-big-conversation/"
    with warc.open("rb") as f:
        assert gzip.decompress(f.read()).startswith(b"WARC/1.0\r\n")


def test_a_warc_export_onto_the_archive_is_refused(archive: Path) -> None:
    result = CliRunner().invoke(cli, ["export", "--db", str(archive), "--warc", str(archive)])
    assert result.exit_code == 2 and result.stderr.startswith("error: output")
