"""Derivations in worker processes with a time limit, so a slow expression cannot hang the server.

Each worker is a spawned process answering one job at a time over a pipe. A job that overruns
the limit gets its worker killed (a fresh one replaces it on demand); the caller gets `TimeLimit`.
"""
from __future__ import annotations

import multiprocessing
import threading
from typing import Any

READY_TIMEOUT = 120.0  # seconds a new worker may take to import matcalc


class TimeLimit(Exception):
    """A job did not finish within the time limit."""


class WorkerDied(Exception):
    """A worker process ended without answering (out of memory, killed...)."""


def compute(kind: str, payload: dict[str, Any]) -> tuple[int, dict[str, Any]]:
    """(HTTP status, JSON body) of one job: 'derive' or 'variables'; runs in a worker."""
    from .. import report
    from ..errors import MatcalcError
    try:
        if kind == "variables":
            return 200, report.variables(payload["expr"], payload["vars"])
        return 200, report.build(
            payload["expr"], payload["wrt"], payload["vars"], payload["layout"],
            hessian=payload["hessian"], steps=payload["steps"], check=payload["check"],
            code=payload["code"], differential=payload["differential"])
    except MatcalcError as err:
        return 422, report.error(err)
    except RecursionError:
        return 422, report.usage_error("the expression is nested too deeply",
                                       "UnsupportedError")
    except Exception as err:  # noqa: BLE001 - answered as a 500, the worker lives on
        return 500, report.error(err)


def _worker_main(conn) -> None:
    import matcalc  # noqa: F401 - imported before saying ready, so the limit times jobs only
    conn.send("ready")
    while True:
        try:
            kind, payload = conn.recv()
        except (EOFError, OSError):
            return
        conn.send(compute(kind, payload))


class _Worker:
    def __init__(self, context) -> None:
        self.conn, child = context.Pipe()
        self.process = context.Process(target=_worker_main, args=(child,), daemon=True)
        self.process.start()
        child.close()
        if not self.conn.poll(READY_TIMEOUT) or self.conn.recv() != "ready":
            self.kill()
            raise WorkerDied("a worker process did not start")

    def kill(self) -> None:
        self.process.kill()
        self.process.join(5)
        self.conn.close()


class Pool:
    """At most `size` jobs at once, each in its own worker process, each at most `limit` s."""

    def __init__(self, size: int = 2, limit: float = 10.0) -> None:
        self.limit = limit
        self._context = multiprocessing.get_context("spawn")
        self._slots = threading.BoundedSemaphore(size)
        self._idle: list[_Worker] = []
        self._lock = threading.Lock()
        self._closed = False
        self._idle.append(_Worker(self._context))  # warm: the first request waits for no import

    def run(self, kind: str, payload: dict[str, Any]) -> tuple[int, dict[str, Any]]:
        with self._slots:
            with self._lock:
                worker = self._idle.pop() if self._idle else None
            worker = worker or _Worker(self._context)
            try:
                worker.conn.send((kind, payload))
                if not worker.conn.poll(self.limit):
                    worker.kill()
                    raise TimeLimit(f"the derivation took longer than the time limit of "
                                    f"{self.limit:g} s")
                answer = worker.conn.recv()
            except (EOFError, OSError, BrokenPipeError):
                worker.kill()
                raise WorkerDied("the worker process ended without answering") from None
            with self._lock:
                if self._closed:
                    worker.kill()
                else:
                    self._idle.append(worker)
            return answer

    def close(self) -> None:
        with self._lock:
            self._closed = True
            idle, self._idle = self._idle, []
        for worker in idle:
            worker.kill()
