"""Derivations in worker processes with a time limit, so a slow expression cannot hang the server.

Each worker is a `python -m matcalc.web.workers` process answering one job at a time over pipes
(JSON lines; not multiprocessing, whose spawned children re-run the caller's main script). A job
that overruns the limit gets its worker killed (a fresh one replaces it on demand) and the
caller gets `TimeLimit`.
"""
from __future__ import annotations

import json
import os
import queue
import subprocess
import sys
import threading
from pathlib import Path
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


def _worker_main() -> None:
    """A worker's loop: one JSON job a line on stdin, one JSON answer a line on stdout."""
    import matcalc  # noqa: F401 - imported before saying ready, so the limit times jobs only
    channel, sys.stdout = sys.stdout, sys.stderr  # nothing else may write to the channel
    channel.write('"ready"\n')
    channel.flush()
    for line in sys.stdin:
        kind, payload = json.loads(line)
        channel.write(json.dumps(compute(kind, payload)) + "\n")
        channel.flush()


class _Worker:
    """`python -m matcalc.web.workers` importing this very matcalc (its folder first on the
    path), talking JSON lines over its stdin and stdout; a thread queues its answers."""

    def __init__(self) -> None:
        env = dict(os.environ)
        root = str(Path(__file__).resolve().parents[2])
        env["PYTHONPATH"] = os.pathsep.join(p for p in (root, env.get("PYTHONPATH")) if p)
        env["PYTHONIOENCODING"] = "utf-8"
        self.process = subprocess.Popen(
            [sys.executable, "-m", "matcalc.web.workers"], stdin=subprocess.PIPE,
            stdout=subprocess.PIPE, env=env, text=True, encoding="utf-8", bufsize=1)
        self.answers: queue.Queue = queue.Queue()
        threading.Thread(target=self._read, daemon=True).start()
        if self.receive(READY_TIMEOUT) != "ready":
            self.kill()
            raise WorkerDied("a worker process did not start")

    def _read(self) -> None:
        for line in self.process.stdout:
            self.answers.put(json.loads(line))
        self.answers.put(EOFError)  # the process ended

    def send(self, kind: str, payload: dict[str, Any]) -> None:
        self.process.stdin.write(json.dumps([kind, payload]) + "\n")
        self.process.stdin.flush()

    def receive(self, timeout: float) -> Any:
        """The next answer; TimeLimit after `timeout` s, WorkerDied if the process ended."""
        try:
            answer = self.answers.get(timeout=timeout)
        except queue.Empty:
            raise TimeLimit(f"the derivation took longer than the time limit of "
                            f"{timeout:g} s") from None
        if answer is EOFError:
            raise WorkerDied("the worker process ended without answering")
        return answer

    def kill(self) -> None:
        self.process.kill()
        self.process.wait(10)
        for stream in (self.process.stdin, self.process.stdout):
            try:
                stream.close()
            except OSError:
                pass


class Pool:
    """At most `size` jobs at once, each in its own worker process, each at most `limit` s."""

    def __init__(self, size: int = 2, limit: float = 10.0) -> None:
        self.limit = limit
        self._slots = threading.BoundedSemaphore(size)
        self._idle: list[_Worker] = []
        self._lock = threading.Lock()
        self._closed = False
        self._idle.append(_Worker())  # warm: the first request waits for no import

    def run(self, kind: str, payload: dict[str, Any]) -> tuple[int, dict[str, Any]]:
        with self._slots:
            with self._lock:
                worker = self._idle.pop() if self._idle else None
            worker = worker or _Worker()
            try:
                worker.send(kind, payload)
                status, answer = worker.receive(self.limit)
            except (TimeLimit, WorkerDied, OSError) as err:
                worker.kill()
                threading.Thread(target=self._replace, daemon=True).start()
                if isinstance(err, OSError):
                    raise WorkerDied("the worker process ended without answering") from None
                raise
            self._keep(worker)
            return status, answer

    def _keep(self, worker: _Worker) -> None:
        with self._lock:
            if not self._closed:
                self._idle.append(worker)
                return
        worker.kill()

    def _replace(self) -> None:
        """Start a worker in place of a killed one, so the next job waits for no import."""
        try:
            self._keep(_Worker())
        except (WorkerDied, OSError):
            pass  # the next job starts one itself

    def close(self) -> None:
        with self._lock:
            self._closed = True
            idle, self._idle = self._idle, []
        for worker in idle:
            worker.kill()


if __name__ == "__main__":
    _worker_main()
