"""Shared fixtures: loopback mirrors of the two sites, a factory for private mirrors, a temp db.

``cv_mirror`` / ``ddn_mirror`` are shared by the whole session: use them read-only (no hooks).
A test that edits pages or injects faults takes ``mirror_factory("ddn")`` and gets its own
server, stopped at the end of the test.
"""

from __future__ import annotations

import sys
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).parent))

from mirror import SITES_DIR, MirrorServer  # noqa: E402

SITE_NAMES = ("collectivevoice", "ddn", "themes", "builders")


def _mirror(site: str) -> MirrorServer:
    if site not in SITE_NAMES:
        raise ValueError(f"unknown mirror {site!r} (known: {', '.join(SITE_NAMES)})")
    return MirrorServer(SITES_DIR / site)


@pytest.fixture(scope="session")
def cv_mirror() -> Iterator[MirrorServer]:
    """Collective Voice, served as saved; no faults."""
    with _mirror("collectivevoice") as server:
        yield server


@pytest.fixture(scope="session")
def ddn_mirror() -> Iterator[MirrorServer]:
    """DDN, served as saved; no faults (the fail-once post is NOT armed: see ``mirror_factory``)."""
    with _mirror("ddn") as server:
        yield server


@pytest.fixture
def mirror_factory() -> Iterator[Callable[..., MirrorServer]]:
    """``mirror_factory(site, faults=False)`` starts a private, freely mutable mirror.

    With ``faults=True`` the faults documented in the site's ``expected.json`` are armed (for
    DDN: its sitemap-listed post answers 500 once, then serves normally).
    """
    started: list[MirrorServer] = []

    def make(site: str, faults: bool = False) -> MirrorServer:
        server = _mirror(site).start()
        started.append(server)
        if faults:
            server.apply_expected_faults()
        return server

    yield make
    for server in started:
        server.stop()


@pytest.fixture
def tmp_db(tmp_path: Path) -> Path:
    """Path of a not-yet-created sqlite file in a fresh temporary directory."""
    return tmp_path / "archive.db"
