"""What an export reads: a read-only connection that refuses ``ATTACH`` and every write, the rows of
a table, view or query in a stable order, and the exact type of every column.

Types are decided before the first row is written, from the whole result rather than its first
rows: the declared SQLite type and the schema's kind of each column (``archivedb/schema.py``: UTC
instant, flag, list, images) are checked against every value in one aggregate pass over the
same read snapshot. A column whose values do not all fit is widened (integer to float, anything to
text) and said so, never truncated or refused half-way. Rows then stream in batches sized by
their bytes, so memory stays flat however many rows there are.

Every row an export writes leaves through ``Source.batches``: the one place where rows or fields
withheld from publishing (issue 15's redaction) are to be filtered.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable, Iterator
from contextlib import closing, contextmanager
from dataclasses import dataclass, field
from pathlib import Path

import pyarrow as pa

from archivedb.database import open_archive
from archivedb.schema import FLAG, IMAGE_FIELDS, IMAGES, INSTANT, JSON_OBJECT, STRINGS, TABLES, VIEWS, view_sql

# A batch is held three times over (SQLite's row tuples, converted values, Arrow arrays), each
# value costing ~64 bytes of Python beside its data: ~8 MiB of data keeps a batch near 50 MiB.
BATCH_BYTES = 8 * 1024 * 1024
MAX_BATCH_ROWS = 10_000
VALUE_OVERHEAD = 64
EXACT_FLOAT_INT = 2**53  # integers beyond this lose digits as float64: such a column goes to text
QUERY_VIEW = "_export_query"
INSTANT_FORMAT = "%Y-%m-%dT%H:%M:%SZ"
UTC_SECONDS = pa.timestamp("s", tz="UTC")

# The only statements an export connection may prepare: reads, plus temporary views in its own
# temp schema (how a --sql query's declared types are read). ATTACH, DETACH, writes, and pragmas
# other than table_info are refused, so no query can create or change a file.
_ALLOWED_ACTIONS = {sqlite3.SQLITE_SELECT, sqlite3.SQLITE_READ, sqlite3.SQLITE_FUNCTION,
                    sqlite3.SQLITE_RECURSIVE, sqlite3.SQLITE_TRANSACTION}
_TEMP_SCHEMA_ACTIONS = {sqlite3.SQLITE_CREATE_TEMP_VIEW, sqlite3.SQLITE_DROP_TEMP_VIEW,
                        sqlite3.SQLITE_INSERT, sqlite3.SQLITE_UPDATE, sqlite3.SQLITE_DELETE}


class ExportError(Exception):
    """The export could not run (unknown table, bad SQL, unwritable output); one line."""


@dataclass(frozen=True)
class Column:
    name: str
    arrow: pa.DataType
    kind: str | None = None  # the schema kind the values were checked to hold (archivedb.schema)
    description: str | None = None
    widened: str | None = None  # why the column is wider than declared, when it is


@dataclass
class Source:
    """A resolved export: its query, typed columns and key, read from one snapshot."""

    name: str
    query: str
    columns: list[Column]
    rows: int
    batch_rows: int
    conn: sqlite3.Connection = field(repr=False)
    key: tuple[str, ...] = ()
    foreign_keys: tuple[tuple[str, str, str], ...] = ()
    # Applied to every batch on its way out, same columns and types (``export --pseudonymise``).
    transform: Callable[[list[tuple]], list[tuple]] | None = field(default=None, repr=False)

    def batches(self) -> Iterator[list[tuple]]:
        """The rows in order, ``batch_rows`` at a time."""
        try:
            cursor = self.conn.execute(self.query)
            while batch := cursor.fetchmany(self.batch_rows):
                yield self.transform(batch) if self.transform else batch
        except sqlite3.DatabaseError as e:
            raise ExportError(f"query failed: {e}") from None


def commenter_names(conn: sqlite3.Connection) -> dict[str, list[str]]:
    """Every commenter's name per site, earlier versions' included: what a pseudonymised export
    looks for in free text that quotes names."""
    names: dict[str, list[str]] = {}
    for site, author in _run(conn, "select site, author from comments where author is not null union "
                                   "select c.site, v.author from comment_versions v join comments c on c.id = v.comment_id"
                                   " where v.author is not null"):
        names.setdefault(site, []).append(author)
    return names


def open_readonly(path: str | Path) -> sqlite3.Connection:
    """The export's connection: the database layer's read-only open (``mode=ro``, never a
    migration or a journal switch), plus an authorizer that allows reads only."""
    conn = open_archive(str(path), readonly=True, allow_outdated=True).conn
    conn.set_authorizer(_authorize)
    return conn


def _authorize(action: int, arg1: str | None, arg2: str | None, db: str | None, _: str | None) -> int:
    if action in _ALLOWED_ACTIONS:
        return sqlite3.SQLITE_OK
    if action in _TEMP_SCHEMA_ACTIONS and db == "temp":
        return sqlite3.SQLITE_OK
    if action == sqlite3.SQLITE_PRAGMA and arg1 in ("table_info", "table_xinfo"):
        return sqlite3.SQLITE_OK
    if action == sqlite3.SQLITE_UPDATE and arg1 == "sqlite_master":
        return sqlite3.SQLITE_OK  # SQLite's own schema parse (a virtual table's declaration) asks this
    return sqlite3.SQLITE_DENY


@contextmanager
def snapshot(path: str | Path) -> Iterator[sqlite3.Connection]:
    """A read-only connection holding one read transaction, so the typing pass and the rows see
    the same data even while a crawl writes."""
    with closing(open_readonly(path)) as conn:
        conn.execute("BEGIN")
        try:
            yield conn
        finally:
            conn.rollback()


def table_source(conn: sqlite3.Connection, name: str,
                 descriptions: dict[str, str] | None = None) -> Source:
    """A table or view by name, in primary-key (or the view's declared) order. A view the schema
    defines but this archive predates is created as a temporary view."""
    kind = _object_type(conn, name)
    view = next((v for v in VIEWS if v.name == name), None)
    if kind is None and view is not None:
        for missing in VIEWS:  # in dependency order: a view may read an earlier one
            if _object_type(conn, missing.name) is None:
                _run(conn, view_sql(missing, temp=True))
        kind = "view"
    if kind is None:
        raise ExportError(f"no table or view named {name!r}")
    table = next((t for t in TABLES if t.name == name), None)
    info = _run(conn, f"pragma table_info({_quote(name)})").fetchall()
    present = [row[1] for row in info]
    if kind == "table":
        pks = [row[1] for row in sorted(info, key=lambda r: r[5]) if row[5]]
        order, key = [_quote(c) for c in pks] or ["rowid"], tuple(pks)
    else:
        order = [_quote(c) for c in (view.order if view else ()) if c in present]
        key = view.key if view else ()
    kinds = table.kinds if table else view.kinds if view else {}
    query = f"select * from {_quote(name)}" + (f" order by {', '.join(order)}" if order else "")
    declared = {row[1]: row[2] or (view.types.get(row[1], "") if view else "") for row in info}
    source = _typed(conn, name, _quote(name), present, declared, kinds, query, descriptions or {})
    source.key = key
    source.foreign_keys = table.foreign_keys if table else ()
    return source


def query_source(conn: sqlite3.Connection, sql: str) -> Source:
    """A SELECT (or WITH … SELECT) query. Its declared column types come from SQLite itself: the
    query becomes a temporary view, whose ``table_info`` gives each result column's declared type
    (a column read straight from a table keeps that column's type; an expression has none)."""
    sql = sql.strip().rstrip(";").strip()
    if not sql:
        raise ExportError("--sql is empty")
    _run(conn, f"explain {sql}")  # prepared, never run: the authorizer sees every statement first
    _run(conn, f"create temp view {QUERY_VIEW} as {sql}")
    info = _run(conn, f"pragma temp.table_info({QUERY_VIEW})").fetchall()
    declared = {row[1]: row[2] for row in info}
    return _typed(conn, "query", f"temp.{QUERY_VIEW}", [row[1] for row in info], declared, {}, sql, {})


def _typed(conn: sqlite3.Connection, name: str, relation: str, columns: list[str], declared: dict[str, str],
           kinds: dict[str, str], query: str, descriptions: dict[str, str]) -> Source:
    stats = _column_stats(conn, relation, columns, {c: kinds.get(c) for c in columns})
    rows, total_bytes = stats.pop("__rows__"), stats.pop("__bytes__")
    typed = []
    for c in columns:
        kind = kinds.get(c)
        image_keys = _image_keys(conn, relation, c) if kind == IMAGES and stats[c]["bad"] == 0 else ()
        arrow, kept, widened = column_type(declared.get(c) or "", kind, stats[c], image_keys)
        typed.append(Column(c, arrow, kept, descriptions.get(c), widened))
    per_row = total_bytes // max(rows, 1) + VALUE_OVERHEAD * len(columns)
    batch_rows = max(100, min(MAX_BATCH_ROWS, BATCH_BYTES // per_row))
    return Source(name, query, typed, rows, batch_rows, conn)


def _column_stats(conn: sqlite3.Connection, relation: str, columns: list[str],
                  kinds: dict[str, str | None]) -> dict:
    """One aggregate pass: per column, the storage classes present, the integer range, and how
    many values do not hold what the column's kind promises."""
    exprs = ["count(*)", "0"]
    for c in columns:
        q, kind = _quote(c), kinds[c]
        exprs += [f"group_concat(distinct typeof({q}))",
                  f"min(case when typeof({q}) = 'integer' then {q} end)",
                  f"max(case when typeof({q}) = 'integer' then {q} end)",
                  f"coalesce(sum(length({q})), 0)",
                  f"coalesce(sum({q} is not null and not ({_fits(q, kind)})), 0)" if kind else "0"]
    row = _run(conn, f"select {', '.join(exprs)} from {relation}").fetchone()
    stats: dict = {"__rows__": row[0], "__bytes__": 0}
    for i, c in enumerate(columns):
        classes, low, high, size, bad = row[2 + 5 * i: 7 + 5 * i]
        stats[c] = {"classes": set((classes or "").split(",")) - {"", "null"}, "min": low, "max": high, "bad": bad}
        stats["__bytes__"] += size
    return stats


def _fits(q: str, kind: str) -> str:
    """SQL true when a non-null value holds what ``kind`` promises (CASE keeps JSON functions
    away from values that are not JSON)."""
    if kind == INSTANT:
        return f"typeof({q}) = 'text' and strftime('{INSTANT_FORMAT}', {q}) is {q}"
    if kind == FLAG:
        return f"typeof({q}) = 'integer' and {q} in (0, 1)"
    json_of = ("case when typeof({q}) = 'text' and json_valid({q}) then "
               "case when json_type({q}) = '{t}' then {test} else 0 end else 0 end")
    if kind == STRINGS:
        return json_of.format(q=q, t="array", test=f"not exists (select 1 from json_each({q}) "
                                                      "where type not in ('text', 'null'))")
    if kind == IMAGES:
        return json_of.format(q=q, t="array", test=(
            f"not exists (select 1 from json_each({q}) e where e.type != 'object' or exists "
            "(select 1 from json_each(e.value) k where k.type not in ('text', 'null')))"))
    if kind == JSON_OBJECT:
        return json_of.format(q=q, t="object", test="1")
    return "1"


def _image_keys(conn: sqlite3.Connection, relation: str, column: str) -> tuple[str, ...]:
    """Every key any image object has: the struct holds them all, the usual three first."""
    q = _quote(column)
    found = {r[0] for r in _run(conn, f"select distinct k.key from {relation} s, json_each(s.{q}) e, "
                                      "json_each(e.value) k")}
    return IMAGE_FIELDS + tuple(sorted(found - set(IMAGE_FIELDS)))


def column_type(declared: str, kind: str | None, stats: dict,
                image_keys: tuple[str, ...] = IMAGE_FIELDS) -> tuple[pa.DataType, str | None, str | None]:
    """The Arrow type for a column: its schema kind if every value holds it, else the narrowest
    type every value fits without loss, starting from the declared type. Returns the type, the
    kind kept, and a note when the values forced a wider type than declared."""
    if kind and stats["bad"] == 0:
        if kind == INSTANT:
            return UTC_SECONDS, kind, None
        if kind == FLAG:
            return pa.bool_(), kind, None
        if kind == STRINGS:
            return pa.list_(pa.string()), kind, None
        if kind == IMAGES:
            return pa.list_(pa.struct([(k, pa.string()) for k in image_keys])), kind, None
        if kind == JSON_OBJECT:
            return pa.string(), kind, None
    classes: set[str] = stats["classes"]
    base = _declared_type(declared)
    if not classes:
        chosen = base or pa.string()
    elif "blob" in classes:
        chosen = pa.binary()
    elif "text" in classes:
        chosen = pa.string()
    elif classes == {"integer"}:
        chosen = pa.float64() if base == pa.float64() else pa.int64()
    elif _ints_exact_as_float(stats):
        chosen = pa.float64()
    else:
        chosen = pa.string()  # floats with integers too large for a float64: decimal text loses nothing
    note = None
    if kind and stats["bad"]:
        note = f"{stats['bad']} values are not {_KIND_WORDS[kind]}"
    elif base is not None and chosen != base:
        note = f"declared {declared.upper()} but holds {', '.join(sorted(classes))} values"
    return chosen, None, note


_KIND_WORDS = {INSTANT: "UTC ISO 8601 instants", FLAG: "0 or 1", STRINGS: "JSON arrays of strings",
               IMAGES: "JSON arrays of image objects", JSON_OBJECT: "JSON objects"}


def _ints_exact_as_float(stats: dict) -> bool:
    low, high = stats["min"], stats["max"]
    return low is None or (low >= -EXACT_FLOAT_INT and high <= EXACT_FLOAT_INT)


def _declared_type(declared: str) -> pa.DataType | None:
    """SQLite's affinity rules (https://sqlite.org/datatype3.html §3.1) applied to a declared type."""
    d = declared.upper()
    if not d:
        return None
    if "INT" in d:
        return pa.int64()
    if any(t in d for t in ("CHAR", "CLOB", "TEXT")):
        return pa.string()
    if "BLOB" in d:
        return pa.binary()
    if any(t in d for t in ("REAL", "FLOA", "DOUB")):
        return pa.float64()
    return None  # NUMERIC affinity: the values decide


def _object_type(conn: sqlite3.Connection, name: str) -> str | None:
    row = _run(conn, "select type from sqlite_master where name = ? and type in ('table', 'view') "
                     "union all select type from sqlite_temp_master where name = ? and type = 'view'",
               [name, name]).fetchone()
    return row[0] if row else None


def _run(conn: sqlite3.Connection, sql: str, params: list | None = None) -> sqlite3.Cursor:
    try:
        return conn.execute(sql, params or [])
    except sqlite3.DatabaseError as e:
        reason = str(e)
        if reason == "not authorized":
            reason = "not authorized: an export only reads (no ATTACH, writes or pragmas)"
        raise ExportError(f"query failed: {reason}") from None


def _quote(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'
