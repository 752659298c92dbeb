"""``sector-archive export`` round trips: what an analyst reads back equals what the database holds,
with the types the schema promises, in every format, for every table and view."""

from __future__ import annotations

import base64
import csv
import io
import json
import re
import sqlite3
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

import duckdb
import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from click.testing import CliRunner

from archive.cli import cli
from archive.export_command import ExportError, export
from archivedb.schema import FLAG, IMAGES, INSTANT, JSON_OBJECT, STRINGS, TABLES, VIEWS
from publish_fixtures import build_archive

UTC_ISO = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z$")
PARQUET_INSTANT = pa.timestamp("ms", tz="UTC")  # Parquet has no seconds unit: whole seconds in ms
SOURCES = {t.name: t.kinds for t in TABLES} | {v.name: v.kinds for v in VIEWS}
IMAGE_STRUCT = pa.struct([("src", pa.string()), ("alt", pa.string()), ("caption", pa.string())])


@pytest.fixture(scope="module")
def db_path(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = build_archive(tmp_path_factory.mktemp("export") / "archive.db")
    with sqlite3.connect(path) as conn:  # one takedown record (undone), so redactions round-trips too
        conn.execute(
            "insert into redactions (kind, target, site, fields, reason, requested_by, created_at,"
            " withheld_sha256, rows_redacted, captures_scrubbed, undone_at)"
            " values ('comment', 'ddn:comment:1', 'ddn', '[\"author\"]', 'asked by e-mail', 'the commenter',"
            " '2025-11-21T10:00:00Z', ?, 1, 2, '2025-11-22T09:30:00Z')", ("0" * 64,))
    return path


def stored(db_path: Path, sql: str) -> tuple[list[str], list[dict[str, Any]]]:
    with sqlite3.connect(db_path) as conn:
        cursor = conn.execute(sql)
        columns = [d[0] for d in cursor.description]
        return columns, [dict(zip(columns, row)) for row in cursor.fetchall()]


def stored_source(db_path: Path, name: str) -> tuple[list[str], list[dict[str, Any]], dict[str, str]]:
    view_types = next((v.types for v in VIEWS if v.name == name), {})
    with sqlite3.connect(db_path) as conn:
        declared = {r[1]: r[2] or view_types[r[1]] for r in conn.execute(f"pragma table_info({name})")}
    order = next((", ".join(v.order) for v in VIEWS if v.name == name), None) or next(t.pk for t in TABLES if t.name == name)
    columns, rows = stored(db_path, f"select * from {name} order by {order}")
    return columns, rows, declared


def typed(value: Any, kind: str | None) -> Any:
    """A stored value as the typed exports carry it (Parquet and JSON lines)."""
    if value is None:
        return None
    if kind == INSTANT:
        return datetime.strptime(value, "%Y-%m-%dT%H:%M:%SZ").replace(tzinfo=timezone.utc)
    if kind == FLAG:
        return bool(value)
    if kind in (STRINGS, IMAGES, JSON_OBJECT):
        return json.loads(value)
    return value


def run(*args: str) -> Any:
    return CliRunner().invoke(cli, ["export", *args])


def parquet_bytes(db_path: Path, **source: str) -> pa.Table:
    buffer = io.BytesIO()
    export(db_path, buffer, "parquet", **source)
    buffer.seek(0)
    return pq.read_table(buffer)


@pytest.mark.parametrize("name", sorted(SOURCES))
def test_parquet_round_trip_of_every_table_and_view_with_exact_types(db_path: Path, tmp_path: Path, name: str) -> None:
    out = tmp_path / f"{name}.parquet"
    assert run("--db", str(db_path), name, "-o", str(out)).exit_code == 0
    columns, expected, declared = stored_source(db_path, name)
    assert expected, f"the fixture has no {name} rows to check"
    table = pq.read_table(out)
    assert table.column_names == columns
    kinds = SOURCES[name]
    for field in table.schema:
        kind = kinds.get(field.name)
        want = {INSTANT: PARQUET_INSTANT, FLAG: pa.bool_(), STRINGS: pa.list_(pa.string()),
                IMAGES: pa.list_(IMAGE_STRUCT), JSON_OBJECT: pa.string()}.get(kind) or {
            "INTEGER": pa.int64(), "TEXT": pa.string(), "BLOB": pa.binary(), "FLOAT": pa.float64(),
        }[declared[field.name]]
        assert field.type == want, (name, field.name)
    rows = table.to_pylist()
    parquet_kinds = {**kinds, **{c: None for c, k in kinds.items() if k == JSON_OBJECT}}  # JSON text in Parquet
    assert rows == [{c: typed(v, parquet_kinds.get(c)) for c, v in row.items()} for row in expected]


@pytest.mark.parametrize("name", sorted(SOURCES))
def test_jsonl_round_trip_of_every_table_and_view_carries_real_arrays_and_booleans(db_path: Path, name: str) -> None:
    buffer = io.BytesIO()
    export(db_path, buffer, "jsonl", table=name)
    columns, expected, _ = stored_source(db_path, name)
    back = [json.loads(line) for line in buffer.getvalue().decode("utf-8").splitlines()]
    kinds = {c: k for c, k in SOURCES[name].items() if k != INSTANT}  # instants stay ISO 8601 text
    want = [{c: typed(v, kinds.get(c)) for c, v in row.items()} for row in expected]
    if name == "captures":
        want = [{**row, "body": base64.b64encode(row["body"]).decode()} for row in want]
    assert back == want
    assert all(list(row) == columns for row in back)


@pytest.mark.parametrize("name", sorted(SOURCES))
def test_csv_round_trip_of_every_table_and_view(db_path: Path, name: str) -> None:
    buffer = io.BytesIO()
    export(db_path, buffer, "csv", table=name)
    columns, expected, _ = stored_source(db_path, name)
    reader = csv.DictReader(io.StringIO(buffer.getvalue().decode("utf-8"), newline=""))
    assert reader.fieldnames == columns
    flags = {c for c, k in SOURCES[name].items() if k == FLAG}

    def text(column: str, v: Any) -> str:
        if v is None:
            return ""
        if column in flags:
            return "true" if v else "false"
        return base64.b64encode(v).decode() if isinstance(v, bytes) else str(v)

    assert list(reader) == [{c: text(c, v) for c, v in row.items()} for row in expected]


def test_duckdb_reads_instants_lists_images_and_flags_as_typed(db_path: Path, tmp_path: Path) -> None:
    posts, comments = tmp_path / "posts.parquet", tmp_path / "comments.parquet"
    assert run("--db", str(db_path), "posts", "-o", str(posts)).exit_code == 0
    assert run("--db", str(db_path), "comments", "-o", str(comments)).exit_code == 0
    con = duckdb.connect()
    row = con.execute(f"select year(published), typeof(published), typeof(categories), categories[1], "
                      f"images[1].caption, typeof(comments_complete) from '{posts}' where id = 'collectivevoice:post:101'"
                      ).fetchone()
    assert row == (2021, "TIMESTAMP WITH TIME ZONE", "VARCHAR[]", "Blog", "The four threads", "BOOLEAN")
    by_year = con.execute(f"select year(posted_at) y, count(*) from '{comments}' group by y order by y").fetchall()
    assert by_year == [(2021, 1), (2023, 7)]
    assert con.execute(f"select count(*) from '{comments}' where not posted_ambiguous").fetchone() == (8,)
    assert con.execute(f"select list_contains(tags, 'naloxone') from '{posts}' where id = 'ddn:post:123'").fetchone() == (True,)


def test_parquet_fields_carry_the_data_dictionary_descriptions(db_path: Path) -> None:
    field = parquet_bytes(db_path, table="comments").schema.field("posted_at")
    assert field.metadata[b"description"].decode().startswith("When the comment was posted, UTC ISO 8601")
    assert parquet_bytes(db_path, table="threads").schema.field("replies").metadata[b"description"]


# The late-type cases of issue 12: types come from the whole result, never from its first rows.

LATE_INT = ("with recursive n(i) as (select 1 union all select i + 1 from n where i < 5001) "
            "select i, case when i = 5001 then 42 end as late from n")
INT_THEN_FLOAT = ("with recursive n(i) as (select 1 union all select i + 1 from n where i < 7501) "
                  "select i, case when i = 7501 then 7501.5 else i end as x from n")


def test_null_for_5000_rows_then_an_integer_is_an_integer_column(db_path: Path) -> None:
    table = parquet_bytes(db_path, sql=LATE_INT)
    assert table.schema.field("late").type == pa.int64()
    assert table.num_rows == 5001
    assert table.column("late").to_pylist() == [None] * 5000 + [42]


def test_integers_then_a_float_widen_to_float_without_loss(db_path: Path) -> None:
    table = parquet_bytes(db_path, sql=INT_THEN_FLOAT)
    assert table.schema.field("x").type == pa.float64()
    assert table.column("x").to_pylist() == [float(i) for i in range(1, 7501)] + [7501.5]


def test_a_declared_integer_column_holding_text_is_widened_to_text_and_said(tmp_path: Path) -> None:
    db = build_archive(tmp_path / "archive.db")
    with sqlite3.connect(db) as conn:
        conn.execute("update comments set wp_id = 'abc', posted_at = 'yesterday' where id = 'ddn:comment:203'")
    out = tmp_path / "comments.parquet"
    result = run("--db", str(db), "comments", "-o", str(out))
    assert result.exit_code == 0, result.output
    table = pq.read_table(out)
    assert table.schema.field("wp_id").type == pa.string()
    assert table.schema.field("posted_at").type == pa.string()
    assert "abc" in table.column("wp_id").to_pylist() and "201" in table.column("wp_id").to_pylist()
    assert "yesterday" in table.column("posted_at").to_pylist()
    assert "note: comments.wp_id exported as string: declared INTEGER but holds integer, text values" in result.stderr
    assert "note: comments.posted_at exported as string: 1 values are not UTC ISO 8601 instants" in result.stderr


def test_integers_too_large_for_a_float_beside_floats_become_exact_text(db_path: Path) -> None:
    table = parquet_bytes(db_path, sql="select 9007199254740993 as x union all select 0.5")
    assert table.schema.field("x").type == pa.string()
    assert sorted(table.column("x").to_pylist()) == ["0.5", "9007199254740993"]


def test_sql_query_keeps_declared_types_of_table_columns(db_path: Path) -> None:
    sql = ("select site, count(*) as n, avg(depth) as mean_depth, max(parent_id) as last_parent, "
           "min(wp_id) as first_wp from comments group by site order by site")
    table = parquet_bytes(db_path, sql=sql)
    assert [f.type for f in table.schema] == [pa.string(), pa.int64(), pa.float64(), pa.string(), pa.int64()]
    assert table.to_pylist() == stored(db_path, sql)[1]


def test_images_with_an_extra_key_keep_it(tmp_path: Path) -> None:
    db = build_archive(tmp_path / "archive.db")
    images = [{"src": "a.jpg", "alt": None, "caption": "c", "width": "300"}]
    with sqlite3.connect(db) as conn:
        conn.execute("update posts set images = ? where id = 'ddn:post:125'", [json.dumps(images)])
    table = parquet_bytes(db, table="posts")
    assert [f.name for f in table.schema.field("images").type.value_type] == ["src", "alt", "caption", "width"]
    assert [r["images"] for r in table.to_pylist() if r["id"] == "ddn:post:125"] == [images]


# Unchanged contracts.

def test_sql_query_to_stdout_as_csv(db_path: Path) -> None:
    result = run("--db", str(db_path), "--sql",
                 "select id, posted_at, depth from comments where post_id = 'ddn:post:123' order by position")
    assert result.exit_code == 0
    assert result.stdout_bytes == (
        b"id,posted_at,depth\r\n"
        b"ddn:comment:201,2023-11-02T18:30:00Z,1\r\n"
        b"ddn:comment:202,2023-11-03T08:05:00Z,2\r\n"
        b"ddn:comment:203,2023-11-03T09:00:00Z,3\r\n"
        b"ddn:comment:204,2023-11-04T12:00:00Z,1\r\n"
        b"ddn:comment:206,2023-11-05T07:45:00Z,2\r\n"
        b"ddn:comment:205,2023-11-06T10:00:00Z,1\r\n")


def test_exported_times_are_utc_iso_8601_in_text_formats(db_path: Path) -> None:
    buffer = io.BytesIO()
    export(db_path, buffer, "jsonl", table="comments")
    times = [json.loads(line)["posted_at"] for line in buffer.getvalue().decode().splitlines()]
    assert len(times) == 8 and all(UTC_ISO.match(t) for t in times)


@pytest.mark.parametrize("fmt", ["csv", "jsonl", "parquet"])
def test_two_exports_are_byte_identical(db_path: Path, fmt: str) -> None:
    first, second = io.BytesIO(), io.BytesIO()
    export(db_path, first, fmt, table="comments")
    export(db_path, second, fmt, table="comments")
    assert first.getvalue() == second.getvalue()


def test_format_follows_the_file_extension(db_path: Path, tmp_path: Path) -> None:
    out = tmp_path / "crawls.jsonl"
    result = run("--db", str(db_path), "crawls", "-o", str(out))
    assert result.stderr == f"Exported 3 rows as jsonl to {out}\n"
    assert [json.loads(line)["id"] for line in out.read_text().splitlines()] == [1, 2, 3]


def test_export_needs_exactly_one_source(db_path: Path) -> None:
    with pytest.raises(ExportError):
        export(db_path, io.BytesIO(), "csv")
    with pytest.raises(ExportError):
        export(db_path, io.BytesIO(), "csv", table="posts", sql="select 1")
    result = run("--db", str(db_path), "posts", "--sql", "select 1")
    assert (result.exit_code, result.stderr) == (2, "error: give exactly one of SOURCE, --sql, --all DIR or --warc FILE\n")


def test_every_column_the_dictionary_calls_an_instant_or_a_flag_is_typed_as_one() -> None:
    """The schema's kinds and the data dictionary agree, so a new UTC column or 0/1 flag added to
    one without the other fails here rather than exporting as text or an integer."""
    from publishing.app import DB_NAME, load_metadata

    described = load_metadata()["databases"][DB_NAME]["tables"]
    for name, kinds in SOURCES.items():
        for column, text in (described[name].get("columns") or {}).items():
            assert ("UTC ISO 8601" in text) == (kinds.get(column) == INSTANT), (name, column)
            assert text.startswith(("1 when", "1 for")) == (kinds.get(column) == FLAG), (name, column)
