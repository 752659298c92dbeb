"""``sector-archive export --warc FILE.warc.gz``: the stored captures in the web-archive standard.

Each capture becomes a WARC ``response`` record: target URI the canonical live URL, ``WARC-Date``
the fetch time, the original status line and headers, and the body exactly as stored (decoded:
Scrapy undoes the transfer's gzip, so ``Content-Encoding`` and ``Transfer-Encoding`` are kept as
``X-Archive-Orig-*`` headers, as pywb does, and ``Content-Length`` is the body's). A capture whose
body the archive stored once for several fetches (``same_as``) becomes a ``revisit`` record
pointing at the first, the standard identical-payload form, so pywb and ReplayWeb.page replay it.
Record ids derive from the capture id, so two exports of the same archive name records alike.
"""

from __future__ import annotations

import hashlib
import json
import uuid
from base64 import b32encode
from http import HTTPStatus
from io import BytesIO
from pathlib import Path
from typing import Any, BinaryIO

from warcio.statusandheaders import StatusAndHeaders
from warcio.warcwriter import WARCWriter

from archivedb.captures import unpack_body
from archivedb.export_source import ExportError, snapshot

RECORD_NAMESPACE = uuid.UUID("6f1b3c1e-5a51-4d43-9a57-2d3e0b6c9a10")
DECODED_HEADERS = ("content-encoding", "transfer-encoding", "content-length")
CAPTURES_SQL = """
select c.id, c.url, c.fetched_url, c.status, c.headers, c.fetched_at, c.same_as,
       coalesce(c.body, h.body) as body, case when c.body is null then h.body_encoding else c.body_encoding end as encoding,
       h.url as holder_url, h.fetched_at as holder_fetched_at
from captures c left join captures h on h.id = c.same_as
order by c.id
"""


def write_warc(db_path: str | Path, out: BinaryIO, filename: str) -> int:
    """Write every capture to ``out`` (the file ``filename``) as gzipped WARC; return how many."""
    writer = WARCWriter(out, gzip=True)
    writer.write_record(writer.create_warcinfo_record(filename, {
        "software": "sector-archive export --warc",
        "format": "WARC File Format 1.0",
        "description": "Raw HTTP responses captured by the Sector Archive crawler",
    }))
    count = 0
    with snapshot(db_path) as conn:
        conn.row_factory = _dict_row
        for row in conn.execute(CAPTURES_SQL):
            writer.write_record(_record(writer, row))
            count += 1
    return count


def capture_body(row: dict[str, Any]) -> bytes:
    """A capture's body as fetched (stored zlib-compressed, or raw by an older crawler)."""
    if row["body"] is None:
        raise ExportError(f"capture {row['id']} has no body and no capture holding it")
    return unpack_body(row["body"], row["encoding"])


def payload_digest(body: bytes) -> str:
    """WARC's payload digest: base32 SHA-1, as warcio and pywb compute it."""
    return "sha1:" + b32encode(hashlib.sha1(body).digest()).decode("ascii")


def record_id(capture_id: int) -> str:
    return f"<urn:uuid:{uuid.uuid5(RECORD_NAMESPACE, str(capture_id))}>"


def _record(writer: WARCWriter, row: dict[str, Any]) -> Any:
    body = capture_body(row)
    headers = _http_headers(row, len(body))
    warc_headers = {"WARC-Record-ID": record_id(row["id"]), "WARC-Date": row["fetched_at"]}
    if row["fetched_url"] and row["fetched_url"] != row["url"]:
        warc_headers["X-Archive-Fetched-URL"] = row["fetched_url"]  # a mirror or a redirect's landing URL
    if row["same_as"] is not None:
        warc_headers["WARC-Refers-To"] = record_id(row["same_as"])
        return writer.create_revisit_record(row["url"], payload_digest(body), row["holder_url"],
                                            row["holder_fetched_at"], http_headers=headers,
                                            warc_headers_dict=warc_headers)
    return writer.create_warc_record(row["url"], "response", payload=BytesIO(body), length=len(body),
                                     http_headers=headers, warc_headers_dict=warc_headers)


def _http_headers(row: dict[str, Any], length: int) -> StatusAndHeaders:
    pairs: list[tuple[str, str]] = []
    for name, value in json.loads(row["headers"] or "{}").items():
        for v in value if isinstance(value, list) else [value]:
            lower = name.lower()
            pairs.append((f"X-Archive-Orig-{name}" if lower in DECODED_HEADERS else name, str(v)))
    pairs.append(("Content-Length", str(length)))
    status = row["status"] or 200
    phrase = HTTPStatus(status).phrase if status in HTTPStatus._value2member_map_ else ""
    return StatusAndHeaders(f"{status} {phrase}".strip(), pairs, protocol="HTTP/1.1")


def _dict_row(cursor: Any, row: tuple) -> dict[str, Any]:
    return {d[0]: v for d, v in zip(cursor.description, row)}
