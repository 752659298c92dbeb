"""``export --pseudonymise``: commenters' names become stable per-site pseudonyms from a keyed hash
whose key lives outside the archive; no real name leaves in any format, and who answers whom
survives."""

from __future__ import annotations

import csv
import io
import json
import sqlite3
from pathlib import Path
from typing import Any

import pyarrow.parquet as pq
import pytest
from click.testing import CliRunner
from publish_fixtures import build_archive

from archive.cli import cli
from archive.datapackage import PUBLIC
from archive.export_writers import FORMATS
from archive.pseudonyms import KEY_ENV, PREFIX, pseudonym

KEY = b"0123456789abcdef-not-a-real-secret"
OTHER_KEY = b"fedcba9876543210-another-secret!!"
CROSS_SITE = "collectivevoice:comment:502"  # Alice Example again, on the other site
# As pipelines.second_source words it when a page and a feed disagree on a commenter's name.
QUOTING_FAILURE = "comment 202: the page names its author 'Bob Reply' but the comment feed says 'Dan Answer'"


@pytest.fixture(scope="module")
def db_path(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = build_archive(tmp_path_factory.mktemp("pseudonyms") / "archive.db")
    with sqlite3.connect(path) as conn:
        conn.execute("insert into comments (id, post_id, wp_id, site, depth, position, kind, author, author_url,"
                     " posted_at, body_html, body_text, status, content_hash) values (?, 'collectivevoice:post:101',"
                     " 502, 'collectivevoice', 1, 2, 'comment', 'Alice Example', 'https://alice.example.org/',"
                     " '2021-06-21T10:00:00Z', '<p>Same name, other site.</p>', 'Same name, other site.', 'present',"
                     " 'c-502')", [CROSS_SITE])
        conn.execute("insert into failures (crawl_id, site, url, kind, reason, at) values (2, 'ddn',"
                     " 'https://www.drinkanddrugsnews.com/the-big-conversation/', 'markup', ?, '2024-01-10T03:10:00Z')",
                     [QUOTING_FAILURE])
    conn.close()
    return path


@pytest.fixture(scope="module")
def real(db_path: Path) -> dict[str, dict[str, Any]]:
    with sqlite3.connect(db_path) as conn:
        conn.row_factory = sqlite3.Row
        return {r["id"]: dict(r) for r in conn.execute("select * from comments")}


@pytest.fixture(scope="module")
def names(real: dict[str, dict[str, Any]]) -> set[str]:
    """Every commenter's name and website in the archive, none of which may be exported."""
    found = {r["author"] for r in real.values()} | {r["author_url"] for r in real.values() if r["author_url"]}
    assert {"Alice Example", "Bob Reply", "Mallory", "https://alice.example.org/"} <= found
    return found


@pytest.fixture
def key_file(tmp_path: Path) -> Path:
    path = tmp_path / "pseudonym.key"
    path.write_bytes(KEY)
    return path


def export(db_path: Path, *args: str, env: dict[str, str] | None = None) -> Any:
    return CliRunner().invoke(cli, ["export", *args, "--db", str(db_path)], env=env)


def pseudonymised(db_path: Path, key_file: Path, name: str, fmt: str, out: Path) -> bytes:
    result = export(db_path, name, "-f", fmt, "-o", str(out), "--pseudonymise", "--pseudonym-key-file", str(key_file))
    assert result.exit_code == 0, result.output
    return out.read_bytes()


def readable(data: bytes, fmt: str) -> str:
    """Parquet's pages are compressed: its values are decoded to be searched."""
    if fmt == "parquet":
        return json.dumps(pq.read_table(io.BytesIO(data)).to_pylist(), default=str, ensure_ascii=False)
    return data.decode("utf-8")


def assert_nameless(data: bytes, fmt: str, names: set[str]) -> None:
    text = readable(data, fmt)
    for name in names:
        assert name not in text and name.encode() not in data, name


def rows_of(data: bytes) -> list[dict[str, Any]]:
    return [json.loads(line) for line in data.decode("utf-8").splitlines()]


# --- the pseudonym itself ------------------------------------------------------------------


def test_a_pseudonym_is_stable_per_site_and_key() -> None:
    first = pseudonym(KEY, "ddn", "Alice Example")
    assert first is not None and first.startswith(PREFIX) and len(first) == len(PREFIX) + 12
    assert pseudonym(KEY, "ddn", "Alice Example") == first == pseudonym(KEY, "ddn", "  alice   EXAMPLE ")
    assert pseudonym(KEY, "collectivevoice", "Alice Example") != first
    assert pseudonym(OTHER_KEY, "ddn", "Alice Example") != first
    assert pseudonym(KEY, "ddn", "Bob Reply") != first
    assert pseudonym(KEY, "ddn", None) is None and pseudonym(KEY, "ddn", "") == ""


# --- no name in any format -------------------------------------------------------------------


@pytest.mark.parametrize("fmt", FORMATS)
@pytest.mark.parametrize("name", PUBLIC)
def test_no_commenters_name_leaves_in_any_format(db_path: Path, key_file: Path, tmp_path: Path, names: set[str],
                                                 name: str, fmt: str) -> None:
    assert_nameless(pseudonymised(db_path, key_file, name, fmt, tmp_path / "out"), fmt, names)


def test_the_data_package_is_pseudonymised(db_path: Path, key_file: Path, tmp_path: Path, names: set[str]) -> None:
    result = export(db_path, "--all", str(tmp_path / "package"), "--pseudonymise", "--pseudonym-key-file", str(key_file))
    assert result.exit_code == 0, result.output
    files = sorted((tmp_path / "package").iterdir())
    assert len(files) == 2 * len(PUBLIC) + 1
    for f in files:
        assert_nameless(f.read_bytes(), "parquet" if f.suffix == ".parquet" else "text", names)
    package = json.loads((tmp_path / "package" / "datapackage.json").read_text(encoding="utf-8"))
    assert "pseudonyms" in package["description"]
    with (tmp_path / "package" / "comments.csv").open(encoding="utf-8", newline="") as f:
        authors = {r["id"]: r["author"] for r in csv.DictReader(f)}
    assert authors["ddn:comment:201"] == pseudonym(KEY, "ddn", "Alice Example")


def test_without_pseudonymise_the_names_are_there(db_path: Path, tmp_path: Path) -> None:
    """The check above can fail: the same export without the option carries the names."""
    result = export(db_path, "comments", "-o", str(tmp_path / "c.jsonl"))
    assert result.exit_code == 0 and b"Alice Example" in (tmp_path / "c.jsonl").read_bytes()


# --- what the pseudonyms keep ------------------------------------------------------------------


def test_same_name_same_site_same_pseudonym_in_every_table(db_path: Path, key_file: Path, tmp_path: Path) -> None:
    alice, bob = pseudonym(KEY, "ddn", "Alice Example"), pseudonym(KEY, "ddn", "Bob Reply")
    comments = {r["id"]: r for r in rows_of(pseudonymised(db_path, key_file, "comments", "jsonl", tmp_path / "c"))}
    assert comments["ddn:comment:201"]["author"] == comments["ddn:comment:203"]["author"] == alice
    assert comments[CROSS_SITE]["author"] == pseudonym(KEY, "collectivevoice", "Alice Example") != alice
    assert all(r["author_url"] is None and r["content_hash"] is None for r in comments.values())
    versions = {r["comment_id"]: r for r in rows_of(pseudonymised(db_path, key_file, "comment_versions", "jsonl",
                                                                  tmp_path / "v"))}
    assert versions["ddn:comment:202"]["author"] == bob and versions["ddn:comment:202"]["content_hash"] is None
    with_posts = {r["comment_id"]: r["author"] for r in rows_of(
        pseudonymised(db_path, key_file, "comments_with_posts", "jsonl", tmp_path / "w"))}
    assert with_posts["ddn:comment:201"] == alice and with_posts["ddn:comment:202"] == bob
    threads = {r["thread_root_id"]: r["root_author"] for r in rows_of(
        pseudonymised(db_path, key_file, "threads", "jsonl", tmp_path / "t"))}
    assert threads["ddn:comment:201"] == alice
    commenters = {(r["site"], r["author"]): r["comments"] for r in rows_of(
        pseudonymised(db_path, key_file, "commenters", "jsonl", tmp_path / "p"))}
    assert commenters[("ddn", alice)] == 2 and commenters[("collectivevoice", comments[CROSS_SITE]["author"])] == 1
    failures = rows_of(pseudonymised(db_path, key_file, "failures", "jsonl", tmp_path / "f"))
    assert f"names its author '{bob}' but the comment feed says '{pseudonym(KEY, 'ddn', 'Dan Answer')}'" in [
        r["reason"] for r in failures][-1]


def test_who_replies_to_whom_survives(db_path: Path, key_file: Path, tmp_path: Path,
                                      real: dict[str, dict[str, Any]]) -> None:
    exported = {r["id"]: r for r in rows_of(pseudonymised(db_path, key_file, "comments", "jsonl", tmp_path / "c"))}
    assert exported.keys() == real.keys()
    replies = [(c["author"], exported[c["parent_id"]]["author"]) for c in exported.values() if c["parent_id"]]
    expected = [(pseudonym(KEY, c["site"], c["author"]), pseudonym(KEY, c["site"], real[c["parent_id"]]["author"]))
                for c in real.values() if c["parent_id"]]
    assert replies == expected and len(replies) == 3
    assert all(exported[i]["parent_id"] == real[i]["parent_id"] and exported[i]["post_id"] == real[i]["post_id"]
               for i in real)


def test_the_same_key_gives_the_same_bytes_and_another_key_other_pseudonyms(
        db_path: Path, key_file: Path, tmp_path: Path) -> None:
    first = pseudonymised(db_path, key_file, "comments", "csv", tmp_path / "1.csv")
    assert pseudonymised(db_path, key_file, "comments", "csv", tmp_path / "2.csv") == first
    other = tmp_path / "other.key"
    other.write_bytes(OTHER_KEY)
    again = pseudonymised(db_path, other, "comments", "csv", tmp_path / "3.csv")
    assert again != first and pseudonym(OTHER_KEY, "ddn", "Alice Example").encode() in again


def test_the_key_file_can_come_from_the_environment(db_path: Path, key_file: Path, tmp_path: Path) -> None:
    result = export(db_path, "comments", "-o", str(tmp_path / "c.jsonl"), "--pseudonymise",
                    env={KEY_ENV: str(key_file)})
    assert result.exit_code == 0, result.output
    assert pseudonym(KEY, "ddn", "Alice Example").encode() in (tmp_path / "c.jsonl").read_bytes()


# --- refusals: one line, exit 2, nothing written ----------------------------------------------------


@pytest.mark.parametrize("setup, args, message", [
    ("none", ["comments", "--pseudonymise"], "--pseudonymise needs a key file"),
    ("missing", ["comments", "--pseudonymise"], "cannot read pseudonym key file"),
    ("empty", ["comments", "--pseudonymise"], "holds 0 bytes"),
    ("directory", ["comments", "--pseudonymise"], "cannot read pseudonym key file"),
    ("env-missing", ["comments", "--pseudonymise"], "cannot read pseudonym key file"),
    ("database", ["comments", "--pseudonymise"], "is the archive itself"),
    ("good", ["comments"], "--pseudonym-key-file needs --pseudonymise"),
    ("good", ["--sql", "select author from comments", "--pseudonymise"], "cannot export an --sql query"),
    ("good", ["captures", "--pseudonymise"], "cannot export captures"),
    ("good", ["redactions", "--pseudonymise"], "cannot export redactions"),
    ("good", ["--warc", "WARC", "--pseudonymise"], "cannot export captures"),
])
def test_bad_pseudonymise_requests_are_one_line_errors(db_path: Path, key_file: Path, tmp_path: Path,
                                                       setup: str, args: list[str], message: str) -> None:
    env = {KEY_ENV: ""}
    paths = {"missing": tmp_path / "nope.key", "directory": tmp_path, "good": key_file, "database": db_path,
             "empty": tmp_path / "empty.key"}
    (tmp_path / "empty.key").write_bytes(b"\n")
    if setup == "env-missing":
        env[KEY_ENV] = str(tmp_path / "nope.key")
    elif setup in paths:
        args = [*args, "--pseudonym-key-file", str(paths[setup])]
    out = tmp_path / "out.csv"
    args = [str(tmp_path / "x.warc.gz") if a == "WARC" else a for a in args]
    if "--warc" not in args:
        args = [*args, "-o", str(out)]
    result = export(db_path, *args, env=env)
    assert result.exit_code == 2, result.output
    assert result.output.startswith("error: ") and message in result.output
    assert len(result.output.strip().splitlines()) == 1
    assert not out.exists() and not (tmp_path / "x.warc.gz").exists()
