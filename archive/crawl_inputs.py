"""Check what a person types for a crawl before anything starts: a mirror's URL and ``-s``
overrides of the project's typed ``ARCHIVE_*`` settings. Each check returns the problem in a few
words (the command prefixes the input it was given), or None when the input is usable."""

from __future__ import annotations

from urllib.parse import urlsplit

BOOL_WORDS = ("0", "1", "True", "False", "true", "false")  # what Scrapy's getbool accepts


def base_url_problem(url: str) -> str | None:
    """A mirror must be an http(s) URL with a host and a valid port; anything else would start a
    run that can only fail (or crash on the first request)."""
    if any(c.isspace() or ord(c) < 32 for c in url):
        return "contains spaces or control characters"
    try:
        parts = urlsplit(url)
        port = parts.port  # raises for a port out of range or not a number
    except ValueError as exc:
        return f"not a valid URL ({exc})"
    if parts.scheme not in ("http", "https"):
        return "not an http(s) URL"
    if not parts.hostname:
        return "no host"
    if port == 0:
        return "port 0 is not a port a site listens on"
    return None


def setting_problem(name: str, value: str) -> str | None:
    """An ``ARCHIVE_*`` setting must parse as the type of its default in ``spiders/addon.py``
    (Scrapy would otherwise raise deep inside the crawl); counts and sizes are not negative."""
    if not name.startswith("ARCHIVE_"):
        return None
    from spiders.addon import ARCHIVE_DEFAULTS

    default = ARCHIVE_DEFAULTS.get(name)
    if isinstance(default, bool):
        return None if value in BOOL_WORDS else f"expected one of {', '.join(BOOL_WORDS)}"
    if isinstance(default, int):
        try:
            number: float = int(value)
        except ValueError:
            return "expected a whole number"
    elif isinstance(default, float):
        try:
            number = float(value)
        except ValueError:
            return "expected a number"
    else:
        return None
    return "must not be negative" if number < 0 else None
