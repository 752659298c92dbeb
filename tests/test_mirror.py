"""The mirror server's own behaviour, and the consistency of the mirror sites with their ground truth."""

from __future__ import annotations

import html
import http.client
import json
import re
import socket
import sys
import time
from datetime import datetime, timezone
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from lxml import etree
from lxml import html as lxml_html

from mirror import FILES_LAST_MODIFIED, FIXED_NOW, SITES_DIR, MirrorServer, http_date

SITES = ("collectivevoice", "ddn")
LONDON = ZoneInfo("Europe/London")
SITEMAP_NS = {"sm": "http://www.sitemaps.org/schemas/sitemap/0.9"}


def fetch(server: MirrorServer, path: str, method: str = "GET", headers: dict[str, str] | None = None,
          timeout: float = 5) -> tuple[int, dict[str, str], bytes]:
    conn = http.client.HTTPConnection("127.0.0.1", server.port, timeout=timeout)
    try:
        conn.request(method, path, headers=headers or {})
        resp = conn.getresponse()
        return resp.status, {k.lower(): v for k, v in resp.getheaders()}, resp.read()
    finally:
        conn.close()


def expected(site: str) -> dict:
    return json.loads((SITES_DIR / site / "expected.json").read_text(encoding="utf-8"))


def path_of(url: str, origin: str) -> str:
    assert url.startswith(origin), url
    return url[len(origin):] or "/"


def visible_text(markup: bytes | str) -> str:
    """Text as a reader sees it: tags dropped, entities decoded, whitespace collapsed."""
    tree = lxml_html.fromstring(markup)
    for bad in tree.xpath("//script|//style"):
        bad.drop_tree()
    return re.sub(r"\s+", " ", tree.text_content())


# -- the server ---------------------------------------------------------------------------

def test_serves_post_page_as_utf8_html(cv_mirror: MirrorServer) -> None:
    status, headers, body = fetch(cv_mirror, "/blog/going-local/")
    assert status == 200
    assert headers["content-type"] == "text/html; charset=UTF-8"
    assert int(headers["content-length"]) == len(body)
    assert b"postid-3154" in body
    assert headers["date"] == "Thu, 20 Nov 2025 12:00:00 GMT"
    assert headers["last-modified"] == "Sat, 01 Nov 2025 09:00:00 GMT"
    assert re.fullmatch(r'"[0-9a-f]{20}"', headers["etag"])


@pytest.mark.parametrize("path, content_type", [
    ("/robots.txt", "text/plain; charset=UTF-8"),
    ("/sitemap_index.xml", "application/xml; charset=UTF-8"),
    ("/post-sitemap.xml", "application/xml; charset=UTF-8"),
    ("/feed/", "application/rss+xml; charset=UTF-8"),
    ("/blog/page/2/", "text/html; charset=UTF-8"),
])
def test_content_types(cv_mirror: MirrorServer, path: str, content_type: str) -> None:
    status, headers, body = fetch(cv_mirror, path)
    assert (status, headers["content-type"]) == (200, content_type)
    assert body


@pytest.mark.parametrize("path", ["/post-sitemap2.xml", "/no-such-post/", "/expected.json",
                                  "/../mirror.py", "/blog/going-local/comment-page-9/"])
def test_missing_is_404(cv_mirror: MirrorServer, path: str) -> None:
    assert fetch(cv_mirror, path)[0] == 404


def test_directory_without_slash_redirects(cv_mirror: MirrorServer) -> None:
    status, headers, _ = fetch(cv_mirror, "/blog/going-local")
    assert status == 301
    assert headers["location"] == cv_mirror.base_url + "/blog/going-local/"


def test_query_string_is_ignored_like_wordpress(cv_mirror: MirrorServer) -> None:
    plain = fetch(cv_mirror, "/blog/four-golden-threads/")[2]
    status, _, body = fetch(cv_mirror, "/blog/four-golden-threads/?replytocom=1201")
    assert (status, body) == (200, plain)


def test_head_has_headers_but_no_body(cv_mirror: MirrorServer) -> None:
    status, headers, body = fetch(cv_mirror, "/about-us/", method="HEAD")
    assert (status, body) == (200, b"")
    assert int(headers["content-length"]) > 1000


def test_fail_once_then_ok(mirror_factory) -> None:
    server = mirror_factory("collectivevoice")
    server.fail_once("/blog/going-local/")
    assert fetch(server, "/blog/going-local/")[0] == 500
    assert fetch(server, "/blog/going-local/")[0] == 200
    assert server.requests == [("GET", "/blog/going-local/", 500), ("GET", "/blog/going-local/", 200)]


