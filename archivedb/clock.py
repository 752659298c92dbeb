"""The one way the project writes "now": UTC, ISO 8601, second precision, ``Z`` suffix."""

from datetime import UTC, datetime


def utc_now() -> str:
    return datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
