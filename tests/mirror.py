"""A loopback HTTP server that serves one saved WordPress site from ``tests/sites/<name>/``.

Tests crawl these mirrors instead of the live sites. URL paths map to files the way the saved
site was laid out (``/blog/x/`` -> ``blog/x/index.html``, ``/feed/`` -> ``feed/index.xml``,
``/robots.txt`` -> ``robots.txt``); query strings are ignored, as WordPress ignores
``?replytocom=`` and ``?share=``, except by a page set for one exact query (``set_page`` with a
query: a REST API page such as ``/wp-json/wp/v2/comments?post=1&page=2``). Hooks let a test break the site on purpose: fail a page once or
always, replace or delete it, slow it down, truncate it or reset the connection, and every
response is logged so a test can count what the crawler fetched.

Responses carry ``ETag`` (a hash of the body), ``Last-Modified`` and a pinned ``Date`` and answer
conditional GETs with 304, so incremental re-crawls can be tested.
"""

from __future__ import annotations

import hashlib
import json
import socket
import struct
import threading
from dataclasses import dataclass, field
from email.utils import format_datetime, parsedate_to_datetime
from datetime import datetime, timedelta, timezone
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from types import TracebackType
from urllib.parse import parse_qsl, unquote, urlencode, urlsplit

SITES_DIR = Path(__file__).parent / "sites"

# The "now" every response claims (Date header) and the Last-Modified of every saved file.
FIXED_NOW = datetime(2025, 11, 20, 12, 0, 0, tzinfo=timezone.utc)
FILES_LAST_MODIFIED = datetime(2025, 11, 1, 9, 0, 0, tzinfo=timezone.utc)

CONTENT_TYPES = {
    ".html": "text/html; charset=UTF-8",
    ".xml": "application/xml; charset=UTF-8",
    ".txt": "text/plain; charset=UTF-8",
    ".xsl": "text/xsl; charset=UTF-8",
    ".json": "application/json; charset=UTF-8",
}
FEED_TYPE = "application/rss+xml; charset=UTF-8"
HIDDEN_NAMES = {"expected.json", "expected-comments.json", "build.py", "README.md"}  # ground truth, not part of the site


@dataclass
class Page:
    """What a path answers with when no fault applies."""

    body: bytes
    content_type: str
    last_modified: datetime
    headers: dict[str, str] = field(default_factory=dict)  # extra headers (a REST page's X-WP-Total)


@dataclass
class Fault:
    """A planned misbehaviour for one path; ``remaining`` None means every time."""

    kind: str  # 'status', 'delay', 'truncate', 'reset'
    status: int = 500
    seconds: float = 0.0
    remaining: int | None = None


def path_key(path_or_url: str) -> str:
    """Normalise a hook argument: accept a path or a full URL (live or mirror); drop the query."""
    parts = urlsplit(path_or_url)
    path = unquote(parts.path) or "/"
    return path if path.startswith("/") else "/" + path


def query_key(path_or_url: str) -> str | None:
    """``path?query`` with the query's parameters sorted, for a page set for one query; None
    when there is no query."""
    parts = urlsplit(path_or_url)
    if not parts.query:
        return None
    return path_key(path_or_url) + "?" + urlencode(sorted(parse_qsl(parts.query, keep_blank_values=True)))