def test_fail_always_and_hooks_accept_live_urls(mirror_factory) -> None:
    server = mirror_factory("collectivevoice")
    server.fail_always("https://www.collectivevoice.org.uk/feed/", 503)
    statuses = [fetch(server, "/feed/")[0] for _ in range(3)]
    assert statuses == [503, 503, 503]
    server.reset()
    assert fetch(server, "/feed/")[0] == 200


@pytest.mark.parametrize("status", [404, 410])
def test_delete(mirror_factory, status: int) -> None:
    server = mirror_factory("collectivevoice")
    server.delete("/blog/four-golden-threads/", status)
    assert fetch(server, "/blog/four-golden-threads/")[0] == status
    assert fetch(server, "/blog/going-local/")[0] == 200


def test_set_page_overrides_and_adds(mirror_factory) -> None:
    server = mirror_factory("collectivevoice")
    before = fetch(server, "/about-us/")[1]
    server.set_page("/about-us/", "<html><body class='page'>changed</body></html>")
    status, headers, body = fetch(server, "/about-us/")
    assert (status, body) == (200, b"<html><body class='page'>changed</body></html>")
    assert headers["etag"] != before["etag"]
    assert headers["last-modified"] == "Thu, 20 Nov 2025 12:01:00 GMT"
    server.set_page("/new-sitemap.xml", b"<urlset/>")
    assert fetch(server, "/new-sitemap.xml")[1]["content-type"] == "application/xml; charset=UTF-8"
    server.reset()
    assert fetch(server, "/about-us/")[1]["etag"] == before["etag"]
    assert fetch(server, "/new-sitemap.xml")[0] == 404


def test_a_page_set_for_one_query_answers_only_that_query(mirror_factory) -> None:
    server = mirror_factory("ddn")
    rest = "/wp-json/wp/v2/comments"
    server.set_page(f"{rest}?post=7&per_page=100&page=2", '[{"id": 9}]', headers={"X-WP-Total": "101"})
    status, headers, body = fetch(server, f"{rest}?page=2&post=7&per_page=100")  # any parameter order
    assert (status, body, headers["x-wp-total"]) == (200, b'[{"id": 9}]', "101")
    assert headers["content-type"] == "application/json; charset=UTF-8"
    assert fetch(server, f"{rest}?post=7&per_page=100&page=3")[0] == 404
    assert server.count(f"{rest}?page=2&post=7&per_page=100") == 1


def test_planned_redirect(mirror_factory) -> None:
    server = mirror_factory("ddn")
    server.redirect("/old-slug/", "https://www.drinkanddrugsnews.com/the-big-conversation/")
    status, headers, _ = fetch(server, "/old-slug/")
    assert (status, headers["location"]) == (301, server.base_url + "/the-big-conversation/")
    server.redirect("/moved", "/about/", status=302)
    assert fetch(server, "/moved")[:2][0] == 302
    assert server.requests[-1] == ("GET", "/moved", 302)


def test_conditional_get_etag(cv_mirror: MirrorServer) -> None:
    _, headers, _ = fetch(cv_mirror, "/blog/going-local/")
    status, h304, body = fetch(cv_mirror, "/blog/going-local/", headers={"If-None-Match": headers["etag"]})
    assert (status, body) == (304, b"")
    assert h304["etag"] == headers["etag"]
    assert fetch(cv_mirror, "/blog/going-local/", headers={"If-None-Match": '"stale"'})[0] == 200
    weak = fetch(cv_mirror, "/blog/going-local/", headers={"If-None-Match": f'"x", W/{headers["etag"]}'})
    assert weak[0] == 304


def test_conditional_get_last_modified(cv_mirror: MirrorServer) -> None:
    same = {"If-Modified-Since": http_date(FILES_LAST_MODIFIED)}
    older = {"If-Modified-Since": "Mon, 01 Jan 2024 00:00:00 GMT"}
    assert fetch(cv_mirror, "/robots.txt", headers=same)[0] == 304
    assert fetch(cv_mirror, "/robots.txt", headers=older)[0] == 200
    # If-None-Match wins over If-Modified-Since (RFC 9110 13.2.2)
    both = dict(same, **{"If-None-Match": '"stale"'})
    assert fetch(cv_mirror, "/robots.txt", headers=both)[0] == 200


