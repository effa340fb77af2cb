"""Load on `matcalc serve` (loopback only, bounded in count and time).

Starts `python -m matcalc serve --port 0 --workers 2` on 127.0.0.1 and measures, with clients
that open one connection per request (HTTP/1.1, `Connection: close`):

1. load: CLIENTS concurrent clients each sending ROUNDS valid quick requests (`POST
   /api/derive`, the page's examples): requests per second, p50 and p99 latency, the answers
   by status, and connection errors (a reset, a refused or dropped connection: no HTTP answer);
2. fairness: SLOW slow derivations (a 1000-statement program, about 2 s each) sent at once,
   then, while they are in flight, quick requests one after another: each one's latency and
   status (200, or 503 Busy with Retry-After, answered at once);
3. memory (`--memory N`): N requests from 50 clients; the resident memory (RSS, from /proc) of
   the server and its worker processes before and after.

    python benchmarks/serve_load.py [--clients 200] [--rounds 5] [--slow 20] [--memory 10000]
"""
from __future__ import annotations

import argparse
import asyncio
import json
import subprocess
import sys
import time
from collections import Counter
from pathlib import Path

QUICK = [("x' A x", "x"), ("norm2(W x + b - y)^2", "x"), ("tr(X' A X)", "X"),
         ("log(det(X))", "X"), ("sum(tanh(W x))", "W")]
SLOW = "; ".join(f"x{i + 1} = tanh(W x{i})" for i in range(1000)) + "; sum(x1000)"
CRLF2 = b"\r\n\r\n"
TIMEOUT = 120.0  # seconds one request may take before it counts as a connection error


def outcome(answer: bytes) -> str | None:
    """'200', or the status and the error's kind ('503 Busy'); None when no HTTP answer."""
    if not answer.startswith(b"HTTP/1.1 "):
        return None
    status = answer.split(b" ", 2)[1].decode()
    if status == "200":
        return status
    return f"{status} {json.loads(answer.split(CRLF2, 1)[1])['error']['kind']}"


async def request(port: int, expr: str, wrt: str) -> tuple[str | None, float]:
    """(the outcome, or None when no answer came; seconds) of one POST /api/derive."""
    body = json.dumps({"expr": expr, "wrt": wrt}).encode()
    head = (f"POST /api/derive HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nContent-Type: "
            f"application/json\r\nContent-Length: {len(body)}\r\nConnection: close\r\n\r\n")
    started = time.perf_counter()
    try:
        reader, writer = await asyncio.wait_for(
            asyncio.open_connection("127.0.0.1", port), TIMEOUT)
        writer.write(head.encode() + body)
        answer = await asyncio.wait_for(reader.read(), TIMEOUT)
        writer.close()
        status = outcome(answer)
    except (OSError, asyncio.TimeoutError, ValueError, IndexError, KeyError):
        status = None
    return status, time.perf_counter() - started


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q / 100 * len(ordered)))] if ordered else 0.0


def summary(results: list[tuple[str | None, float]], seconds: float) -> dict:
    times = [t for status, t in results if status is not None]
    return {"requests": len(results), "seconds": round(seconds, 2),
            "per_second": round(len(results) / seconds, 1),
            "p50_ms": round(1000 * percentile(times, 50), 1),
            "p99_ms": round(1000 * percentile(times, 99), 1),
            "statuses": dict(Counter(str(s) for s, _ in results if s is not None)),
            "connection_errors": sum(status is None for status, _ in results)}


async def load(port: int, clients: int, rounds: int) -> dict:
    async def client(k: int) -> list:
        return [await request(port, *QUICK[(k + r) % len(QUICK)]) for r in range(rounds)]
    started = time.perf_counter()
    results = await asyncio.gather(*(client(k) for k in range(clients)))
    return summary([r for rs in results for r in rs], time.perf_counter() - started)


async def fairness(port: int, slow: int, quick: int) -> dict:
    slow_tasks = [asyncio.ensure_future(request(port, SLOW, "x0")) for _ in range(slow)]
    await asyncio.sleep(0.5)  # the slow ones are in the workers and the queue
    quick_results = []
    for k in range(quick):
        quick_results.append(await request(port, *QUICK[k % len(QUICK)]))
        await asyncio.sleep(0.05)
    slow_results = await asyncio.gather(*slow_tasks)
    by_status: dict[str, list[float]] = {}
    for status, seconds in quick_results:
        by_status.setdefault(str(status), []).append(seconds)
    return {"quick": {status: {"count": len(times), "p50_ms": round(1000 * percentile(
                times, 50), 1), "p99_ms": round(1000 * percentile(times, 99), 1)}
                      for status, times in by_status.items()},
            "slow": dict(Counter(str(s) for s, _ in slow_results))}


def rss_kib(pid: int) -> int:
    """Resident memory of `pid` and all its descendants, in KiB (from /proc)."""
    total, pending = 0, [pid]
    while pending:
        current = pending.pop()
        for line in Path(f"/proc/{current}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                total += int(line.split()[1])
        for task in Path(f"/proc/{current}/task").iterdir():
            children = (task / "children").read_text().split()
            pending += [int(c) for c in children]
    return total


async def memory(port: int, pid: int, count: int) -> dict:
    await load(port, 50, 4)  # warm: every worker has derived every example once
    before = rss_kib(pid)
    result = await load(port, 50, count // 50)
    after = rss_kib(pid)
    return {"requests": result["requests"], "rss_before_kib": before, "rss_after_kib": after,
            "statuses": result["statuses"], "connection_errors": result["connection_errors"]}


def start_server(workers: int, max_wait: float) -> tuple[subprocess.Popen, int]:
    process = subprocess.Popen(
        [sys.executable, "-m", "matcalc", "serve", "--port", "0", "--workers", str(workers),
         "--max-wait", str(max_wait)],
        stdout=subprocess.PIPE, text=True, cwd=Path(__file__).resolve().parents[1])
    line = process.stdout.readline()
    if not line.startswith("matcalc: serving http://127.0.0.1:"):
        process.kill()
        raise SystemExit(f"the server did not start: {line!r}")
    return process, int(line.split()[2].rstrip("/").rsplit(":", 1)[1])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--clients", type=int, default=200)
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--slow", type=int, default=20)
    parser.add_argument("--quick", type=int, default=40, help="quick requests in phase 2")
    parser.add_argument("--memory", type=int, default=0, help="requests of phase 3 (0: skip)")
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--max-wait", type=float, default=2.0, help="the server's --max-wait")
    args = parser.parse_args()
    process, port = start_server(args.workers, args.max_wait)
    try:
        out = {"load": asyncio.run(load(port, args.clients, args.rounds))}
        print(json.dumps(out), flush=True)
        out["fairness"] = asyncio.run(fairness(port, args.slow, args.quick))
        print(json.dumps({"fairness": out["fairness"]}), flush=True)
        if args.memory:
            out["memory"] = asyncio.run(memory(port, process.pid, args.memory))
            print(json.dumps({"memory": out["memory"]}), flush=True)
    finally:
        process.terminate()
        process.wait(30)


if __name__ == "__main__":
    main()