class MirrorServer:
    """Serve ``root`` on 127.0.0.1 (or ``host``, e.g. 127.0.0.2 to play another host; port
    chosen by the OS) with test hooks; thread-safe."""

    def __init__(self, root: Path | str, host: str = "127.0.0.1") -> None:
        self.root = Path(root)
        self.host = host
        if not self.root.is_dir():
            raise FileNotFoundError(f"no mirror directory at {self.root}")
        self._lock = threading.Lock()
        self._log: list[tuple[str, str, int]] = []
        self._overrides: dict[str, Page] = {}
        self._redirects: dict[str, tuple[str, int]] = {}
        self._faults: dict[str, list[Fault]] = {}
        self._override_serial = 0
        self._stopping = threading.Event()
        self._httpd: ThreadingHTTPServer | None = None
        self._thread: threading.Thread | None = None
        self.expected = self._load_expected()
        self.live_origin: str | None = self.expected.get("origin")

    # -- lifecycle -------------------------------------------------------------------------

    def start(self) -> "MirrorServer":
        if self._httpd is not None:
            return self
        self._stopping.clear()
        self._httpd = _Server((self.host, 0), _Handler, self)
        self._thread = threading.Thread(target=self._httpd.serve_forever, kwargs={"poll_interval": 0.05},
                                        name="mirror", daemon=True)
        self._thread.start()
        return self

    def stop(self) -> None:
        if self._httpd is None:
            return
        self._stopping.set()  # wakes delayed handlers
        self._httpd.shutdown()
        self._httpd.server_close()
        assert self._thread is not None
        self._thread.join(timeout=5)
        self._httpd = None
        self._thread = None

    def __enter__(self) -> "MirrorServer":
        return self.start()

    def __exit__(self, exc_type: type[BaseException] | None, exc: BaseException | None,
                 tb: TracebackType | None) -> None:
        self.stop()

    @property
    def port(self) -> int:
        if self._httpd is None:
            raise RuntimeError("mirror server not started")
        return self._httpd.server_address[1]

    @property
    def base_url(self) -> str:
        """``http://127.0.0.1:PORT`` with no trailing slash, like a profile's origin."""
        return f"http://{self.host}:{self.port}"

    def url(self, path_or_live_url: str) -> str:
        """Mirror URL for a path or a live URL (the live origin is swapped for ``base_url``)."""
        if self.live_origin and path_or_live_url.startswith(self.live_origin):
            path_or_live_url = path_or_live_url[len(self.live_origin):] or "/"
        return self.base_url + path_or_live_url

    # -- request log -----------------------------------------------------------------------

    @property
    def requests(self) -> list[tuple[str, str, int]]:
        """A copy of the log: (method, path with query, status); status 0 = connection reset."""
        with self._lock:
            return list(self._log)

    def count(self, path: str | None = None) -> int:
        """Requests so far; for one path if given (a query in ``path`` must match too)."""
        with self._lock:
            log = list(self._log)
        if path is None:
            return len(log)
        if "?" in path:
            return sum(1 for _, p, _ in log if p == path)
        key = path_key(path)
        return sum(1 for _, p, _ in log if p.split("?", 1)[0] == key)

    def _record(self, method: str, path: str, status: int) -> None:
        with self._lock:
            self._log.append((method, path, status))

    # -- hooks -----------------------------------------------------------------------------

    def fail_once(self, path: str, status: int = 500) -> None:
        """The next request to ``path`` answers ``status``; later ones are served normally."""
        self._add_fault(path, Fault("status", status=status, remaining=1))

    def fail_always(self, path: str, status: int = 500) -> None:
        self._add_fault(path, Fault("status", status=status))

    def delete(self, path: str, status: int = 404) -> None:
        """Make ``path`` gone: 404 (not found) or 410 (deleted on purpose)."""
        self._add_fault(path, Fault("status", status=status))

    def delay(self, path: str, seconds: float) -> None:
        """Every response for ``path`` waits ``seconds`` before any byte is sent."""
        self._add_fault(path, Fault("delay", seconds=seconds))

    def truncate(self, path: str) -> None:
        """Announce the full Content-Length, send half the body, then close the socket."""
        self._add_fault(path, Fault("truncate"))

    def reset_connection(self, path: str) -> None:
        """Close the socket with a TCP reset and no response at all."""
        self._add_fault(path, Fault("reset"))

    def set_page(self, path: str, content: str | bytes, content_type: str | None = None,
                 headers: dict[str, str] | None = None) -> None:
        """Replace or add the content at ``path``; its Last-Modified moves forward each call.
        A ``path`` with a query sets the page for that exact query only (parameters in any order);
        other queries of the path are still ignored."""
        body = content.encode("utf-8") if isinstance(content, str) else content
        key = path_key(path)
        with self._lock:
            self._override_serial += 1
            modified = FIXED_NOW + timedelta(minutes=self._override_serial)
            rest = "/wp-json/" in key  # REST routes have no file suffix but answer JSON
            content_type = content_type or (CONTENT_TYPES[".json"] if rest else _content_type(key))
            page = Page(body, content_type, modified, dict(headers or {}))
            self._overrides[query_key(path) or key] = page
            self._faults.pop(key, None)  # a fresh page is served again

    def redirect(self, path: str, location: str, status: int = 301) -> None:
        """Answer ``path`` with a redirect to ``location`` (a path, or a live or mirror URL)."""
        target = urlsplit(self.url(location) if location.startswith("http") else location)
        with self._lock:
            self._redirects[path_key(path)] = (target.path + (f"?{target.query}" if target.query else ""), status)

    def redirect_to(self, path: str, url: str, status: int = 301) -> None:
        """Answer ``path`` with ``Location: url`` exactly as given: another host, or the live
        origin (which a mirror crawl must map back to the mirror itself)."""
        with self._lock:
            self._redirects[path_key(path)] = (url, status)

    def robots_without_sitemaps(self) -> None:
        """Serve robots.txt with its ``Sitemap:`` lines removed."""
        original = self.root.joinpath("robots.txt").read_text(encoding="utf-8")
        kept = [line for line in original.splitlines() if not line.lower().startswith("sitemap:")]
        self.set_page("/robots.txt", "\n".join(kept).rstrip() + "\n", CONTENT_TYPES[".txt"])

    def without_sitemaps(self, status: int = 404) -> None:
        """Simulate a site with no sitemap: robots.txt names none and every sitemap file is gone."""
        self.robots_without_sitemaps()
        for path in self.sitemap_paths():
            self.delete(path, status)

    def sitemap_paths(self) -> list[str]:
        """Paths of every sitemap file in the mirror (index and children, present or not)."""
        names = sorted(p.name for p in self.root.glob("*.xml"))
        listed = self.expected.get("sitemaps", [])
        return sorted({"/" + n for n in names} | {path_key(u) for u in listed})

    def apply_expected_faults(self) -> None:
        """Apply the faults ``expected.json`` documents (e.g. DDN's post that fails once)."""
        for fault in self.expected.get("faults", []):
            if fault["kind"] == "fail_once":
                self.fail_once(fault["path"], fault.get("status", 500))
            elif fault["kind"] == "fail_always":
                self.fail_always(fault["path"], fault.get("status", 500))

    def reset(self) -> None:
        """Drop every override, fault and the request log."""
        with self._lock:
            self._overrides.clear()
            self._redirects.clear()
            self._faults.clear()
            self._log.clear()

    def _add_fault(self, path: str, fault: Fault) -> None:
        with self._lock:
            self._faults.setdefault(path_key(path), []).append(fault)

    def _take_faults(self, key: str) -> list[Fault]:
        """Faults that apply to this request; one-shot faults are used up, FIFO."""
        with self._lock:
            faults = self._faults.get(key, [])
            applying: list[Fault] = []
            for fault in list(faults):
                if fault.kind == "status" and any(f.kind == "status" for f in applying):
                    continue  # only one status answer per request
                applying.append(fault)
                if fault.remaining is not None:
                    fault.remaining -= 1
                    if fault.remaining <= 0:
                        faults.remove(fault)
            return applying

    # -- content ---------------------------------------------------------------------------

    def lookup(self, key: str, query: str | None = None) -> Page | str | tuple[str, int] | None:
        """The page at ``key`` (for ``query``, when a page was set for it), a redirect target (str)
        for a directory without slash, a planned redirect (target, status), or None."""
        with self._lock:
            page = self._overrides.get(query) if query else None
            page = page or self._overrides.get(key)
            planned = self._redirects.get(key)
        if planned is not None:
            return planned
        if page is not None:
            return page
        target = self._file_for(key)
        if target is None:
            if not key.endswith("/") and (self.root / key.lstrip("/")).is_dir():
                return key + "/"
            return None
        ctype = FEED_TYPE if target.parent.name == "feed" and target.name == "index.xml" \
            else _content_type(target.name)
        return Page(target.read_bytes(), ctype, FILES_LAST_MODIFIED)

    def _file_for(self, key: str) -> Path | None:
        rel = key.lstrip("/")
        if ".." in Path(rel).parts:
            return None
        candidate = self.root / rel
        if key.endswith("/"):
            for name in ("index.html", "index.xml"):
                if (candidate / name).is_file():
                    return candidate / name
            return None
        if candidate.is_file() and candidate.name not in HIDDEN_NAMES and candidate.suffix != ".py":
            return candidate
        return None

    def _load_expected(self) -> dict:
        path = self.root / "expected.json"
        return json.loads(path.read_text(encoding="utf-8")) if path.is_file() else {}


