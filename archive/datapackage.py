"""``sector-archive export --all DIR``: the archive as a Frictionless data package.

Every public table and view is written twice from one read snapshot, as ``<name>.parquet`` (typed,
for pandas, DuckDB, R) and ``<name>.csv`` (for anything), beside a ``datapackage.json`` that
describes the CSV files: each field's type and description, primary and foreign keys, and the
source and licence of each site. The directory appears only when complete.
"""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pyarrow as pa

from archive.export_command import column_descriptions, widened_notes
from archive.export_writers import write
from archive.output_file import atomic_directory
from archivedb.export_source import Column, Source, snapshot, table_source
from archivedb.schema import JSON_OBJECT, TABLES, VIEWS
from publishing.metadata import DB_NAME, project_metadata

PUBLIC = tuple(t.name for t in TABLES if t.public) + tuple(v.name for v in VIEWS)


PSEUDONYMISED = ("Commenters' names are replaced by per-site pseudonyms (commenter-…, a keyed hash: the same "
                 "commenter has the same pseudonym throughout); their links and the comments' content digests "
                 "are left empty.")


def write_data_package(db_path: str | Path, target: Path, *,
                       pseudonym_key: bytes | None = None) -> tuple[dict[str, int], list[str]]:
    """Fill ``target`` with the package; return rows per resource and notes on widened columns.
    With ``pseudonym_key``, commenters' names are pseudonymised (``archive/pseudonyms.py``)."""
    from archive.pseudonyms import pseudonymise

    metadata = project_metadata()
    described = metadata["databases"][DB_NAME].get("tables", {})
    counts: dict[str, int] = {}
    notes: list[str] = []
    resources = []
    with atomic_directory(target) as temp, snapshot(db_path) as conn:
        for name in PUBLIC:
            source = table_source(conn, name, column_descriptions(name))
            if pseudonym_key is not None:
                pseudonymise(conn, source, pseudonym_key)
            notes += widened_notes(source)
            for fmt in ("parquet", "csv"):
                with (temp / f"{name}.{fmt}").open("wb") as out:
                    counts[name] = write(source, out, fmt)
            resources.append(_resource(source, (described.get(name) or {}).get("description")))
        package = _package(metadata, resources)
        if pseudonym_key is not None:
            package["description"] = f"{package['description']} {PSEUDONYMISED}".strip()
        (temp / "datapackage.json").write_text(json.dumps(package, indent=2, ensure_ascii=False) + "\n",
                                               encoding="utf-8")
    return counts, notes


def _package(metadata: dict[str, Any], resources: list[dict[str, Any]]) -> dict[str, Any]:
    from reading.sites import PROFILES

    return {
        "profile": "tabular-data-package",
        "name": "sector-archive",
        "title": metadata.get("title", "Sector Archive"),
        "description": metadata["databases"][DB_NAME].get("description", ""),
        "created": datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ"),
        "sources": [{"title": p.title, "path": f"{p.origin}/"} for p in PROFILES.values()],
        "licenses": [{"name": "other-closed", "title": f"{p.title}: {metadata.get('license', '')}",
                      "path": f"{p.origin}/"} for p in PROFILES.values()],
        "resources": resources,
    }


def _resource(source: Source, description: str | None) -> dict[str, Any]:
    schema: dict[str, Any] = {"fields": [_field(c) for c in source.columns]}
    if source.key:
        schema["primaryKey"] = list(source.key)
    if source.foreign_keys:
        schema["foreignKeys"] = [
            {"fields": [column], "reference": {"resource": "" if other == source.name else other, "fields": [key]}}
            for column, other, key in source.foreign_keys if other in PUBLIC]
    return {
        "name": source.name,
        "path": f"{source.name}.csv",
        "profile": "tabular-data-resource",
        "format": "csv",
        "mediatype": "text/csv",
        "encoding": "utf-8",
        **({"description": description} if description else {}),
        "parquet": f"{source.name}.parquet",  # the same rows, typed, for pandas, DuckDB and R
        "schema": schema,
    }


def _field(column: Column) -> dict[str, Any]:
    """The Table Schema field for a column as the CSV writes it."""
    t = column.arrow
    field: dict[str, Any] = {"name": column.name, "type": "string"}
    if pa.types.is_timestamp(t):
        field["type"] = "datetime"
    elif pa.types.is_boolean(t):
        field.update(type="boolean", trueValues=["true"], falseValues=["false"])
    elif pa.types.is_list(t):
        field["type"] = "array"
    elif column.kind == JSON_OBJECT:
        field["type"] = "object"
    elif pa.types.is_integer(t):
        field["type"] = "integer"
    elif pa.types.is_floating(t):
        field["type"] = "number"
    elif pa.types.is_binary(t):
        field["format"] = "binary"
    if column.description:
        field["description"] = column.description
    return field