def test_edited_page_is_not_304_for_old_validators(mirror_factory) -> None:
    server = mirror_factory("collectivevoice")
    _, headers, _ = fetch(server, "/blog/going-local/")
    server.set_page("/blog/going-local/", "<html>new comment</html>")
    assert fetch(server, "/blog/going-local/", headers={"If-None-Match": headers["etag"]})[0] == 200
    assert fetch(server, "/blog/going-local/", headers={"If-Modified-Since": headers["last-modified"]})[0] == 200


def test_request_counting(mirror_factory) -> None:
    server = mirror_factory("collectivevoice")
    for path in ["/robots.txt", "/blog/going-local/", "/blog/going-local/?replytocom=1", "/nope/"]:
        fetch(server, path)
    assert server.count() == 4
    assert server.count("/blog/going-local/") == 2
    assert server.count("/blog/going-local/?replytocom=1") == 1
    assert server.count("https://www.collectivevoice.org.uk/robots.txt") == 1
    assert [s for _, _, s in server.requests] == [200, 200, 200, 404]


def test_delay_times_out_client_but_not_server(mirror_factory) -> None:
    server = mirror_factory("collectivevoice")
    server.delay("/blog/going-local/", 2.0)
    started = time.monotonic()
    with pytest.raises(socket.timeout):
        fetch(server, "/blog/going-local/", timeout=0.3)
    assert fetch(server, "/robots.txt")[0] == 200  # other paths are not held up
    assert time.monotonic() - started < 1.5


def test_truncate_breaks_the_body_only(mirror_factory) -> None:
    server = mirror_factory("collectivevoice")
    server.truncate("/blog/going-local/")
    with pytest.raises(http.client.IncompleteRead):
        fetch(server, "/blog/going-local/")
    assert fetch(server, "/about-us/")[0] == 200


def test_reset_connection(mirror_factory) -> None:
    server = mirror_factory("collectivevoice")
    server.reset_connection("/feed/")
    with pytest.raises((ConnectionResetError, http.client.RemoteDisconnected, ConnectionAbortedError)):
        fetch(server, "/feed/")
    assert fetch(server, "/robots.txt")[0] == 200
    assert ("GET", "/feed/", 0) in server.requests


def test_expected_faults_arm_the_ddn_flaky_post(mirror_factory) -> None:
    server = mirror_factory("ddn", faults=True)
    path = "/funding-boost-for-recovery-communities/"
    assert [fetch(server, path)[0] for _ in range(2)] == [500, 200]
    assert fetch(server, "/the-big-conversation/")[0] == 200


def test_session_ddn_mirror_is_not_armed(ddn_mirror: MirrorServer) -> None:
    assert fetch(ddn_mirror, "/funding-boost-for-recovery-communities/")[0] == 200


def test_without_sitemaps(mirror_factory) -> None:
    server = mirror_factory("collectivevoice")
    server.without_sitemaps()
    robots = fetch(server, "/robots.txt")[2].decode()
    assert "Sitemap" not in robots and "Disallow: /wp-admin/" in robots
    for path in ["/sitemap_index.xml", "/post-sitemap.xml", "/page-sitemap.xml"]:
        assert fetch(server, path)[0] == 404
    assert fetch(server, "/blog/")[0] == 200


def test_stop_wakes_delayed_handlers_and_frees_port() -> None:
    server = MirrorServer(SITES_DIR / "collectivevoice").start()
    port = server.port
    server.delay("/", 30)
    started = time.monotonic()
    with socket.create_connection(("127.0.0.1", port)) as sock:
        sock.sendall(b"GET / HTTP/1.1\r\nHost: x\r\n\r\n")
        time.sleep(0.1)
        server.stop()
    assert time.monotonic() - started < 5
    with pytest.raises(OSError):
        socket.create_connection(("127.0.0.1", port), timeout=0.5)


def test_url_maps_live_urls_to_the_mirror(cv_mirror: MirrorServer) -> None:
    live = "https://www.collectivevoice.org.uk/blog/going-local/"
    assert cv_mirror.url(live) == cv_mirror.base_url + "/blog/going-local/"
    assert cv_mirror.live_origin == "https://www.collectivevoice.org.uk"


def test_fixed_clock_is_after_all_content() -> None:
    for site in SITES:
        for post in expected(site)["posts"]:
            assert post["modified"] < FILES_LAST_MODIFIED.strftime("%Y-%m-%dT%H:%M:%SZ")
    assert FILES_LAST_MODIFIED < FIXED_NOW


# -- the mirror content -------------------------------------------------------------------

