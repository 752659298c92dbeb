"""The page-worker pool: answers in order, errors that keep their type, a dead worker replaced.

The tasks are stdlib functions, so the spawned workers can import them by name.
"""

from __future__ import annotations

import asyncio
import operator
import os
import pickle

import pytest

from pipelines.offload import Offload, WorkerLost, WorkerPool
from pipelines.worker import dumps, loads


def _run(coro):
    return asyncio.run(coro)


def test_answers_match_their_tasks_across_workers() -> None:
    async def scenario() -> tuple[list[int], set[int]]:
        pool = WorkerPool(2)
        try:
            sums = await asyncio.gather(*(pool.run(operator.add, i, 1000) for i in range(200)))
            pids = set(await asyncio.gather(*(pool.run(os.getpid) for _ in range(20))))
            return sums, pids
        finally:
            pool.close()

    sums, pids = _run(scenario())
    assert sums == [i + 1000 for i in range(200)]
    assert len(pids) == 2 and os.getpid() not in pids


def test_a_task_error_keeps_its_type_and_the_worker_goes_on() -> None:
    async def scenario() -> int:
        pool = WorkerPool(1)
        try:
            with pytest.raises(ValueError, match="invalid literal"):
                await pool.run(int, "not a number")
            return await pool.run(operator.mul, 6, 7)
        finally:
            pool.close()

    assert _run(scenario()) == 42


def test_a_dead_worker_fails_only_the_task_it_ran_and_is_replaced() -> None:
    async def scenario() -> tuple[list, int, int]:
        pool = WorkerPool(1)
        try:
            first = await pool.run(os.getpid)
            # queued behind the fatal task on the same worker: they must still be answered
            outcomes = await asyncio.gather(pool.run(os._exit, 7), *(pool.run(operator.add, i, 1) for i in range(12)),
                                            return_exceptions=True)
            return outcomes, first, await pool.run(os.getpid)
        finally:
            pool.close()

    outcomes, first, second = _run(scenario())
    assert isinstance(outcomes[0], WorkerLost) and "exit code 7" in str(outcomes[0])
    assert outcomes[1:] == [i + 1 for i in range(12)]
    assert second != first


def test_closing_the_pool_ends_the_workers() -> None:
    async def scenario() -> list:
        pool = WorkerPool(2)
        await asyncio.gather(*(pool.run(os.getpid) for _ in range(4)))
        processes = [w.process for w in pool.workers]
        pool.close()
        return processes

    processes = _run(scenario())
    assert processes and all(not p.is_alive() and p.exitcode == 0 for p in processes)


def test_zero_workers_runs_inline() -> None:
    assert _run(Offload(0).run(os.getpid)) == os.getpid()


def test_an_answer_that_cannot_cross_the_pipe_keeps_its_words() -> None:
    class Local(Exception):  # a local class cannot be pickled
        pass

    ok, error = pickle.loads(dumps((False, Local("page 7 broke"))))
    assert not ok and isinstance(error, RuntimeError) and str(error) == "Local: page 7 broke"
    ok, error = loads(b"not a pickle")
    assert not ok and "unreadable answer from page worker" in str(error)
