"""The crawl summary only reads counts, so it opens the archive read-only (no migration, no write
lock taken just to count rows)."""

from __future__ import annotations

from pathlib import Path

import pytest

from archive import run_report
from archivedb import database, runs
from archivedb.clock import utc_now


def test_report_reads_the_archive_without_opening_it_for_writing(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                                capsys: pytest.CaptureFixture[str]) -> None:
    db_path = str(tmp_path / "a.db")
    db = database.open_archive(db_path)
    crawl_id = runs.start_run(db, "ddn", "http://127.0.0.1:1/", utc_now(), full=False, kind="crawl")
    db.close()

    def refuse(*args: object, **kwargs: object) -> None:
        raise AssertionError("the summary opened the archive for writing")

    monkeypatch.setattr(database, "_open_for_writing", refuse)
    code = run_report.report([{"site": "ddn", "archive/crawl_id": crawl_id}], db_path)
    out = capsys.readouterr().out
    assert f"ddn: running (crawl #{crawl_id})" in out
    assert code == run_report.EXIT_OK