def sitemap_locs(server: MirrorServer, path: str) -> list[tuple[str, str | None]]:
    status, _, body = fetch(server, path)
    assert status == 200, path
    root = etree.fromstring(body)
    out = []
    for node in root.xpath("//sm:loc", namespaces=SITEMAP_NS):
        lastmod = node.getparent().find("sm:lastmod", SITEMAP_NS)
        out.append((node.text, lastmod.text if lastmod is not None else None))
    return out


@pytest.fixture(params=SITES)
def site(request) -> tuple[MirrorServer, dict]:
    fixture = {"collectivevoice": "cv_mirror", "ddn": "ddn_mirror"}[request.param]
    server = request.getfixturevalue(fixture)
    return server, expected(request.param)


def test_robots_names_a_live_sitemap_index(site) -> None:
    server, truth = site
    robots = fetch(server, "/robots.txt")[2].decode()
    lines = [line.split(":", 1)[1].strip() for line in robots.splitlines() if line.startswith("Sitemap:")]
    assert len(lines) == 1 and lines[0].startswith(truth["origin"] + "/")


def test_every_sitemap_url_is_live_and_served(site) -> None:
    server, truth = site
    origin = truth["origin"]
    robots = fetch(server, "/robots.txt")[2].decode()
    index = path_of(re.search(r"^Sitemap: (\S+)", robots, re.M).group(1), origin)
    children = sitemap_locs(server, index)
    assert children
    post_urls = {p["url"] for p in truth["posts"]}
    listed: set[str] = set()
    for child, _ in children:
        assert child.startswith(origin + "/")
        if child in truth["missing_urls"]:
            assert fetch(server, path_of(child, origin))[0] == 404
            continue
        for url, lastmod in sitemap_locs(server, path_of(child, origin)):
            assert url.startswith(origin + "/"), url
            assert fetch(server, path_of(url, origin))[0] == 200, url
            listed.add(url)
    assert post_urls <= listed


def test_post_lastmod_in_sitemap_is_modified_time(site) -> None:
    server, truth = site
    by_url = {p["url"]: p["modified"] for p in truth["posts"]}
    seen = 0
    for path in server.sitemap_paths():
        if fetch(server, path)[0] != 200:
            continue
        for url, lastmod in sitemap_locs(server, path):
            if url in by_url and lastmod and "<urlset" in fetch(server, path)[2].decode():
                assert lastmod == by_url[url].replace("Z", "+00:00")
                seen += 1
    assert seen == len(by_url)


def test_expected_ids_titles_and_comments_are_in_the_html(site) -> None:
    server, truth = site
    origin = truth["origin"]
    for post in truth["posts"]:
        pages = post["comment_pages"] or [post["url"]]
        bodies = {url: fetch(server, path_of(url, origin))[2].decode() for url in pages}
        for url, text in bodies.items():
            assert f"postid-{post['wp_id']}" in text, url
            assert f"post-{post['wp_id']} post type-post" in text, url
            assert html.escape(post["title"], quote=False) in html.unescape(text) or post["title"] in html.unescape(text)
        main = bodies[post["url"]]
        shown = visible_text(main)
        for sentence in post["must_contain"] + post["captions"]:
            assert sentence in shown, (post["url"], sentence)
        if post["standfirst"]:
            assert post["standfirst"] in shown
        for comment in post["comments"]:
            page_url = post["comment_pages"][comment["page"] - 1]
            page_html = bodies[page_url]
            assert re.search(rf'id="(li-)?comment-{comment["wp_id"]}"', page_html), comment
            assert comment["url"].startswith(page_url + "#comment-") or comment["url"] == page_url + f"#comment-{comment['wp_id']}"
            if comment["posted_raw"]:
                assert comment["posted_raw"] in visible_text(page_html), comment
            if comment["snippet"]:
                assert comment["snippet"] in visible_text(page_html), comment
            tree = lxml_html.fromstring(page_html)
            li = tree.xpath(f'//li[@id="comment-{comment["wp_id"]}" or @id="li-comment-{comment["wp_id"]}"]')[0]
            own_links = [a.get("href") for a in li.iter("a") if next(a.iterancestors("li")) is li]
            assert (comment["author_url"] in own_links) if comment["author_url"] else True, comment
            assert any(comment["url"].split("#")[1] in (h or "") for h in own_links) or comment["kind"] != "comment"
            moderated = any(next(em.iterancestors("li")) is li
                            for em in li.xpath(".//em[contains(@class, 'comment-awaiting-moderation')]"))
            assert moderated == comment["awaiting_moderation"], comment