def _content_type(name: str) -> str:
    return CONTENT_TYPES.get(Path(name).suffix, CONTENT_TYPES[".html"])


def etag_for(body: bytes) -> str:
    return '"' + hashlib.sha1(body).hexdigest()[:20] + '"'


def http_date(moment: datetime) -> str:
    return format_datetime(moment.astimezone(timezone.utc), usegmt=True)


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    allow_reuse_address = True

    def __init__(self, address: tuple[str, int], handler: type, mirror: MirrorServer) -> None:
        self.mirror = mirror
        super().__init__(address, handler)

    def handle_error(self, request: object, client_address: object) -> None:
        """Clients hanging up mid-response are expected in fault tests; stay quiet."""


class _Handler(BaseHTTPRequestHandler):
    server: _Server
    protocol_version = "HTTP/1.1"
    server_version = "Apache"
    sys_version = ""

    def do_GET(self) -> None:
        self._respond(send_body=True)

    def do_HEAD(self) -> None:
        self._respond(send_body=False)

    def log_message(self, format: str, *args: object) -> None:  # noqa: A002 - stdlib signature
        """Silence the default stderr access log; the mirror keeps its own."""

    def finish(self) -> None:
        try:
            super().finish()
        except OSError:
            pass

    def _respond(self, send_body: bool) -> None:
        mirror = self.server.mirror
        key = path_key(self.path)
        faults = mirror._take_faults(key)
        for fault in faults:
            if fault.kind == "delay":
                mirror._stopping.wait(fault.seconds)
        if any(f.kind == "reset" for f in faults):
            mirror._record(self.command, self.path, 0)
            self._reset()
            return
        status_fault = next((f for f in faults if f.kind == "status"), None)
        if status_fault is not None:
            self._send_error(status_fault.status, send_body)
            return
        found = mirror.lookup(key, query_key(self.path))
        if found is None:
            self._send_error(404, send_body)
        elif isinstance(found, str):
            self._send_redirect(found, send_body=send_body)
        elif isinstance(found, tuple):
            self._send_redirect(*found, send_body=send_body)
        elif self._not_modified(found):
            self._send_not_modified(found)
        else:
            self._send_page(found, send_body, truncate=any(f.kind == "truncate" for f in faults))

    def _not_modified(self, page: Page) -> bool:
        """RFC 9110: If-None-Match wins; If-Modified-Since is read only without it."""
        inm = self.headers.get("If-None-Match")
        if inm is not None:
            etag = etag_for(page.body)
            tags = {t.strip().removeprefix("W/") for t in inm.split(",")}
            return "*" in tags or etag in tags
        ims = self.headers.get("If-Modified-Since")
        if ims is None:
            return False
        try:
            since = parsedate_to_datetime(ims)
        except (TypeError, ValueError):
            return False
        if since.tzinfo is None:
            since = since.replace(tzinfo=timezone.utc)
        return page.last_modified <= since

    def _common_headers(self, page: Page | None) -> None:
        self.send_header("Date", http_date(FIXED_NOW))
        if page is not None:
            self.send_header("ETag", etag_for(page.body))
            self.send_header("Last-Modified", http_date(page.last_modified))

    def _send_page(self, page: Page, send_body: bool, truncate: bool) -> None:
        self.server.mirror._record(self.command, self.path, 200)
        self.send_response(200)
        self._common_headers(page)
        self.send_header("Content-Type", page.content_type)
        self.send_header("Content-Length", str(len(page.body)))
        for name, value in page.headers.items():
            self.send_header(name, value)
        if truncate:
            self.send_header("Connection", "close")
        self.end_headers()
        if not send_body:
            return
        if truncate:
            self.wfile.write(page.body[: len(page.body) // 2])
            self.wfile.flush()
            self.close_connection = True
            try:
                self.connection.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass
            return
        self.wfile.write(page.body)

    def _send_not_modified(self, page: Page) -> None:
        self.server.mirror._record(self.command, self.path, 304)
        self.send_response(304)
        self._common_headers(page)
        self.end_headers()

    def _send_redirect(self, location: str, status: int = 301, send_body: bool = True) -> None:
        self.server.mirror._record(self.command, self.path, status)
        body = b""
        self.send_response(status)
        self._common_headers(None)
        absolute = location.startswith(("http://", "https://"))
        self.send_header("Location", location if absolute else self.server.mirror.base_url + location)
        self.send_header("Content-Type", CONTENT_TYPES[".html"])
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()

    def _send_error(self, status: int, send_body: bool) -> None:
        self.server.mirror._record(self.command, self.path, status)
        titles = {404: "Page not found", 410: "Gone", 500: "Internal Server Error",
                  503: "Service Unavailable", 403: "Forbidden"}
        title = titles.get(status, "Error")
        body = (f"<!DOCTYPE html>\n<html lang=\"en-GB\"><head><title>{title}</title></head>"
                f"<body class=\"error{status}\"><h1>{title}</h1></body></html>\n").encode()
        self.send_response(status)
        self._common_headers(None)
        self.send_header("Content-Type", CONTENT_TYPES[".html"])
        self.send_header("Content-Length", str(len(body)))
        if status == 503:
            self.send_header("Retry-After", "1")
        self.end_headers()
        if send_body:
            self.wfile.write(body)

    def _reset(self) -> None:
        """SO_LINGER 0 makes close() send RST instead of a polite FIN."""
        self.close_connection = True
        try:
            self.connection.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
            self.connection.close()
        except OSError:
            pass


def serve(site: str) -> MirrorServer:
    """Start a mirror of ``tests/sites/<site>/`` (``collectivevoice`` or ``ddn``)."""
    return MirrorServer(SITES_DIR / site).start()


if __name__ == "__main__":  # manual browsing: python tests/mirror.py ddn
    import sys
    import time

    server = serve(sys.argv[1] if len(sys.argv) > 1 else "collectivevoice")
    print(f"serving {server.root} at {server.base_url}/ (Ctrl-C to stop)")
    try:
        while True:
            time.sleep(3600)
    except KeyboardInterrupt:
        server.stop()
