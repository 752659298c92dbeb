"""A real browser on a live ``sector-archive serve``: the thread looks threaded, hostile markup stays
inert. Headless Debian Chromium driven by selenium; the server runs on 127.0.0.1 on a free port."""

from __future__ import annotations

import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest
from selenium import webdriver
from selenium.webdriver.chrome.service import Service
from click.testing import CliRunner
from selenium.webdriver.common.by import By

from archive.cli import cli
from archivedb.withholding import removed_note
from publish_fixtures import build_archive

CHROMIUM, CHROMEDRIVER = "/usr/bin/chromium", "/usr/bin/chromedriver"
POST_123 = "/archive/posts/ddn~3Apost~3A123"
POST_124 = "/archive/posts/ddn~3Apost~3A124"
REDACTED = "ddn:comment:204"  # withheld at its writer's request; its reply 206 stays


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_until_serving(url: str, proc: subprocess.Popen, timeout: float = 30.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"serve exited early with {proc.returncode}: {proc.stderr.read()}")
        try:
            with urllib.request.urlopen(url, timeout=1) as response:
                if response.status == 200:
                    return
        except OSError:
            time.sleep(0.1)
    raise TimeoutError(f"{url} did not answer within {timeout}s")


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """``sector-archive serve`` as a subprocess, on a database whose file is not named archive.db."""
    db = build_archive(tmp_path_factory.mktemp("browser") / "snapshot.db", hostile_captures=True)
    redacted = CliRunner().invoke(cli, ["redact", REDACTED, "--reason", "commenter's request", "--db", str(db)])
    assert redacted.exit_code == 0, redacted.output
    port = free_port()
    command = [str(Path(sys.executable).parent / "sector-archive"), "serve", "--db", str(db),
               "--host", "127.0.0.1", "--port", str(port)]
    proc = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    base = f"http://127.0.0.1:{port}"
    try:
        wait_until_serving(base + "/", proc)
        yield base
    finally:
        proc.terminate()
        proc.wait(timeout=10)


@pytest.fixture(scope="module")
def browser(tmp_path_factory: pytest.TempPathFactory) -> Iterator[webdriver.Chrome]:
    options = webdriver.ChromeOptions()
    options.binary_location = CHROMIUM
    for arg in ("--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                "--disable-component-update", "--disable-sync", "--no-first-run",
                "--window-size=1280,1600",
                f"--user-data-dir={tmp_path_factory.mktemp('chromium-profile')}"):
        options.add_argument(arg)
    driver = webdriver.Chrome(service=Service(CHROMEDRIVER), options=options)
    try:
        yield driver
    finally:
        driver.quit()


def test_post_page_thread_is_indented_by_depth_in_order(server: str, browser: webdriver.Chrome,
                                                        tmp_path: Path) -> None:
    browser.get(server + POST_123)
    assert browser.find_element(By.CSS_SELECTOR, "h1.archive-title").text == "The big conversation"
    comments = browser.find_elements(By.CSS_SELECTOR, "article.archive-comment")
    seen = [(c.get_attribute("data-comment-id"), int(c.get_attribute("data-depth")), c.rect["x"])
            for c in comments]
    assert [(cid, depth) for cid, depth, _ in seen] == [
        ("ddn:comment:201", 1), ("ddn:comment:202", 2), ("ddn:comment:203", 3),
        ("ddn:comment:204", 1), ("ddn:comment:206", 2), ("ddn:comment:205", 1)]
    x_by_depth: dict[int, set[float]] = {}
    for _, depth, x in seen:
        x_by_depth.setdefault(depth, set()).add(x)
    assert all(len(xs) == 1 for xs in x_by_depth.values()), x_by_depth  # same depth, same column
    x1, x2, x3 = (x_by_depth[d].pop() for d in (1, 2, 3))
    assert x1 < x2 < x3
    assert all(c.is_displayed() for c in comments)
    assert "Alice Example" in comments[2].text and "(2023-11-03 09:00 UTC)" in comments[2].text
    screenshot = tmp_path / "post-ddn-123.png"
    assert browser.save_screenshot(str(screenshot))
    print(f"screenshot: {screenshot}")
    assert screenshot.stat().st_size > 10_000


def test_a_redacted_comment_shows_the_note_where_it_was(server: str, browser: webdriver.Chrome) -> None:
    browser.get(server + POST_123)
    removed = browser.find_element(By.ID, "comment-204")
    reply = browser.find_element(By.ID, "comment-206")
    body = removed.find_element(By.CSS_SELECTOR, ".archive-comment-body").text
    assert body.startswith("[removed on 20") and body == removed_note(body[12:22])
    assert "Carol Gone" not in browser.page_source and "later removed" not in browser.page_source
    assert removed.is_displayed() and reply.is_displayed()
    assert removed.rect["y"] < reply.rect["y"] and removed.rect["x"] < reply.rect["x"]  # the reply still answers it
    assert "Replying to a comment that has since gone." in reply.text


