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
from selenium.webdriver.common.by import By

from publish_fixtures import build_archive

CHROMIUM, CHROMEDRIVER = "/usr/bin/chromium", "/usr/bin/chromedriver"
POST_123 = "/archive/posts/ddn~3Apost~3A123"
POST_124 = "/archive/posts/ddn~3Apost~3A124"


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
    db = build_archive(tmp_path_factory.mktemp("browser") / "snapshot.db")
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
