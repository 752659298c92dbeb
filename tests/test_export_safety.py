"""No export ever loses a file (issue 16 item 1, item 10's export cases, issue 12's atomic writes):
the output appears only when complete, an existing file survives every failure, the archive
cannot be the output, and the export connection can neither attach nor write."""

from __future__ import annotations

import hashlib
import os
import shutil
import sqlite3
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from archive.cli import cli
from archivedb.export_source import Source
from publish_fixtures import build_archive

PRECIOUS = b"an analyst's earlier export, not to be lost\n"


@pytest.fixture(scope="module")
def master(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return build_archive(tmp_path_factory.mktemp("safety") / "archive.db")


@pytest.fixture
def db(master: Path, tmp_path: Path) -> Path:
    """A private copy: some tests check the archive's bytes are untouched."""
    return Path(shutil.copy(master, tmp_path / "archive.db"))


def run(*args: str, cwd: Path | None = None) -> Any:
    if cwd is None:
        return CliRunner().invoke(cli, ["export", *args])
    old = Path.cwd()
    os.chdir(cwd)
    try:
        return CliRunner().invoke(cli, ["export", *args])
    finally:
        os.chdir(old)


def files(directory: Path) -> list[str]:
    """What is in ``directory``, less the WAL index files SQLite keeps beside a database it reads."""
    return sorted(p.name for p in directory.iterdir() if not p.name.endswith(("-wal", "-shm")))


def digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def test_exporting_onto_the_archive_itself_is_refused_and_the_archive_kept(db: Path, tmp_path: Path) -> None:
    before = digest(db)
    result = run("posts", "-o", "archive.db", cwd=tmp_path)  # the case: --db defaults to archive.db
    assert result.exit_code == 2
    assert result.stderr == "error: output archive.db is the archive database (or one of its files): choose another name\n"
    assert digest(db) == before
    link = tmp_path / "link.parquet"
    link.symlink_to(db)
    assert run("--db", str(db), "posts", "-o", str(link)).exit_code == 2
    assert run("--db", str(db), "posts", "-o", f"{db}-wal").exit_code == 2
    assert digest(db) == before and files(tmp_path) == ["archive.db", "link.parquet"]


def test_a_foreign_database_as_output_is_never_truncated(tmp_path: Path) -> None:
    """The issue's first case: `-o archive.db` on a non-archive used to print an error and leave nothing."""
    other = tmp_path / "archive.db"
    with sqlite3.connect(other) as conn:
        conn.execute("create table notes(x)")
    before = digest(other)
    result = run("--db", str(other), "posts", "-o", str(other))
    assert result.exit_code == 2 and "is a SQLite database that is not an archive" in result.stderr
    assert digest(other) == before


@pytest.mark.parametrize("args, message", [
    (["--sql", "select nope from posts"], "error: query failed: no such column: nope\n"),
    (["no_such_table"], "error: no table or view named 'no_such_table'\n"),
    (["--db", "missing.db", "posts"], "error: archive database not found: missing.db\n"),
])
def test_a_typo_leaves_an_existing_output_file_untouched(db: Path, tmp_path: Path, args: list[str], message: str) -> None:
    out = tmp_path / "posts.csv"
    out.write_bytes(PRECIOUS)
    full = args if "--db" in args else ["--db", str(db), *args]
    result = run(*full, "-o", str(out), cwd=tmp_path)
    assert (result.exit_code, result.stderr) == (2, message)
    assert out.read_bytes() == PRECIOUS
    assert files(tmp_path) == ["archive.db", "posts.csv"]


@pytest.mark.parametrize("fmt", ["csv", "jsonl", "parquet"])
def test_a_failure_half_way_leaves_no_file_and_keeps_the_old_one(db: Path, tmp_path: Path,
                                                                monkeypatch: pytest.MonkeyPatch, fmt: str) -> None:
    """Rows stream in batches: the first is written, then the source fails (a disk error, a
    killed query). The target keeps its old bytes and no temporary file is left."""
    real = Source.batches

    def first_batch_then_fail(self: Source):
        self.batch_rows = 2
        for i, batch in enumerate(real(self)):
            if i == 1:
                raise OSError(28, "No space left on device")
            yield batch

    monkeypatch.setattr(Source, "batches", first_batch_then_fail)
    out = tmp_path / f"comments.{fmt}"
    out.write_bytes(PRECIOUS)
    result = run("--db", str(db), "comments", "-o", str(out))
    assert (result.exit_code, result.stderr) == (2, f"error: cannot write {out}: No space left on device\n")
    assert out.read_bytes() == PRECIOUS
    assert files(tmp_path) == ["archive.db", f"comments.{fmt}"]
    out.unlink()
    assert run("--db", str(db), "comments", "-o", str(out)).exit_code == 2
    assert not out.exists()


def test_a_successful_export_replaces_the_old_file_and_keeps_its_mode(db: Path, tmp_path: Path) -> None:
    out = tmp_path / "posts.csv"
    out.write_bytes(PRECIOUS)
    out.chmod(0o640)
    assert run("--db", str(db), "posts", "-o", str(out)).exit_code == 0
    assert out.read_bytes().startswith(b"id,site,wp_id,")
    assert out.stat().st_mode & 0o777 == 0o640
    assert files(tmp_path) == ["archive.db", "posts.csv"]


def test_dev_full_is_a_one_line_error(db: Path) -> None:
    if not Path("/dev/full").exists():
        pytest.skip("no /dev/full on this system")
    result = run("--db", str(db), "comments", "-f", "csv", "-o", "/dev/full")
    assert (result.exit_code, result.stderr) == (2, "error: cannot write /dev/full: No space left on device\n")


def test_dev_null_is_written_in_place(db: Path) -> None:
    result = run("--db", str(db), "comments", "-f", "jsonl", "-o", os.devnull)
    assert result.exit_code == 0 and result.stderr == f"Exported 8 rows as jsonl to {os.devnull}\n"


@pytest.mark.parametrize("output", ["adir/", "adir"])
def test_a_directory_as_output_is_a_one_line_error(db: Path, tmp_path: Path, output: str) -> None:
    (tmp_path / "adir").mkdir()
    (tmp_path / "adir" / "keep.txt").write_bytes(PRECIOUS)
    result = run("--db", str(db), "posts", "-f", "csv", "-o", output, cwd=tmp_path)
    assert (result.exit_code, result.stderr) == (2, f"error: output {output} is a directory: name a file\n")
    assert (tmp_path / "adir" / "keep.txt").read_bytes() == PRECIOUS


def test_a_missing_output_directory_is_a_one_line_error(db: Path, tmp_path: Path) -> None:
    result = run("--db", str(db), "posts", "-o", str(tmp_path / "nope" / "posts.csv"))
    assert (result.exit_code, result.stderr) == (2, f"error: output directory {tmp_path / 'nope'} does not exist\n")


@pytest.mark.parametrize("name", ["x.xlsx", "x.json", "x"])
def test_an_unknown_extension_names_the_supported_formats(db: Path, tmp_path: Path, name: str) -> None:
    result = run("--db", str(db), "posts", "-o", str(tmp_path / name))
    assert result.exit_code == 2
    assert result.stderr == (f"error: cannot tell the format of {tmp_path / name} from its extension: name a "
                             ".csv, .jsonl, .ndjson, .parquet, .pq file, or give -f csv|jsonl|parquet\n")
    assert files(tmp_path) == ["archive.db"]
    assert run("--db", str(db), "posts", "-f", "parquet", "-o", str(tmp_path / name)).exit_code == 0


def test_an_unknown_format_option_is_refused(db: Path) -> None:
    assert run("--db", str(db), "posts", "-f", "xlsx").exit_code == 2


@pytest.mark.parametrize("sql", [
    "attach database 'x.db' as e",
    "select * from pragma_table_info('posts') union all select 1, 2, 3, 4, 5, 6 from (select load_extension('x'))",
    "delete from posts",
    "insert into posts(id) values ('x')",
    "create table x(a)",
    "pragma writable_schema = 1",
    "pragma journal_mode = delete",
    "select 1; attach database 'x.db' as e",
    "vacuum into 'x.db'",
])
def test_the_export_connection_only_reads(db: Path, tmp_path: Path, sql: str) -> None:
    before = digest(db)
    result = run("--db", str(db), "--sql", sql, "-o", "out.csv", cwd=tmp_path)
    assert result.exit_code == 2 and result.stderr.startswith("error: query failed:")
    assert result.stderr.count("\n") == 1
    assert digest(db) == before
    assert files(tmp_path) == ["archive.db"]


def test_a_query_attaching_a_file_creates_nothing(db: Path, tmp_path: Path) -> None:
    result = run("--db", str(db), "--sql", "attach database 'x.db' as e", cwd=tmp_path)
    assert result.stderr == ("error: query failed: not authorized: an export only reads "
                             "(no ATTACH, writes or pragmas)\n")
    assert not (tmp_path / "x.db").exists()
