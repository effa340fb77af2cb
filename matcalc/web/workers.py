"""Derivations in worker processes with a time limit, so a slow expression cannot hang the server.

Each worker is a `python -m matcalc.web.workers` process answering one job at a time over pipes
(JSON lines; not multiprocessing, whose spawned children re-run the caller's main script). The
pool has a fixed number of slots, each holding at most one process: a job that overruns the
limit gets its slot's process killed (and waited for) and a fresh one started in the same slot
before the slot takes another job, so the pool never holds more processes than slots.

Admission is bounded: a job waits for a free slot only while fewer than `queue` jobs wait and
while the expected wait (the jobs ahead times the recent mean job time, over the slots) stays
under `max_wait`; otherwise, and when it has waited `max_wait` without a slot, it gets `Busy` at
once, so a quick request is answered (or refused with a time to retry) instead of starving
behind slow ones.
"""
from __future__ import annotations

import asyncio
import collections
import concurrent.futures
import json
import math
import os
import queue
import subprocess
import sys
import threading
import time
from pathlib import Path
from typing import Any

READY_TIMEOUT = 120.0  # seconds a new worker may take to import matcalc
LONG_INPUT = 1000  # characters: a longer expression takes at most all slots but one


class TimeLimit(Exception):
    """A job did not finish within the time limit."""


class WorkerDied(Exception):
    """A worker process ended without answering (out of memory, killed...)."""


class Busy(Exception):
    """No slot for a job within the queue's bounds; `retry_after` is a hint in whole seconds."""

    def __init__(self, message: str, retry_after: int):
        super().__init__(message)
        self.retry_after = retry_after


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


class _Slot:
    """One place in the pool: at most one worker process, started when first needed."""

    def __init__(self) -> None:
        self.worker: _Worker | None = None

    def run(self, kind: str, payload: dict[str, Any], limit: float) -> tuple[int, dict]:
        """One job in this slot's process (blocking); on a time-out or a dead process the
        process is killed and a fresh one started here before this returns."""
        if self.worker is None:
            self.worker = _Worker()
        try:
            self.worker.send(kind, payload)
            status, answer = self.worker.receive(limit)
        except (TimeLimit, WorkerDied, OSError) as err:
            self.restart()
            if isinstance(err, OSError):
                raise WorkerDied("the worker process ended without answering") from None
            raise
        return status, answer

    def restart(self) -> None:
        """Kill this slot's process (waiting until it is gone), then start a fresh one."""
        self.stop()
        try:
            self.worker = _Worker()
        except (WorkerDied, OSError):
            self.worker = None  # the next job starts one itself

    def stop(self) -> None:
        if self.worker is not None:
            self.worker.kill()
            self.worker = None

    def pid(self) -> int | None:
        return self.worker.process.pid if self.worker else None


