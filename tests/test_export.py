"""``sector-archive export`` round trips: what an analyst reads back equals what the database holds."""

from __future__ import annotations

import base64
import csv
import io
import json
import re
import sqlite3
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from click.testing import CliRunner

from archive.cli import cli
from archive.export_command import ExportError, export
from publish_fixtures import build_archive

UTC_ISO = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z$")


@pytest.fixture(scope="module")
def db_path(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return build_archive(tmp_path_factory.mktemp("export") / "archive.db")


def stored(db_path: Path, sql: str) -> tuple[list[str], list[dict[str, Any]]]:
    with sqlite3.connect(db_path) as conn:
        cursor = conn.execute(sql)
        columns = [d[0] for d in cursor.description]
        return columns, [dict(zip(columns, row)) for row in cursor.fetchall()]


def run(*args: str) -> Any:
    return CliRunner().invoke(cli, ["export", *args])


def test_csv_round_trip_of_a_table(db_path: Path, tmp_path: Path) -> None:
    out = tmp_path / "posts.csv"
    assert run("--db", str(db_path), "posts", "-o", str(out)).exit_code == 0
    columns, expected = stored(db_path, "select * from posts order by id")
    with out.open(newline="", encoding="utf-8") as f:
        reader = csv.DictReader(f)
        assert reader.fieldnames == columns
        back = list(reader)
    assert back == [{k: "" if v is None else str(v) for k, v in row.items()} for row in expected]


def test_jsonl_round_trip_keeps_types_nulls_and_column_order(db_path: Path, tmp_path: Path) -> None:
    out = tmp_path / "comments.jsonl"
    assert run("--db", str(db_path), "comments", "-o", str(out)).exit_code == 0
    columns, expected = stored(db_path, "select * from comments order by id")
    lines = out.read_text(encoding="utf-8").splitlines()
    back = [json.loads(line) for line in lines]
    assert back == expected
    assert all(list(row) == columns for row in back)


def test_parquet_round_trip_with_declared_types(db_path: Path, tmp_path: Path) -> None:
    out = tmp_path / "posts.parquet"
    assert run("--db", str(db_path), "posts", "-o", str(out)).exit_code == 0
    columns, expected = stored(db_path, "select * from posts order by id")
    table = pq.read_table(out)
    assert table.column_names == columns
    assert table.schema.field("wp_id").type == pa.int64()
    assert table.schema.field("published").type == pa.string()
    assert table.to_pylist() == expected


def test_parquet_keeps_capture_bodies_as_bytes_and_jsonl_as_base64(db_path: Path, tmp_path: Path) -> None:
    _, expected = stored(db_path, "select * from captures order by id")
    parquet_out, jsonl_out = tmp_path / "c.parquet", tmp_path / "c.jsonl"
    assert run("--db", str(db_path), "captures", "-o", str(parquet_out)).exit_code == 0
    assert pq.read_table(parquet_out).to_pylist() == expected
    assert run("--db", str(db_path), "captures", "-o", str(jsonl_out)).exit_code == 0
    (line,) = jsonl_out.read_text(encoding="utf-8").splitlines()
    assert base64.b64decode(json.loads(line)["body"]) == b"<html>\x00\xff raw</html>"


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


def test_sql_query_to_parquet_infers_types_from_values(db_path: Path) -> None:
    buffer = io.BytesIO()
    sql = ("select site, count(*) as n, avg(depth) as mean_depth, max(parent_id) as last_parent "
           "from comments group by site order by site")
    assert export(db_path, buffer, "parquet", sql=sql) == 2
    buffer.seek(0)
    table = pq.read_table(buffer)
    assert [f.type for f in table.schema] == [pa.string(), pa.int64(), pa.float64(), pa.string()]
    assert table.to_pylist() == stored(db_path, sql)[1]


def test_exported_times_are_utc_iso_8601(db_path: Path) -> None:
    buffer = io.BytesIO()
    export(db_path, buffer, "jsonl", table="comments")
    times = [json.loads(line)["posted_at"] for line in buffer.getvalue().decode().splitlines()]
    assert len(times) == 8 and all(UTC_ISO.match(t) for t in times)


def test_two_exports_are_byte_identical(db_path: Path) -> None:
    first, second = io.BytesIO(), io.BytesIO()
    export(db_path, first, "csv", table="comments")
    export(db_path, second, "csv", table="comments")
    assert first.getvalue() == second.getvalue()


def test_format_follows_the_file_extension(db_path: Path, tmp_path: Path) -> None:
    out = tmp_path / "crawls.jsonl"
    result = run("--db", str(db_path), "crawls", "-o", str(out))
    assert result.stderr == f"Exported 3 rows as jsonl to {out}\n"
    assert [json.loads(line)["id"] for line in out.read_text().splitlines()] == [1, 2, 3]


def test_unknown_table_is_a_one_line_error(db_path: Path, tmp_path: Path) -> None:
    out = tmp_path / "nothing.csv"
    result = run("--db", str(db_path), "no_such_table", "-o", str(out))
    assert result.exit_code == 1
    assert result.stderr == "Error: no table or view named 'no_such_table'\n"
    assert not out.exists()


def test_bad_sql_and_missing_db_are_one_line_errors(db_path: Path, tmp_path: Path) -> None:
    result = run("--db", str(db_path), "--sql", "select nope from posts")
    assert (result.exit_code, result.stderr) == (1, "Error: query failed: no such column: nope\n")
    missing = tmp_path / "missing.db"
    result = run("--db", str(missing), "posts")
    assert (result.exit_code, result.stderr) == (1, f"Error: archive database not found: {missing}\n")


def test_export_needs_exactly_one_source(db_path: Path) -> None:
    with pytest.raises(ExportError):
        export(db_path, io.BytesIO(), "csv")
    with pytest.raises(ExportError):
        export(db_path, io.BytesIO(), "csv", table="posts", sql="select 1")
