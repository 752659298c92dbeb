"""``sector-archive export --all DIR``: a Frictionless data package that validates, whose Parquet
files DuckDB and pandas read typed, and whose README recipes run as printed."""

from __future__ import annotations

import contextlib
import io
import json
import os
import re
import shutil
import sqlite3
from pathlib import Path
from typing import Any

import duckdb
import frictionless
import pyarrow.parquet as pq
import pytest
from click.testing import CliRunner

from archive.cli import cli
from archivedb.schema import TABLES, VIEWS
from publish_fixtures import build_archive

ROOT = Path(__file__).resolve().parent.parent
PUBLIC = [t.name for t in TABLES if t.public] + [v.name for v in VIEWS]


@pytest.fixture(scope="module")
def package(tmp_path_factory: pytest.TempPathFactory) -> Path:
    base = tmp_path_factory.mktemp("package")
    db = build_archive(base / "archive.db")
    result = CliRunner().invoke(cli, ["export", "--db", str(db), "--all", str(base / "archive-data")])
    assert result.exit_code == 0, result.output
    assert result.stderr.startswith(f"Exported {len(PUBLIC)} tables and views")
    return base / "archive-data"


def descriptor(package: Path) -> dict[str, Any]:
    return json.loads((package / "datapackage.json").read_text(encoding="utf-8"))


def test_the_package_validates_with_frictionless(package: Path) -> None:
    report = frictionless.validate(package / "datapackage.json")
    assert report.valid, report.flatten(["title", "rowNumber", "fieldName", "note"])
    assert report.stats["tasks"] == len(PUBLIC)


def test_every_public_table_and_view_is_there_as_parquet_and_csv(package: Path) -> None:
    assert sorted(p.name for p in package.iterdir()) == sorted(
        ["datapackage.json"] + [f"{n}.{ext}" for n in PUBLIC for ext in ("csv", "parquet")])
    assert [r["name"] for r in descriptor(package)["resources"]] == PUBLIC
    assert "captures" not in PUBLIC  # raw pages go out as WARC, not in the data package
    with sqlite3.connect(package.parent / "archive.db") as conn:
        for name in PUBLIC:
            assert pq.read_table(package / f"{name}.parquet").num_rows == conn.execute(
                f"select count(*) from {name}").fetchone()[0]


def test_the_schema_has_types_descriptions_and_keys(package: Path) -> None:
    resources = {r["name"]: r for r in descriptor(package)["resources"]}
    comments = resources["comments"]["schema"]
    fields = {f["name"]: f for f in comments["fields"]}
    assert fields["posted_at"]["type"] == "datetime"
    assert fields["posted_ambiguous"] == {
        "name": "posted_ambiguous", "type": "boolean", "trueValues": ["true"], "falseValues": ["false"],
        "description": fields["posted_ambiguous"]["description"]}
    assert fields["depth"]["type"] == "integer" and fields["body_text"]["type"] == "string"
    assert all(f.get("description") for r in resources.values() for f in r["schema"]["fields"])
    assert comments["primaryKey"] == ["id"]
    assert comments["foreignKeys"] == [
        {"fields": ["post_id"], "reference": {"resource": "posts", "fields": ["id"]}},
        {"fields": ["parent_id"], "reference": {"resource": "", "fields": ["id"]}},
    ]
    post_fields = {f["name"]: f["type"] for f in resources["posts"]["schema"]["fields"]}
    assert (post_fields["categories"], post_fields["images"]) == ("array", "array")
    assert resources["threads"]["schema"]["primaryKey"] == ["thread_root_id"]
    assert resources["posts"]["description"].startswith("One row per archived post")
    assert resources["posts"]["parquet"] == "posts.parquet"


def test_source_and_licence_per_site(package: Path) -> None:
    d = descriptor(package)
    assert d["sources"] == [
        {"title": "Collective Voice", "path": "https://www.collectivevoice.org.uk/"},
        {"title": "DDN — Drink and Drugs News", "path": "https://www.drinkanddrugsnews.com/"},
    ]
    assert [lic["path"] for lic in d["licenses"]] == [s["path"] for s in d["sources"]]
    assert all("original authors and publishers" in lic["title"] for lic in d["licenses"])


def test_validation_catches_a_broken_foreign_key(package: Path, tmp_path: Path) -> None:
    """So the validity above means something: a failure pointing at no crawl is caught."""
    broken = Path(shutil.copytree(package, tmp_path / "broken"))
    csv_bytes = (broken / "failures.csv").read_bytes()
    assert b"\r\n1,1," in csv_bytes
    (broken / "failures.csv").write_bytes(csv_bytes.replace(b"\r\n1,1,", b"\r\n1,99,", 1))
    report = frictionless.validate(broken / "datapackage.json")
    assert not report.valid
    assert [e[0] for e in report.flatten(["type"])] == ["foreign-key"]


def test_duckdb_reads_the_parquet_typed(package: Path) -> None:
    con = duckdb.connect()
    rows = con.execute(f"select site, year(published) y, count(*) from '{package / 'posts.parquet'}' "
                       "group by all order by all").fetchall()
    assert rows == [("collectivevoice", 2021, 1), ("collectivevoice", 2022, 1), ("ddn", 2023, 3)]
    month = con.execute(f"select typeof(month_start), month(month_start) from '{package / 'monthly_activity.parquet'}' "
                        "where site = 'ddn' and month = '2023-11'").fetchone()
    assert month == ("TIMESTAMP WITH TIME ZONE", 11)


def test_an_existing_non_empty_directory_is_refused(package: Path, tmp_path: Path) -> None:
    target = tmp_path / "data"
    target.mkdir()
    (target / "keep.txt").write_text("mine")
    result = CliRunner().invoke(cli, ["export", "--db", str(package.parent / "archive.db"), "--all", str(target)])
    assert (result.exit_code, result.stderr) == (2, f"error: output directory {target} is not empty\n")
    assert [p.name for p in target.iterdir()] == ["keep.txt"]


def test_a_failed_package_leaves_nothing(package: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import archive.datapackage as dp

    monkeypatch.setattr(dp, "PUBLIC", ("posts", "no_such_view"))
    result = CliRunner().invoke(cli, ["export", "--db", str(package.parent / "archive.db"), "--all", str(tmp_path / "d")])
    assert (result.exit_code, result.stderr) == (2, "error: no table or view named 'no_such_view'\n")
    assert list(tmp_path.iterdir()) == []


def readme_recipes() -> list[str]:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    section = readme.split("## For analysts", 1)[1].split("\n## ", 1)[0]
    return re.findall(r"```python\n(.*?)```", section, re.DOTALL)


def test_the_readme_recipes_run_as_printed(package: Path) -> None:
    recipes = readme_recipes()
    assert len(recipes) == 2 and all(len(r.strip().splitlines()) == 3 for r in recipes)
    old = Path.cwd()
    os.chdir(package.parent)
    try:
        for recipe in recipes:
            out = io.StringIO()
            with contextlib.redirect_stdout(out):
                exec(compile(recipe, "README.md", "exec"), {})
            assert "2023" in out.getvalue() and "ddn" in out.getvalue(), out.getvalue()
    finally:
        os.chdir(old)
