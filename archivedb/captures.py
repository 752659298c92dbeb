"""Reading stored captures back: what ``reprocess`` replays instead of the network."""

from __future__ import annotations

import json
import zlib
from dataclasses import dataclass

import sqlite_utils

BODY_ENCODING = "zlib"  # level 1: pages compress about 4x at a fraction of level 6's CPU


def pack_body(raw: bytes) -> bytes:
    """A response body as the captures table stores it (``body_encoding = BODY_ENCODING``)."""
    return zlib.compress(raw, 1)


def unpack_body(body: bytes, encoding: str | None) -> bytes:
    """A stored body as it was received: compressed ones decompressed, raw ones (older crawlers)
    as they are. A corrupt body raises ``zlib.error``: a capture is evidence, never guessed at."""
    return zlib.decompress(body) if (encoding or "").lower() == BODY_ENCODING else bytes(body)


def header(headers: dict[str, str], name: str) -> str:
    """A captured response's header by case-insensitive name; empty when absent."""
    return next((value for key, value in headers.items() if key.lower() == name.lower()), "")


@dataclass(frozen=True)
class StoredResponse:
    """One captured response as the network gave it (body decompressed)."""

    status: int
    headers: dict[str, str]
    body: bytes
    fetched_at: str
    fetched_url: str | None


def latest_capture(db: sqlite_utils.Database, site: str, url: str) -> StoredResponse | None:
    """The newest capture of ``url``; a capture stored as ``same_as`` an earlier identical one
    takes that one's body. Content-Encoding is dropped: the body is stored decoded."""
    row = next(db.query(
        "select c.status, c.headers, coalesce(c.body, h.body) body, c.body_encoding, c.fetched_at, c.fetched_url"
        " from captures c left join captures h on h.id = c.same_as"
        " where c.site = ? and c.url = ? order by c.id desc limit 1", [site, url]), None)
    if row is None:
        return None
    body = unpack_body(row["body"], row["body_encoding"])
    headers = {k: v for k, v in json.loads(row["headers"]).items() if k.lower() != "content-encoding"}
    return StoredResponse(row["status"], headers, body, row["fetched_at"], row["fetched_url"])


def captured_post_urls(db: sqlite_utils.Database, site: str) -> list[str]:
    """Post pages captured for a site, oldest first: not comment pages, and not the comment
    feeds and REST pages (those are replayed when their post asks for them again)."""
    return [r["url"] for r in db.query(
        "select url, min(id) from captures where site = ? and status = 200"
        " and url not like '%/comment-page-%' and url not like '%cpage=%'"
        " and url not like '%/feed/' and url not like '%/wp-json/%' and url not like '%rest_route=%'"
        " group by url order by min(id)", [site])]


def captured_sites(db: sqlite_utils.Database) -> list[str]:
    return [r["site"] for r in db.query("select distinct site from captures order by site")]
