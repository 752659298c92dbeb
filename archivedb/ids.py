"""Stable, site-qualified row ids built from WordPress's own ids."""

from __future__ import annotations

from urllib.parse import urlsplit


def post_id(site: str, wp_id: int | None, url: str) -> str:
    """``ddn:post:123``; a page that exposes no WordPress id falls back to its path."""
    if wp_id is not None:
        return f"{site}:post:{wp_id}"
    return f"{site}:url:{urlsplit(url).path}"


def comment_id(site: str, wp_id: int) -> str:
    return f"{site}:comment:{wp_id}"
