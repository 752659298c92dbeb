"""A fast static HTTP/1.1 server for a generated mirror, with conditional GET and request counts.

    uv run python bench/server.py bench/mirror-2000 [--port 0] [--gzip]

Prints `http://127.0.0.1:PORT` on its first stdout line once it is listening. Every page is held
in memory and served by one asyncio protocol with keep-alive, so the server costs a small
fraction of what the crawler spends per page and never becomes the benchmark's bottleneck.

Control endpoints (not counted): `GET /__stats` returns JSON counters since the last reset;
`GET /__reset` returns them and starts a fresh count.
"""

from __future__ import annotations

import argparse
import asyncio
import gzip
import hashlib
import json
import signal
import time
from collections import Counter
from dataclasses import dataclass, field
from email.utils import formatdate, parsedate_to_datetime
from pathlib import Path
from urllib.parse import unquote

CONTENT_TYPES = {".html": "text/html; charset=UTF-8", ".xml": "application/xml; charset=UTF-8",
                 ".txt": "text/plain; charset=UTF-8"}
FEED_TYPE = "application/rss+xml; charset=UTF-8"
REASONS = {200: "OK", 301: "Moved Permanently", 304: "Not Modified", 400: "Bad Request",
           404: "Not Found", 405: "Method Not Allowed"}


@dataclass(frozen=True)
class Resource:
    body: bytes
    gzipped: bytes | None
    content_type: str
    etag: str
    mtime: int
    last_modified: str


@dataclass
class Stats:
    """Counters since the last reset; `requests` is what the benchmark calls pages fetched."""

    requests: int = 0
    bytes_sent: int = 0
    by_status: Counter = field(default_factory=Counter)
    paths: set = field(default_factory=set)
    first: float | None = None
    last: float | None = None
    cpu_start: float = field(default_factory=time.process_time)

    def record(self, path: str, status: int, sent: int) -> None:
        now = time.time()
        self.requests += 1
        self.bytes_sent += sent
        self.by_status[status] += 1
        self.paths.add(path)
        self.first = self.first or now
        self.last = now

    def as_dict(self) -> dict:
        return {"requests": self.requests, "distinct_paths": len(self.paths), "bytes_sent": self.bytes_sent,
                "by_status": {str(k): v for k, v in sorted(self.by_status.items())},
                "first": self.first, "last": self.last, "server_cpu": round(time.process_time() - self.cpu_start, 3)}


def url_path(root: Path, file: Path) -> str:
    """`x/index.html` and `feed/index.xml` are served at `/x/` and `/feed/`; other files as named."""
    rel = file.relative_to(root).as_posix()
    if file.name in ("index.html", "index.xml"):
        parent = rel[: -len(file.name)]
        return "/" + parent
    return "/" + rel


def load(root: Path, with_gzip: bool) -> dict[str, Resource]:
    """Read the whole mirror into memory, with a content hash as ETag and the mtime as Last-Modified."""
    resources: dict[str, Resource] = {}
    for file in root.rglob("*"):
        if not file.is_file() or file.name.startswith("."):
            continue
        body = file.read_bytes()
        mtime = int(file.stat().st_mtime)
        path = url_path(root, file)
        ctype = FEED_TYPE if path.endswith("/feed/") else CONTENT_TYPES.get(file.suffix, "application/octet-stream")
        resources[path] = Resource(
            body=body, gzipped=gzip.compress(body, 6, mtime=0) if with_gzip else None, content_type=ctype,
            etag='"' + hashlib.blake2b(body, digest_size=8).hexdigest() + '"', mtime=mtime,
            last_modified=formatdate(mtime, usegmt=True),
        )
    return resources


