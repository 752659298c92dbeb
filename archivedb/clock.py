"""The one way the project writes "now": UTC, ISO 8601, second precision, ``Z`` suffix."""

from datetime import datetime, timezone


def utc_now() -> str:
    return datetime.now(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")
