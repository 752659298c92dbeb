"""Write a typed ``Source`` as CSV, JSON lines or Parquet, batch by batch.

Every format carries the same typed values. Parquet holds real types (``timestamp[s, tz=UTC]``,
booleans, ``list<string>``, ``list<struct>``) and each column's description in its field
metadata. JSON lines holds real booleans, arrays and objects; instants stay ISO 8601 text, binary
values are base64. CSV holds the stored text, ``true``/``false`` for flags and JSON text for lists,
which is what the data package's CSV schema declares.
"""

from __future__ import annotations

import base64
import csv
import io
import json
from collections.abc import Callable
from typing import Any, BinaryIO

import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq

from archivedb.export_source import INSTANT_FORMAT, Column, Source
from archivedb.schema import JSON_OBJECT

FORMATS = ("csv", "jsonl", "parquet")
EXTENSIONS = {".csv": "csv", ".jsonl": "jsonl", ".ndjson": "jsonl", ".parquet": "parquet", ".pq": "parquet"}


def write(source: Source, out: BinaryIO, fmt: str) -> int:
    """Write every row of ``source`` to ``out`` in ``fmt``; return the number of rows."""
    return {"csv": write_csv, "jsonl": write_jsonl, "parquet": write_parquet}[fmt](source, out)


def write_csv(source: Source, out: BinaryIO) -> int:
    text = io.TextIOWrapper(out, encoding="utf-8", newline="", write_through=True)
    writer = csv.writer(text)
    writer.writerow([c.name for c in source.columns])
    convert = [_csv_converter(c) for c in source.columns]
    count = 0
    for batch in source.batches():
        writer.writerows([f(v) for f, v in zip(convert, row)] for row in batch)
        count += len(batch)
    text.detach()
    return count


def write_jsonl(source: Source, out: BinaryIO) -> int:
    names = [c.name for c in source.columns]
    convert = [_json_converter(c) for c in source.columns]
    count = 0
    for batch in source.batches():
        lines = (json.dumps(dict(zip(names, (f(v) for f, v in zip(convert, row)))), ensure_ascii=False)
                 for row in batch)
        out.write(("\n".join(lines) + "\n").encode("utf-8"))
        count += len(batch)
    return count


def write_parquet(source: Source, out: BinaryIO) -> int:
    schema = arrow_schema(source.columns)
    count = 0
    with pq.ParquetWriter(out, schema) as writer:
        for batch in source.batches():
            arrays = [arrow_array([row[i] for row in batch], c) for i, c in enumerate(source.columns)]
            writer.write_table(pa.Table.from_arrays(arrays, schema=schema))
            count += len(batch)
    return count


def arrow_schema(columns: list[Column]) -> pa.Schema:
    return pa.schema([pa.field(c.name, c.arrow, metadata={"description": c.description} if c.description else None)
                      for c in columns])


def arrow_array(values: list[Any], column: Column) -> pa.Array:
    """One batch of a column's SQLite values as an Arrow array of the column's type."""
    t = column.arrow
    if pa.types.is_timestamp(t):
        return pc.strptime(pa.array(values, pa.string()), format=INSTANT_FORMAT, unit="s").cast(t)
    if pa.types.is_boolean(t):
        return pa.array([None if v is None else bool(v) for v in values], t)
    if pa.types.is_list(t):
        return pa.array([None if v is None else json.loads(v) for v in values], t)
    if pa.types.is_string(t):
        return pa.array([v if v is None or isinstance(v, str) else _text(v) for v in values], t)
    if pa.types.is_binary(t):
        return pa.array([v if v is None or isinstance(v, bytes) else _text(v).encode("utf-8") for v in values], t)
    if pa.types.is_floating(t):
        return pa.array([None if v is None else float(v) for v in values], t)
    return pa.array(values, t)


def _json_converter(column: Column) -> Callable[[Any], Any]:
    t = column.arrow
    if pa.types.is_boolean(t):
        return lambda v: None if v is None else bool(v)
    if pa.types.is_list(t) or column.kind == JSON_OBJECT:
        return lambda v: None if v is None else json.loads(v)
    if pa.types.is_binary(t):
        return lambda v: None if v is None else base64.b64encode(v if isinstance(v, bytes) else _text(v).encode()).decode("ascii")
    return _plain_converter(t)


def _csv_converter(column: Column) -> Callable[[Any], Any]:
    t = column.arrow
    if pa.types.is_boolean(t):
        return lambda v: None if v is None else ("true" if v else "false")
    if pa.types.is_binary(t):
        return lambda v: None if v is None else base64.b64encode(v if isinstance(v, bytes) else _text(v).encode()).decode("ascii")
    return _plain_converter(t)


def _plain_converter(t: pa.DataType) -> Callable[[Any], Any]:
    if pa.types.is_string(t):
        return lambda v: v if v is None or isinstance(v, str) else _text(v)
    if pa.types.is_floating(t):
        return lambda v: None if v is None else float(v)
    return lambda v: v


def _text(value: Any) -> str:
    """A value of a column widened to text: numbers as SQLite would print them, bytes as UTF-8."""
    if isinstance(value, bytes):
        return value.decode("utf-8", errors="surrogateescape")
    return repr(value) if isinstance(value, float) else str(value)