def test_comment_threads_match_nesting(site) -> None:
    """Parent, depth and display order in expected.json agree with the HTML's own nesting."""
    server, truth = site
    origin = truth["origin"]
    for post in truth["posts"]:
        found = []
        for url in post["comment_pages"]:
            tree = lxml_html.fromstring(fetch(server, path_of(url, origin))[2])
            for li in tree.xpath("//li[contains(concat(' ', @class, ' '), ' depth-')]"):
                wp_id = int(re.search(r"(\d+)$", li.get("id")).group(1))
                depth = int(re.search(r"depth-(\d+)", li.get("class")).group(1))
                parent_li = li.xpath("ancestor::li[contains(@class, 'depth-')][1]")
                parent = int(re.search(r"(\d+)$", parent_li[0].get("id")).group(1)) if parent_li else None
                found.append((wp_id, parent, depth))
        assert found == [(c["wp_id"], c["parent_wp_id"], c["depth"]) for c in post["comments"]], post["url"]
        assert [c["position"] for c in post["comments"]] == list(range(1, len(post["comments"]) + 1))


def test_comment_times_are_right_by_zoneinfo(site) -> None:
    """Recompute every posted_at from posted_raw with the site's visible format, day first."""
    _, truth = site
    formats = ("%d/%m/%Y at %I:%M %p", "%d %B %Y at %I:%M %p")
    checked = 0
    for post in truth["posts"]:
        for c in post["comments"]:
            local = None
            for fmt in formats:
                try:
                    local = datetime.strptime(c["posted_raw"] or "", fmt)
                except ValueError:
                    continue
            if local is None:
                assert c["posted_at"] is None
                continue
            first = local.replace(tzinfo=LONDON, fold=0)
            second = local.replace(tzinfo=LONDON, fold=1)
            assert c["ambiguous"] == (first.utcoffset() != second.utcoffset())
            utc = first.astimezone(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")
            assert c["posted_at"] == utc, c
            checked += 1
    assert checked >= 5


def test_links_to_the_site_use_the_live_origin(site) -> None:
    server, truth = site
    origin = truth["origin"]
    for post in truth["posts"]:
        text = fetch(server, path_of(post["url"], origin))[2].decode()
        assert "127.0.0.1" not in text and "localhost" not in text
        tree = lxml_html.fromstring(text)
        for href in tree.xpath("//a/@href"):
            assert not href.startswith("/") or href.startswith("//"), href  # absolute, as saved
        for link in tree.xpath("//li[contains(@class,'depth-')]//a[contains(@href,'#comment-')]/@href"):
            assert link.startswith(origin + "/"), link


def test_non_post_urls_are_served_and_not_posts(site) -> None:
    server, truth = site
    origin = truth["origin"]
    for item in truth["non_post_urls"]:
        status, _, body = fetch(server, path_of(item["url"], origin))
        assert status == 200, item
        if item["kind"] == "feed":
            continue
        body_class = lxml_html.fromstring(body).xpath("//body/@class")[0].split()
        if item["kind"] == "comment-page":
            assert f"postid-{item['post_wp_id']}" in body_class
        else:
            assert "single-post" not in body_class, item
        if item["kind"] == "page":
            assert "page" in body_class and f"page-id-{item['wp_id']}" in body_class


def test_feed_lists_every_post(site) -> None:
    server, truth = site
    root = etree.fromstring(fetch(server, "/feed/")[2])
    links = root.xpath("//item/link/text()")
    assert set(links) == {p["url"] for p in truth["posts"]}
    guids = root.xpath("//item/guid/text()")
    assert {f"{truth['origin']}/?p={p['wp_id']}" for p in truth["posts"]} == set(guids)


def test_mirror_files_match_their_generator(tmp_path: Path) -> None:
    """The committed HTML is exactly what tests/sites/build.py makes: no hand edits drift."""
    sys.path.insert(0, str(SITES_DIR))
    import cv  # noqa: PLC0415
    import ddn  # noqa: PLC0415

    for name, module in (("collectivevoice", cv), ("ddn", ddn)):
        out = tmp_path / name
        out.mkdir()
        truth = module.build(out)
        saved_truth = expected(name)
        saved_truth.pop("conventions")
        assert truth == saved_truth
        made = {p.relative_to(out): p.read_bytes() for p in out.rglob("*") if p.is_file()}
        saved = {p.relative_to(SITES_DIR / name): p.read_bytes()
                 for p in (SITES_DIR / name).rglob("*") if p.is_file() and p.name != "expected.json"}
        assert made == saved
