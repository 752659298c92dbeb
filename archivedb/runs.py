"""One ``crawls`` row per run and site: what a scheduler and an archivist check first.

A run is a ``crawl`` (it contacted the site) or a ``reprocess`` (it re-read stored captures and
contacted nothing, so it has no base URL); each kind has its own "last run"."""

from __future__ import annotations

import os
from typing import Any

import sqlite_utils

from archivedb.vocabulary import PAGE_FAILURES, FailureKind, RunKind, RunStatus

COUNT_COLUMNS = ("pages_fetched", "not_modified", "posts_skipped", "posts_new", "posts_updated", "posts_unchanged", "posts_gone",
                 "comments_new", "comments_updated", "comments_removed", "times_unparsed", "errors")


KINDS = tuple(RunKind)


def start_run(db: sqlite_utils.Database, site: str, base_url: str | None, now: str, *, full: bool = False,
              kind: str = "crawl") -> int:
    """Open a run as ``running``; a run that never finishes (killed) is later marked ``interrupted``."""
    if kind not in KINDS:
        raise ValueError(f"unknown run kind {kind!r}")
    mark_interrupted(db, site)
    table = db.table("crawls")
    table.insert({"site": site, "started": now, "status": RunStatus.RUNNING, "kind": kind,
                  "base_url": base_url if kind == "crawl" else None,
                  "full": int(full), "pid": os.getpid(), **{c: 0 for c in COUNT_COLUMNS}})
    return int(table.last_pk)  # type: ignore[arg-type]  # set by the insert above


def record_counts(db: sqlite_utils.Database, run_id: int, counts: dict[str, int]) -> None:
    """The counts reached so far, written with each batch: a killed run's row keeps them."""
    db.table("crawls").update(run_id, {c: int(counts.get(c, 0)) for c in COUNT_COLUMNS})


def finish_run(db: sqlite_utils.Database, run_id: int, now: str, status: str, reason: str,
               counts: dict[str, int]) -> None:
    db.table("crawls").update(run_id, {"finished": now, "status": status, "finish_reason": reason,
                                 **{c: int(counts.get(c, 0)) for c in COUNT_COLUMNS}})


def mark_interrupted(db: sqlite_utils.Database, site: str) -> int:
    """Runs still ``running`` whose process is gone were killed: say so."""
    stale = [r["id"] for r in db["crawls"].rows_where("site = ? and status = 'running'", [site])
             if not _alive(r["pid"])]
    for run_id in stale:
        db.table("crawls").update(run_id, {"status": RunStatus.INTERRUPTED, "finish_reason": "process ended without finishing"})
    return len(stale)


def last_runs(db: sqlite_utils.Database, kind: str = "crawl") -> list[dict[str, Any]]:
    """The latest run of ``kind`` for every site, newest first (rows from before ``kind``
    existed count as crawls; read-only readers may see such an archive unmigrated)."""
    if "kind" not in db["crawls"].columns_dict:
        return list(db.query("select * from crawls where id in (select max(id) from crawls group by site)"
                             " order by started desc")) if kind == "crawl" else []
    return list(db.query(
        "select * from crawls where id in (select max(id) from crawls where coalesce(kind, 'crawl') = ?"
        " group by site) order by started desc", [kind]
    ))


def _alive(pid: int | None) -> bool:
    if not pid or pid == os.getpid():
        return bool(pid)
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def get_run(db: sqlite_utils.Database, run_id: int) -> dict[str, Any] | None:
    return next(db.query("select * from crawls where id = ?", [run_id]), None)


def failure_counts(db: sqlite_utils.Database, run_id: int) -> tuple[int, int]:
    """(pages not archived, ``markup`` alarms) recorded by a run."""
    row = next(db.query(
        f"select sum(kind in ({','.join('?' * len(PAGE_FAILURES))})) pages, sum(kind = ?) markup"
        " from failures where crawl_id = ?", [*sorted(PAGE_FAILURES), FailureKind.MARKUP, run_id]))
    return int(row["pages"] or 0), int(row["markup"] or 0)


def first_failure_reason(db: sqlite_utils.Database, run_id: int) -> str | None:
    row = next(db.query("select reason from failures where crawl_id = ? order by id limit 1", [run_id]), None)
    return row["reason"] if row else None


def run_failures(db: sqlite_utils.Database, run_id: int) -> list[dict[str, Any]]:
    """Every column, so an archive from before ``repeated`` existed (read-only: never migrated)
    still reads."""
    return list(db.query("select * from failures where crawl_id = ? order by id", [run_id]))


def archive_totals(db: sqlite_utils.Database) -> dict[str, int]:
    return dict(next(db.query("select (select count(*) from posts) posts, (select count(*) from comments) comments")))