class Pool:
    """At most `size` jobs at once, each in its slot's own worker process, each at most
    `limit` s; at most `queue` jobs waiting, each at most `max_wait` s (then `Busy`). A job
    whose expression is longer than LONG_INPUT characters (a long program: the usual slow
    job) takes at most `size - 1` slots, so one slot stays for short ones."""

    def __init__(self, size: int = 2, limit: float = 10.0, queue: int | None = None,
                 max_wait: float = 2.0) -> None:
        self.size, self.limit, self.max_wait = size, limit, max_wait
        self.queue = 128 * size if queue is None else queue
        self.long_slots = max(1, size - 1)
        self._slots = [_Slot() for _ in range(size)]
        self._free = self._slots[::-1]  # (taken from the end: the warm slot first)
        self._waiting: collections.deque[tuple[asyncio.Future, bool]] = collections.deque()
        self._recent: collections.deque[float] = collections.deque([0.05], maxlen=20)
        self._running: dict[_Slot, tuple[float, bool]] = {}  # slot -> (job's start, long)
        self._closed = False
        self._threads = concurrent.futures.ThreadPoolExecutor(size, "matcalc-job")
        self._slots[0].worker = _Worker()  # warm: the first request waits for no import

    def pids(self) -> list[int]:
        """The process ids of the live workers (never more than `size`)."""
        return [pid for pid in (slot.pid() for slot in self._slots) if pid is not None]

    def _may_start(self, long: bool) -> bool:
        """Whether a job may take a free slot now (a long one: while fewer than
        `long_slots` long ones run)."""
        running_long = sum(is_long for _, is_long in self._running.values())
        return bool(self._free) and (not long or running_long < self.long_slots)

    def expected_wait(self, long: bool = False) -> float:
        """Seconds a job arriving now should wait: a job's typical time (the recent mean, or
        when longer the time the youngest running job has run already: slow jobs in every
        slot) until a slot frees, plus that for each job ahead of it, spread over the slots."""
        if self._may_start(long):
            return 0.0
        now = time.monotonic()
        typical = sum(self._recent) / len(self._recent)
        if self._running:
            typical = max(typical, min(now - t for t, _ in self._running.values()))
        return typical * (1 + len(self._waiting) / self.size)

    async def run(self, kind: str, payload: dict[str, Any]) -> tuple[int, dict[str, Any]]:
        """(HTTP status, JSON body) of one job; `Busy`, `TimeLimit` or `WorkerDied`."""
        slot = await self._acquire(len(payload["expr"]) > LONG_INPUT)
        try:
            return await asyncio.get_running_loop().run_in_executor(
                self._threads, self._timed, slot, kind, payload)
        finally:
            self._release(slot)

    def _timed(self, slot: _Slot, kind: str, payload: dict[str, Any]) -> tuple[int, dict]:
        """The job in its slot (in a thread), its time in the worker recorded."""
        started = time.monotonic()
        try:
            return slot.run(kind, payload, self.limit)
        finally:
            self._recent.append(time.monotonic() - started)

    async def _acquire(self, long: bool) -> _Slot:
        if self._may_start(long):
            return self._take(long)
        wait = self.expected_wait(long)
        if len(self._waiting) >= self.queue:
            raise self._busy(wait, f"all workers are busy and {self.queue} requests wait")
        if wait > self.max_wait:
            raise self._busy(wait, f"all workers are busy for about {wait:.1f} s")
        entry = (asyncio.get_running_loop().create_future(), long)
        future = entry[0]
        self._waiting.append(entry)
        try:
            await asyncio.wait([future], timeout=self.max_wait)
        except BaseException:  # cancelled (the client left): give back a slot handed over
            if future.done():
                self._release(future.result())
            raise
        finally:
            if not future.done():
                self._waiting.remove(entry)
                future.cancel()
        if future.cancelled():
            raise self._busy(self.expected_wait(long), f"no worker was free within "
                                                       f"{self.max_wait:g} s")
        return future.result()

    def _busy(self, wait: float, why: str) -> Busy:
        retry = max(1, math.ceil(min(wait, self.limit)))
        return Busy(f"{why}; try again in {retry} s", retry)

    def _take(self, long: bool) -> _Slot:
        """A free slot, marked running (a long job or not) from now."""
        slot = self._free.pop()
        self._running[slot] = (time.monotonic(), long)
        return slot

    def _release(self, slot: _Slot) -> None:
        """Hand the slot to the longest-waiting job that may start, or mark it free."""
        self._running.pop(slot, None)
        if self._closed:
            slot.stop()
            return
        self._free.append(slot)
        for entry in list(self._waiting):
            future, long = entry
            if future.done():
                self._waiting.remove(entry)
            elif self._may_start(long):
                self._waiting.remove(entry)
                future.set_result(self._take(long))
                return

    def close(self) -> None:
        self._closed = True
        for slot in self._slots:
            slot.stop()
        self._threads.shutdown(wait=False)


if __name__ == "__main__":
    _worker_main()
