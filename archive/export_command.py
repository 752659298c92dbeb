"""``sector-archive export``: a table, view or SQL query to CSV, JSON lines or Parquet.

For analysts who want files rather than a browser. Columns keep the database's order; rows of a
table come out in primary-key order, so two exports of the same data are identical. Times are
exported exactly as stored: UTC ISO 8601 text (``YYYY-MM-DDTHH:MM:SSZ``). Binary values (raw
captures) are base64 text in CSV and JSON lines, bytes in Parquet.
"""

from __future__ import annotations

import base64
import csv
import io
import json
import sqlite3
import sys
from contextlib import closing
from pathlib import Path
from typing import Any, BinaryIO, Iterator

import click
import pyarrow as pa
import pyarrow.parquet as pq

from archive.cli import cli
from archive.publish import ArchiveUnavailable, check_archive

FORMATS = ("csv", "jsonl", "parquet")
BATCH_ROWS = 5000
DECLARED_TYPES = {"TEXT": pa.string(), "INTEGER": pa.int64(), "INT": pa.int64(),
                  "FLOAT": pa.float64(), "REAL": pa.float64(), "BLOB": pa.binary()}


class ExportError(Exception):
    """The export could not run (unknown table, bad SQL); the message is one line."""


def export(db_path: str | Path, out: BinaryIO, fmt: str, *, table: str | None = None,
           sql: str | None = None) -> int:
    """Write ``table`` (a table or view) or the result of ``sql`` to ``out``; return rows written."""
    if (table is None) == (sql is None):
        raise ExportError("give exactly one of a table/view name or --sql")
    uri = Path(check_archive(db_path)).resolve().as_uri() + "?mode=ro"
    with closing(sqlite3.connect(uri, uri=True)) as conn:
        query, declared = _table_query(conn, table) if table else (sql, {})
        try:
            cursor = conn.execute(query)
        except sqlite3.Error as e:
            raise ExportError(f"query failed: {e}") from None
        columns = [d[0] for d in cursor.description or ()]
        batches = iter(lambda: cursor.fetchmany(BATCH_ROWS), [])
        writer = {"csv": _write_csv, "jsonl": _write_jsonl, "parquet": _write_parquet}[fmt]
        return writer(out, columns, batches, declared)


def _table_query(conn: sqlite3.Connection, name: str) -> tuple[str, dict[str, str]]:
    """``select *`` in a stable row order, plus each column's declared type."""
    kind = conn.execute("select type from sqlite_master where name = ? and type in ('table', 'view')",
                        [name]).fetchone()
    if kind is None:
        raise ExportError(f"no table or view named {name!r}")
    info = conn.execute(f"pragma table_info({_quote(name)})").fetchall()
    declared = {row[1]: (row[2] or "").upper() for row in info}
    pks = [row[1] for row in sorted(info, key=lambda r: r[5]) if row[5]]
    order = ", ".join(_quote(c) for c in pks) if pks else ("rowid" if kind[0] == "table" else "")
    return f"select * from {_quote(name)}" + (f" order by {order}" if order else ""), declared


def _write_csv(out: BinaryIO, columns: list[str], batches: Iterator[list[tuple]], _: dict) -> int:
    text = io.TextIOWrapper(out, encoding="utf-8", newline="", write_through=True)
    writer = csv.writer(text)
    writer.writerow(columns)
    count = 0
    for batch in batches:
        writer.writerows([_text_value(v) for v in row] for row in batch)
        count += len(batch)
    text.detach()
    return count


def _write_jsonl(out: BinaryIO, columns: list[str], batches: Iterator[list[tuple]], _: dict) -> int:
    count = 0
    for batch in batches:
        lines = (json.dumps(dict(zip(columns, (_text_value(v) for v in row))), ensure_ascii=False)
                 for row in batch)
        out.write(("\n".join(lines) + "\n").encode("utf-8"))
        count += len(batch)
    return count


def _write_parquet(out: BinaryIO, columns: list[str], batches: Iterator[list[tuple]],
                   declared: dict[str, str]) -> int:
    first = next(batches, [])
    schema = pa.schema([(c, _arrow_type(declared.get(c, ""), [r[i] for r in first]))
                        for i, c in enumerate(columns)])
    count = 0
    with pq.ParquetWriter(out, schema) as writer:
        for batch in _chain(first, batches):
            arrays = [pa.array([_coerce(r[i], f.type) for r in batch], type=f.type)
                      for i, f in enumerate(schema)]
            writer.write_table(pa.Table.from_arrays(arrays, schema=schema))
            count += len(batch)
    return count


def _chain(first: list[tuple], rest: Iterator[list[tuple]]) -> Iterator[list[tuple]]:
    if first:
        yield first
    yield from rest


def _arrow_type(declared: str, sample: list[Any]) -> pa.DataType:
    """The declared SQLite type when there is one, else the type of the sampled values."""
    if declared in DECLARED_TYPES:
        return DECLARED_TYPES[declared]
    kinds = {type(v) for v in sample if v is not None}
    if kinds == {int}:
        return pa.int64()
    if kinds and kinds <= {int, float}:
        return pa.float64()
    if kinds == {bytes}:
        return pa.binary()
    return pa.string()


def _coerce(value: Any, arrow_type: pa.DataType) -> Any:
    """SQLite is loosely typed: make a stray value fit its column rather than abort the export."""
    if value is None:
        return None
    if arrow_type == pa.string() and not isinstance(value, str):
        return _text_value(value)
    if arrow_type == pa.binary() and isinstance(value, str):
        return value.encode("utf-8")
    if arrow_type == pa.int64() and not isinstance(value, int):
        raise ExportError(f"value {value!r} does not fit an INTEGER column")
    return value


def _text_value(value: Any) -> Any:
    return base64.b64encode(value).decode("ascii") if isinstance(value, bytes) else value


def _quote(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


@cli.command("export")
@click.argument("source", required=False)
@click.option("--sql", help="A SELECT query to export instead of a table or view.")
@click.option("--db", "db_path", default="archive.db", show_default=True,
              type=click.Path(dir_okay=False), help="Archive database to read.")
@click.option("-f", "--format", "fmt", type=click.Choice(FORMATS),
              help="Output format (default: from the output file's extension, else csv).")
@click.option("-o", "--output", type=click.Path(dir_okay=False, allow_dash=True), default="-",
              show_default=True, help="File to write; - for stdout.")
def export_command(source: str | None, sql: str | None, db_path: str, fmt: str | None,
                   output: str) -> None:
    """Export a table or view (SOURCE) or an SQL query to CSV, JSON lines or Parquet."""
    fmt = fmt or _format_from_name(output)
    try:
        if output == "-":
            count = export(db_path, sys.stdout.buffer, fmt, table=source, sql=sql)
            sys.stdout.buffer.flush()
        else:
            with open(output, "wb") as out:
                count = export(db_path, out, fmt, table=source, sql=sql)
    except (ArchiveUnavailable, ExportError) as e:
        if output != "-":
            Path(output).unlink(missing_ok=True)  # no half-written file for a failed export
        raise click.ClickException(str(e)) from None
    click.echo(f"Exported {count} rows as {fmt} to {'stdout' if output == '-' else output}", err=True)


def _format_from_name(output: str) -> str:
    suffix = Path(output).suffix.lower().lstrip(".")
    return {"jsonl": "jsonl", "ndjson": "jsonl", "parquet": "parquet"}.get(suffix, "csv")