class MirrorProtocol(asyncio.Protocol):
    """One keep-alive connection; handles pipelined GET/HEAD requests in arrival order."""

    def __init__(self, resources: dict[str, Resource], stats_box: list[Stats]) -> None:
        self.resources = resources
        self.stats_box = stats_box
        self.buffer = b""
        self.transport: asyncio.Transport | None = None

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        self.transport = transport  # type: ignore[assignment]

    def data_received(self, data: bytes) -> None:
        self.buffer += data
        while b"\r\n\r\n" in self.buffer:
            head, self.buffer = self.buffer.split(b"\r\n\r\n", 1)
            if not self.handle(head.decode("latin-1")):
                self.transport.close()
                return

    def handle(self, head: str) -> bool:
        """Answer one request; return False when the connection should close."""
        lines = head.split("\r\n")
        try:
            method, target, version = lines[0].split(" ", 2)
        except ValueError:
            self.send(400, {}, b"bad request", "GET")
            return False
        headers = {}
        for line in lines[1:]:
            name, _, value = line.partition(":")
            headers[name.strip().lower()] = value.strip()
        keep_alive = headers.get("connection", "").lower() != "close" and (
            version == "HTTP/1.1" or headers.get("connection", "").lower() == "keep-alive")
        path = unquote(target.split("?", 1)[0].split("#", 1)[0])
        if path in ("/__stats", "/__reset"):
            stats = self.stats_box[0]
            if path == "/__reset":
                self.stats_box[0] = Stats()
            self.send(200, {"Content-Type": "application/json"}, json.dumps(stats.as_dict()).encode(), method)
            return keep_alive
        status, sent = self.serve(method, path, headers)
        self.stats_box[0].record(path, status, sent)
        return keep_alive

    def serve(self, method: str, path: str, headers: dict[str, str]) -> tuple[int, int]:
        if method not in ("GET", "HEAD"):
            return 405, self.send(405, {"Allow": "GET, HEAD"}, b"", method)
        res = self.resources.get(path)
        if res is None:
            if path + "/" in self.resources:  # WordPress's canonical redirect adds the slash
                return 301, self.send(301, {"Location": path + "/"}, b"", method)
            return 404, self.send(404, {"Content-Type": "text/html; charset=UTF-8"}, b"<h1>Not Found</h1>", method)
        validators = {"ETag": res.etag, "Last-Modified": res.last_modified}
        if not_modified(res, headers):
            return 304, self.send(304, validators, b"", method)
        out = {"Content-Type": res.content_type, **validators, "Vary": "Accept-Encoding"}
        body = res.body
        if res.gzipped is not None and "gzip" in headers.get("accept-encoding", ""):
            body, out["Content-Encoding"] = res.gzipped, "gzip"
        return 200, self.send(200, out, body, method)

    def send(self, status: int, headers: dict[str, str], body: bytes, method: str) -> int:
        lines = [f"HTTP/1.1 {status} {REASONS.get(status, '')}", f"Date: {formatdate(usegmt=True)}",
                 "Server: bench-mirror", f"Content-Length: {len(body)}"]
        lines += [f"{k}: {v}" for k, v in headers.items()]
        payload = ("\r\n".join(lines) + "\r\n\r\n").encode("latin-1")
        if method != "HEAD" and status != 304:
            payload += body
        self.transport.write(payload)
        return len(payload)


def not_modified(res: Resource, headers: dict[str, str]) -> bool:
    """RFC 9110: If-None-Match wins over If-Modified-Since."""
    inm = headers.get("if-none-match")
    if inm is not None:
        return inm.strip() == "*" or res.etag in [t.strip().removeprefix("W/") for t in inm.split(",")]
    ims = headers.get("if-modified-since")
    if ims:
        try:
            return res.mtime <= int(parsedate_to_datetime(ims).timestamp())
        except (TypeError, ValueError):
            return False
    return False


async def serve(root: Path, host: str, port: int, with_gzip: bool) -> None:
    resources = load(root, with_gzip)
    stats_box = [Stats()]
    loop = asyncio.get_running_loop()
    server = await loop.create_server(lambda: MirrorProtocol(resources, stats_box), host, port, backlog=512)
    bound = server.sockets[0].getsockname()[1]
    print(f"http://{host}:{bound}", flush=True)
    stop = asyncio.Event()
    for sig in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(sig, stop.set)
    async with server:
        await stop.wait()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("root", type=Path, help="a mirror directory written by bench/generate.py")
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=0, help="0 picks a free port")
    parser.add_argument("--gzip", action="store_true", help="send gzip bodies to clients that accept them")
    args = parser.parse_args()
    asyncio.run(serve(args.root, args.host, args.port, args.gzip))


if __name__ == "__main__":
    main()
