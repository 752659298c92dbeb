"""The page worker's side of ``pipelines.offload``: a loop that runs tasks from one pipe and
answers on another.

Kept apart from ``pipelines.offload`` so that a worker process imports neither Scrapy nor Twisted:
about 40 MiB less resident memory per worker, and a faster start.
"""

from __future__ import annotations

import pickle
from multiprocessing.connection import Connection
from typing import Any


def serve_fds(task_fd: int, answer_fd: int) -> None:
    """The worker process's entry point (``pipelines.offload.WorkerProcess``): the two pipe ends it
    was given, as connections."""
    serve(Connection(task_fd, writable=False), Connection(answer_fd, readable=False))


def serve(tasks: Connection, answers: Connection) -> None:
    """The worker's loop: run each task and send back (ok, value). It ends when the task pipe
    closes, which is also what happens when the crawl is killed: no orphan waits for work."""
    while True:
        try:
            payload = tasks.recv_bytes()
        except (EOFError, OSError):
            return
        try:
            fn, args = pickle.loads(payload)
            answer = (True, fn(*args))
        except Exception as exc:  # noqa: BLE001 - the crawl records it against the page; the worker goes on
            answer = (False, exc)
        answers.send_bytes(dumps(answer))


def dumps(answer: tuple[bool, Any]) -> bytes:
    try:
        return pickle.dumps(answer, protocol=pickle.HIGHEST_PROTOCOL)
    except Exception as exc:  # noqa: BLE001 - an exception (or result) that cannot cross the pipe: keep its words
        value = answer[1]
        reason = f"{type(value).__name__}: {value}" if not answer[0] else f"unpicklable result: {exc}"
        return pickle.dumps((False, RuntimeError(reason)), protocol=pickle.HIGHEST_PROTOCOL)


def loads(payload: bytes) -> tuple[bool, Any]:
    try:
        return pickle.loads(payload)
    except Exception as exc:  # noqa: BLE001 - e.g. an exception class whose constructor takes other arguments
        return False, RuntimeError(f"unreadable answer from page worker: {type(exc).__name__}: {exc}")


def ready() -> None:
    """The first task of every worker: the heavy imports, while robots.txt and sitemaps load."""
    import pipelines.clean  # noqa: F401
    import reading.extract  # noqa: F401
