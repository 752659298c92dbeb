"""The archive's own Datasette metadata, read from ``metadata.yml`` in this package.

Pages and feeds read titles, canned queries and column descriptions here rather than through
Datasette's ``metadata()`` and ``table_metadata()``, which Datasette 1.0 replaces (metadata moves
to the internal database and configuration to ``datasette.yaml``). The YAML stays the one source.
"""

from __future__ import annotations

import copy
from functools import cache
from pathlib import Path
from typing import Any

import yaml

DB_NAME = "archive"
METADATA_PATH = Path(__file__).parent / "metadata.yml"


@cache
def _parsed() -> dict[str, Any]:
    with METADATA_PATH.open(encoding="utf-8") as f:
        metadata: dict[str, Any] = yaml.safe_load(f)
    return metadata


def project_metadata() -> dict[str, Any]:
    """A fresh copy of the whole file (callers may add to it)."""
    return copy.deepcopy(_parsed())


def queries() -> dict[str, Any]:
    """The canned queries, by name."""
    return _parsed()["databases"][DB_NAME].get("queries") or {}


def table(name: str) -> dict[str, Any]:
    """One table's or view's metadata (title, description, columns, facets); empty if undescribed."""
    return (_parsed()["databases"][DB_NAME].get("tables") or {}).get(name) or {}
