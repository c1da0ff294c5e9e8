"""Where work that splits into independent pieces runs: here in order, over local worker processes
when the input is large enough to pay for starting them, or as Ray tasks (``--executor ray``).

The pieces are sacrebleu's statistics of a block of segments and the alignment of one document of
a corpus. Each piece is a top-level function of picklable arguments whose result does not depend on
where it ran, so every runner gives the same list, in the order of the inputs. Model stages (MT,
COMET) have their own Ray path with actors that load a model once (translate/ray_executor.py,
metrics/comet_ray.py)."""

from __future__ import annotations

import os
from abc import ABC, abstractmethod
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

Done = Callable[[int, int], None]  # (pieces done, pieces in all)

# What this process sent to a Ray cluster, by kind (MT segments, COMET triples, alignment and
# statistics tasks): the report says it, so a user can see that the cluster did the work.
_SENT_TO_CLUSTER: dict[str, int] = {}


def record_cluster_work(kind: str, count: int) -> None:
    _SENT_TO_CLUSTER[kind] = _SENT_TO_CLUSTER.get(kind, 0) + count


def cluster_work_since(before: dict[str, int]) -> dict[str, int]:
    """What was sent since ``before`` (a copy of ``cluster_work()`` taken earlier)."""
    return {k: v - before.get(k, 0) for k, v in _SENT_TO_CLUSTER.items() if v - before.get(k, 0)}


def cluster_work() -> dict[str, int]:
    return dict(_SENT_TO_CLUSTER)


class TaskRunner(ABC):
    """Runs ``fn(*args)`` for each argument tuple; results in input order."""

    name = "local"

    @abstractmethod
    def map(self, fn: Callable[..., Any], calls: Sequence[tuple], *, done: Done | None = None) -> list: ...


class InProcess(TaskRunner):
    def map(self, fn, calls, *, done=None) -> list:
        out = []
        for k, args in enumerate(calls):
            out.append(fn(*args))
            if done is not None:
                done(k + 1, len(calls))
        return out


_POOLS: dict[int, Any] = {}  # worker pools by size, kept for the life of this process


def _shared_pool(processes: int):
    """One pool of spawned workers per size, started on first use and reused by every later call
    (BLEU, chrF and TER one after another pay for starting the workers once). concurrent.futures
    joins it at exit."""
    pool = _POOLS.get(processes)
    if pool is None:
        import multiprocessing
        from concurrent.futures import ProcessPoolExecutor

        pool = _POOLS[processes] = ProcessPoolExecutor(processes, mp_context=multiprocessing.get_context("spawn"))
    return pool


class LocalProcesses(TaskRunner):
    """Worker processes on this machine (spawned: a forked child of a process that holds torch's,
    rich's or Ray's threads can deadlock). Starting them costs about a quarter of a second, once
    per process, so the callers use them only above a size where that is paid back
    (bench/RESULTS.md)."""

    name = "local-processes"

    def __init__(self, processes: int) -> None:
        self.processes = processes

    def map(self, fn, calls, *, done=None) -> list:
        from concurrent.futures.process import BrokenProcessPool

        pool = _shared_pool(self.processes)
        futures: list = []
        try:
            futures = [pool.submit(fn, *args) for args in calls]
            out = []
            for k, future in enumerate(futures):
                out.append(future.result())
                if done is not None:
                    done(k + 1, len(calls))
            return out
        except BrokenProcessPool:
            _POOLS.pop(self.processes, None)  # a worker died: the next call starts a new pool
            raise
        except BaseException:
            for future in futures:
                future.cancel()
            raise


class RayTasks(TaskRunner):
    """One Ray task per piece. A task whose worker dies is retried by Ray (``MAX_RETRIES``); an
    error raised by the piece itself is not retried and is raised here as it was there; Ctrl-C or
    any failure on the driver cancels every task still pending on the cluster."""

    name = "ray"
    MAX_RETRIES = 3

    def __init__(self, address: str | None) -> None:
        self.address = address

    def map(self, fn, calls, *, done=None) -> list:
        from .translate.ray_executor import connect

        connect(self.address)
        import ray

        remote = ray.remote(fn).options(max_retries=self.MAX_RETRIES, retry_exceptions=False)
        refs = [remote.remote(*args) for args in calls]
        record_cluster_work(f"{getattr(fn, 'TASK_KIND', fn.__name__)}_tasks", len(refs))
        try:
            pending, finished = list(refs), 0
            while pending:
                ready, pending = ray.wait(pending, num_returns=1)
                finished += len(ready)
                if done is not None:
                    done(finished, len(refs))
            return ray.get(refs)
        except ray.exceptions.RayTaskError as error:
            _cancel(refs)
            cause = getattr(error, "cause", None)
            raise cause if isinstance(cause, Exception) else error from None
        except BaseException:
            _cancel(refs)
            raise


def _cancel(refs: list) -> None:
    import contextlib

    import ray

    for ref in refs:
        with contextlib.suppress(ray.exceptions.RayError, ValueError):  # it ended meanwhile: nothing to cancel
            ray.cancel(ref, force=True)


def cpu_count() -> int:
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # not on Linux
        return os.cpu_count() or 1


def runner_for(executor: str, address: str | None = None, *, pieces: int = 0, min_pieces: int = 0) -> TaskRunner:
    """Ray tasks under ``--executor ray``; locally, worker processes when there are at least
    ``min_pieces`` pieces (0: never) and more than one core, else this process."""
    if executor == "ray":
        return RayTasks(address)
    processes = local_processes(pieces, min_pieces)
    return LocalProcesses(processes) if processes else InProcess()


def local_processes(pieces: int, min_pieces: int) -> int:
    """How many local worker processes ``pieces`` pieces get (0: none, run here): from
    ``min_pieces`` (0: never) on a machine with more than one core, one worker per half of
    ``min_pieces`` (a 64-core machine does not start 64 for 2,000 segments)."""
    cores = cpu_count()
    if not min_pieces or pieces < min_pieces or cores < 2 or not main_module_is_safe():
        return 0
    return min(cores, pieces, max(2, 2 * pieces // min_pieces))


def main_module_is_safe() -> bool:
    """Whether a spawned worker may import this process's ``__main__``, as spawning does: true for
    tqcheck's own command, an interactive session, and a script that guards its work with
    ``if __name__ == "__main__":``. A script calling tqcheck's API at its top level would run again
    in every worker, so its statistics are extracted in this process instead (the same rows)."""
    import sys

    main = sys.modules.get("__main__")
    path = getattr(main, "__file__", None)
    spec = getattr(main, "__spec__", None)
    if path is None or (spec is not None and spec.name.split(".")[0] == "tqcheck"):
        return True
    try:
        source = Path(path).read_text(encoding="utf-8", errors="replace")
    except OSError:
        return False
    return "__name__ == '__main__'" in source or '__name__ == "__main__"' in source


def cluster_summary(executor: str, address: str | None, before: dict[str, int]) -> dict | None:
    """The report's ``cluster`` entry: None for a local run."""
    if executor != "ray":
        return None
    return {"executor": "ray", "address": address or "auto", "sent": cluster_work_since(before)}