def test_hostile_post_runs_no_script(server: str, browser: webdriver.Chrome, tmp_path: Path) -> None:
    browser.get(server + POST_124)
    assert browser.find_element(By.CSS_SELECTOR, ".archive-body").text.startswith("Hostile post body.")
    assert browser.execute_script("return typeof window.__pwned") == "undefined"
    for link in browser.find_elements(By.CSS_SELECTOR, ".archive-body a, .archive-comment-body a"):
        assert link.get_attribute("href") is None
        link.click()
    assert browser.execute_script("return typeof window.__pwned") == "undefined"
    assert browser.execute_script(
        "return document.querySelectorAll('.archive-post img, .archive-thread img').length") == 0
    # the page's own scripts did run: scripts are enabled, so only sanitising kept the others out
    assert browser.execute_script("return document.readyState") == "complete"
    screenshot = tmp_path / "post-ddn-124-hostile.png"
    browser.save_screenshot(str(screenshot))
    print(f"screenshot: {screenshot}")


# --- the reading room at desktop and phone widths ---------------------------------------------------

WIDTHS = {"desktop": (1280, 900), "phone": (400, 850)}
NAV = ["Posts", "Comments", "Search", "Changes", "Dashboard", "Crawl health"]
# page name: (path, is a table page, links that must be there (href endings), renders archived HTML)
READING_PAGES = {
    "posts-table": ("/archive/posts", True, ["?categories__arraycontains=News"], True),
    "comments-table": ("/archive/comments", True, ["/archive/posts/ddn~3Apost~3A124"], True),
    "comment-row": ("/archive/comments/ddn~3Acomment~3A202", False, [POST_123 + "#comment-202"], True),
    "search": ("/-/search?q=hostile", False, [POST_124 + "#comment-301", POST_124], True),
    "changes": ("/-/changes?from=2024-01-01", False, [POST_123 + "#comment-202", "/-/diff/post/1"], True),
    "dashboard": ("/-/dashboard", False, ["/archive/comments_per_month", "/-/changes"], False),
    "capture": ("/-/captures/2", False, ["/-/captures/2/page", POST_124], True),
    "post": (POST_123, False, ["/-/captures/1", "/-/diff/post/1", "/-/diff/comment/2"], True),
    "hostile-post": (POST_124, False, ["/-/captures/2"], True),
}


@pytest.fixture(scope="module")
def screenshots(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("screenshots")


@pytest.mark.parametrize("width", list(WIDTHS))
@pytest.mark.parametrize("name", list(READING_PAGES))
def test_reading_room_page(server: str, browser: webdriver.Chrome, screenshots: Path, name: str, width: str) -> None:
    path, is_table, links, archived_html = READING_PAGES[name]
    browser.set_window_size(*WIDTHS[width])
    browser.get(server + path)
    assert browser.execute_script("return document.readyState") == "complete"
    shot = screenshots / f"{name}-{width}.png"
    assert browser.save_screenshot(str(shot))
    print(f"screenshot: {shot}")
    overflow = browser.execute_script(
        "return [document.documentElement.scrollWidth, document.documentElement.clientWidth]")
    assert overflow[0] <= overflow[1], f"{name} scrolls sideways at {width}: {overflow}"
    nav = browser.find_elements(By.CSS_SELECTOR, "ul.archive-nav a")
    assert [a.text for a in nav] == NAV and all(a.is_displayed() for a in nav)
    hrefs = [a.get_attribute("href") for a in browser.find_elements(By.CSS_SELECTOR, "a[href]")]
    for ending in links:
        assert any(h.endswith(ending) for h in hrefs), (name, ending)
    if is_table:
        top = browser.execute_script(
            "return document.querySelector('table.rows-and-columns tbody tr').getBoundingClientRect().top")
        assert top < browser.execute_script("return window.innerHeight"), f"first row at {top}px"
    if archived_html:
        assert browser.execute_script("return typeof window.__pwned") == "undefined"
        assert browser.execute_script("return document.querySelectorAll('img, object, embed').length") == 0


def test_capture_runs_nothing_and_fetches_nothing(server: str, browser: webdriver.Chrome) -> None:
    browser.set_window_size(*WIDTHS["desktop"])
    browser.get(server + "/-/captures/2")
    frame = browser.find_element(By.CSS_SELECTOR, "iframe.archive-capture-frame")
    assert frame.get_attribute("sandbox") == ""
    browser.switch_to.frame(frame)
    try:
        assert browser.find_element(By.ID, "capture-heading").text == "Hostile markup test"
        assert browser.execute_script("return typeof window.__pwned") == "undefined"
        image = browser.find_element(By.TAG_NAME, "img")
        assert browser.execute_script("return arguments[0].naturalWidth", image) == 0  # never fetched
        browser.find_element(By.ID, "capture-link").click()
    finally:
        browser.switch_to.default_content()
    assert browser.current_url == server + "/-/captures/2"  # the link could not navigate the page
    assert browser.execute_script("return typeof window.__pwned") == "undefined"
    # opened on its own, the body is still sandboxed by its Content-Security-Policy
    browser.get(server + "/-/captures/2/page")
    assert browser.find_element(By.ID, "capture-heading").text == "Hostile markup test"
    assert browser.execute_script("return typeof window.__pwned") == "undefined"
