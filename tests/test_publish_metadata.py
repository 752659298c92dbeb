"""The docs stay honest: every table and column the real schema creates has a description in the
Datasette metadata, and docs/data-dictionary.md is exactly what the metadata generates."""

from __future__ import annotations

import copy
from pathlib import Path
from typing import Any

import pytest
import sqlite_utils
from click.testing import CliRunner

from archive.cli import cli
from archive.docs_command import DICTIONARY_PATH, UNDOCUMENTED, render_data_dictionary
from publishing.app import DB_NAME, load_metadata
from archivedb.schema import TABLES, VIEWS, open_db

FTS_SHADOW_SUFFIXES = ("_data", "_idx", "_docsize", "_config", "_content")


@pytest.fixture(scope="module")
def real_db(tmp_path_factory: pytest.TempPathFactory) -> sqlite_utils.Database:
    """A database shaped by the real, current schema (whatever columns it has gained)."""
    return open_db(str(tmp_path_factory.mktemp("schema") / "archive.db"))


def undocumented(db: sqlite_utils.Database, metadata: dict[str, Any]) -> list[str]:
    """``table`` or ``table.column`` names in ``db`` that the metadata does not describe."""
    tables_meta = metadata["databases"][DB_NAME].get("tables", {})
    fts = [t.name for t in db.tables if (t.virtual_table_using or "").upper().startswith("FTS")]
    shadows = {f"{name}{suffix}" for name in fts for suffix in FTS_SHADOW_SUFFIXES}
    missing = []
    for name in [*db.table_names(), *db.view_names()]:
        if name in shadows:
            continue
        meta = tables_meta.get(name) or {}
        if not (meta.get("description") or "").strip():
            missing.append(name)
        described = meta.get("columns") or {}
        missing += [f"{name}.{c}" for c in db[name].columns_dict if not (described.get(c) or "").strip()]
    return missing


def test_every_table_and_column_in_the_database_has_a_description(real_db: sqlite_utils.Database) -> None:
    assert undocumented(real_db, load_metadata()) == []


def test_the_check_sees_the_fts_and_contract_tables(real_db: sqlite_utils.Database) -> None:
    described = load_metadata()["databases"][DB_NAME]["tables"]
    assert set(described) == {t.name for t in TABLES} | {v.name for v in VIEWS} | {"posts_fts", "comments_fts"}
    assert set(real_db.view_names()) >= {v.name for v in VIEWS}


def test_a_missing_description_is_caught(real_db: sqlite_utils.Database) -> None:
    metadata = copy.deepcopy(load_metadata())
    tables = metadata["databases"][DB_NAME]["tables"]
    del tables["comments"]["columns"]["posted_at"]
    tables["failures"]["description"] = " "
    assert undocumented(real_db, metadata) == ["comments.posted_at", "failures"]


def test_metadata_has_title_description_source_and_licence() -> None:
    metadata = load_metadata()
    assert metadata["title"] == "Sector Archive"
    assert "Collective Voice" in metadata["description_html"]
    assert metadata["source"] and metadata["license"] and metadata["source_url"].startswith("https://")


def test_data_dictionary_is_current() -> None:
    assert DICTIONARY_PATH == Path(__file__).resolve().parent.parent / "docs" / "data-dictionary.md"
    assert DICTIONARY_PATH.read_text(encoding="utf-8") == render_data_dictionary(), (
        "docs/data-dictionary.md is stale: run `uv run sector-archive docs`")


def test_data_dictionary_covers_every_schema_column() -> None:
    text = render_data_dictionary()
    assert UNDOCUMENTED not in text
    for table in TABLES:
        assert f"\n## {table.name}\n" in text
        for column in table.columns:
            assert f"| `{column}` |" in text, f"{table.name}.{column}"
    assert "| `posted_at` | TEXT | When the comment was posted, UTC ISO 8601;" in text
    assert "### thread: A post's comment thread in display order" in text


def test_docs_command_writes_and_checks(tmp_path: Path) -> None:
    target = tmp_path / "dictionary.md"
    runner = CliRunner()
    assert runner.invoke(cli, ["docs", "--check", "-o", str(target)]).exit_code == 1
    assert runner.invoke(cli, ["docs", "-o", str(target)]).exit_code == 0
    assert target.read_text(encoding="utf-8") == render_data_dictionary()
    assert runner.invoke(cli, ["docs", "--check", "-o", str(target)]).exit_code == 0
    target.write_text(render_data_dictionary() + "hand edit\n", encoding="utf-8")
    assert runner.invoke(cli, ["docs", "--check", "-o", str(target)]).exit_code == 1
