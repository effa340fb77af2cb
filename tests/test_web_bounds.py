"""`matcalc serve` under bad input and load: every request answered (4xx with the error object,
never a dropped connection), the Host check, the OpenAPI document, and the pool's bounds
(processes, queue, waiting time)."""
from __future__ import annotations

import asyncio
import json
import os
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest
from web_extra import require_web_extra

require_web_extra()
jsonschema = pytest.importorskip("jsonschema")

from matcalc import derive, report  # noqa: E402
from matcalc.web.protocol import MAX_BODY, host_name  # noqa: E402
from matcalc.web.server import start  # noqa: E402
from matcalc.web.workers import Busy, Pool, TimeLimit  # noqa: E402

VALIDATOR = jsonschema.Draft202012Validator(report.schema())
SLOW = "; ".join(f"x{i + 1} = tanh(W x{i})" for i in range(1000)) + "; sum(x1000)"  # ~2 s
QUICK = {"expr": "x' A x", "wrt": "x"}


@pytest.fixture(scope="module")
def server():
    server, thread = start(port=0, time_limit=8.0, workers=1)
    yield server
    server.shutdown()
    server.server_close()
    thread.join(5)


def exchange(server, body: bytes, headers: dict[str, str] | None = None,
             path: str = "/api/derive") -> tuple[int, dict[str, str], bytes]:
    """One POST written on a socket as given; the status, headers and body of the answer."""
    headers = {"Host": "127.0.0.1", "Content-Type": "application/json",
               "Content-Length": str(len(body)), "Connection": "close", **(headers or {})}
    head = f"POST {path} HTTP/1.1\r\n" + "".join(f"{k}: {v}\r\n" for k, v in headers.items())
    with socket.create_connection(server.server_address, timeout=60) as connection:
        connection.sendall(head.encode() + b"\r\n" + body)
        answer = b""
        while chunk := connection.recv(65536):
            answer += chunk
    assert answer, "the connection was closed without an answer"
    head, _, content = answer.partition(b"\r\n\r\n")
    lines = head.decode("latin-1").split("\r\n")
    fields = dict(line.split(": ", 1) for line in lines[1:])
    return int(lines[0].split()[1]), {k.lower(): v for k, v in fields.items()}, content


def answered_error(server, body: bytes, status: int, **headers: str) -> dict:
    got, fields, content = exchange(server, body, headers)
    obj = json.loads(content)
    VALIDATOR.validate(obj)
    assert got == status and fields["content-type"].startswith("application/json"), obj
    return obj["error"]


@pytest.mark.parametrize("body, says", [
    (b'{"expr": "x + \\ud800", "wrt": "x"}', "surrogate"),
    (b'{"expr": "x", "wrt": "\\udfff"}', "surrogate"),
    (b'{"expr": "x", "wrt": "x", "vars": {"\\ud800": "vector"}}', "surrogate"),
    (b"[" * 30000 + b"]" * 30000, "nests too deeply"),
    (b'{"expr": "x", "wrt": "x", "layout": ' + b"9" * 5000 + b"}", "not JSON"),
    (b'{"expr": ' + b"7" * 5000 + b', "wrt": "x"}', "not JSON"),
    (b'{"expr": "x", "wrt": "x"', "not JSON"),
    (b"\xff\xfe{}", "not JSON"),
    (b"", "not JSON"),
    (b'{"expr": null, "wrt": "x"}', "'expr' must be a string"),
    (b'{"wrt": "x"}', "'expr' is missing"),
    (b'{"expr": "x", "wrt": ["x"]}', "'wrt' must be a string"),
    (b'{"expr": "x", "wrt": "x", "vars": []}', "'vars' must map"),
    (b'{"expr": "x", "wrt": "x", "code": ""}', "'code' must be one of"),
    (b'{"expr": "x", "wrt": "x", "hessian": 1}', "must be true or false"),
])
def test_malformed_bodies_are_400_with_the_error_object(server, body, says):
    error = answered_error(server, body, 400)
    assert error["kind"] == "RequestError" and says in error["message"]


def test_wrong_content_type_is_415(server):
    error = answered_error(server, json.dumps(QUICK).encode(), 415,
                           **{"Content-Type": "application/x-www-form-urlencoded"})
    assert "application/json" in error["message"]


@pytest.mark.parametrize("size", [MAX_BODY + 1, 8 * MAX_BODY, 40 * MAX_BODY])
def test_oversized_bodies_are_413(server, size):
    body = b'{"expr": "' + b"x" * size + b'", "wrt": "x"}'
    assert "64 KiB" in answered_error(server, body, 413)["message"]


def test_a_chunked_oversized_body_is_413(server):
    chunk = b"x" * 4096
    chunks = b"".join(b"%x\r\n%s\r\n" % (len(chunk), chunk) for _ in range(20)) + b"0\r\n\r\n"
    with socket.create_connection(server.server_address, timeout=60) as connection:
        connection.sendall(b"POST /api/derive HTTP/1.1\r\nHost: localhost\r\nContent-Type: "
                           b"application/json\r\nTransfer-Encoding: chunked\r\n"
                           b"Connection: close\r\n\r\n" + chunks)
        answer = connection.recv(65536)
    assert answer.startswith(b"HTTP/1.1 413")


@pytest.mark.parametrize("host", ["[::1]", "[::1]:{port}", "localhost", "127.0.0.1:{port}",
                                  "LOCALHOST:{port}"])
def test_loopback_host_names_are_answered(server, host):
    host = host.format(port=server.server_address[1])
    status, _, content = exchange(server, json.dumps(QUICK).encode(), {"Host": host})
    assert status == 200 and json.loads(content)["ascii"] == derive("x' A x", "x").text(ascii=True)


@pytest.mark.parametrize("host", ["evil.example", "127.0.0.1.evil.example:80", "[::2]", ""])
def test_other_host_names_are_421(server, host):
    error = answered_error(server, json.dumps(QUICK).encode(), 421, Host=host)
    assert "127.0.0.1" in error["message"]


def test_host_name_reads_ports_and_brackets():
    assert [host_name(h) for h in ("[::1]", "[::1]:80", "::1", "a.b:8", "A.B")] == \
        ["::1", "::1", "::1", "a.b", "a.b"]


def test_openapi_document_uses_the_json_output_schema(server):
    """The API's response schemas are --json's schema; a real answer validates against them."""
    status, _, content = exchange(server, b"", {"Content-Length": "0"}, path="/openapi.json")
    assert status == 405  # (POST); the document is a GET:
    import urllib.request
    with urllib.request.urlopen(server.url + "openapi.json", timeout=30) as response:
        document = json.load(response)
    defs = json.dumps(report.schema()["$defs"]).replace("#/$defs/", "#/components/schemas/")
    assert document["components"]["schemas"] == json.loads(defs)
    operation = document["paths"]["/api/derive"]["post"]
    _, _, content = exchange(server, json.dumps(QUICK).encode())
    for status, answer in [("200", json.loads(content)),
                           ("400", json.loads(exchange(server, b"{")[2]))]:
        schema = operation["responses"][status]["content"]["application/json"]["schema"]
        jsonschema.Draft202012Validator({**schema, **document}).validate(answer)
    with pytest.raises(jsonschema.ValidationError):
        schema = operation["responses"]["200"]["content"]["application/json"]["schema"]
        jsonschema.Draft202012Validator({**schema, **document}).validate(
            json.loads(exchange(server, b"{")[2]))


def worker_processes() -> list[int]:
    """Process ids of this process's children running matcalc.web.workers (from /proc)."""
    found = []
    for entry in Path("/proc").iterdir():
        try:
            stat = (entry / "stat").read_text().rsplit(")", 1)[1].split()
            command = (entry / "cmdline").read_bytes()
        except (OSError, IndexError):
            continue
        if int(stat[1]) == os.getpid() and b"matcalc.web.workers" in command:
            found.append(int(entry.name))
    return found


needs_proc = pytest.mark.skipif(not Path("/proc/self/stat").exists(), reason="needs /proc")


@needs_proc
def test_time_outs_never_leave_more_processes_than_workers():
    others = set(worker_processes())  # (the module's server's)

    def ours() -> list[int]:
        return sorted(set(worker_processes()) - others)

    async def scenario():
        pool = Pool(1, limit=0.3, max_wait=30)
        try:
            jobs = [pool.run("derive", _payload(SLOW)) for _ in range(3)]
            jobs.append(pool.run("derive", _payload("x' x")))
            results = await asyncio.gather(*jobs, return_exceptions=True)
            assert [type(r) for r in results[:3]] == [TimeLimit] * 3
            assert results[3][0] == 200
            assert len(ours()) == 1 and ours() == pool.pids()
        finally:
            pool.close()
        assert ours() == []
    asyncio.run(scenario())


def test_a_full_queue_answers_busy_at_once():
    async def scenario():
        pool = Pool(1, limit=10, queue=1, max_wait=30)
        try:
            slow = asyncio.ensure_future(pool.run("derive", _payload(SLOW)))
            await asyncio.sleep(0.2)
            queued = asyncio.ensure_future(pool.run("derive", _payload("x' x")))
            await asyncio.sleep(0.05)
            started = time.monotonic()
            with pytest.raises(Busy) as busy:
                await pool.run("derive", _payload("x' x"))
            assert time.monotonic() - started < 0.5 and busy.value.retry_after >= 1
            assert (await slow)[0] == 200 and (await queued)[0] == 200
        finally:
            pool.close()
    asyncio.run(scenario())


@pytest.mark.parametrize("max_wait, head_start, within", [(0.3, 0.2, 1.0), (1.0, 1.5, 0.5)])
def test_a_request_behind_a_slow_job_gets_busy_within_max_wait(max_wait, head_start, within):
    """A quick job behind a slow one in the only slot: Busy once it has waited `max_wait`
    (0.3 s) or, when the slow job has run longer than that already (1.5 s), at once."""
    async def scenario():
        pool = Pool(1, limit=10, max_wait=max_wait)
        try:
            slow = asyncio.ensure_future(pool.run("derive", _payload(SLOW)))
            await asyncio.sleep(head_start)
            assert (pool.expected_wait() > max_wait) == (head_start > max_wait)
            started = time.monotonic()
            with pytest.raises(Busy):
                await pool.run("derive", _payload("x' x"))
            assert time.monotonic() - started < within
            assert (await slow)[0] == 200 and pool.expected_wait() == 0
            assert (await pool.run("derive", _payload("x' x")))[0] == 200
        finally:
            pool.close()
    asyncio.run(scenario())


def test_long_programs_leave_a_worker_to_short_ones():
    """With 2 workers, long programs (the slow kind) run one at a time; a short expression
    arriving behind them is answered by the other worker at once."""
    async def scenario():
        pool = Pool(2, limit=20, max_wait=30)
        try:
            await asyncio.gather(*(pool.run("derive", _payload("x")) for _ in range(2)))  # warm
            slow = [asyncio.ensure_future(pool.run("derive", _payload(SLOW))) for _ in range(3)]
            await asyncio.sleep(0.5)
            assert sum(long for _, long in pool._running.values()) == 1
            for _ in range(3):
                started = time.monotonic()
                assert (await pool.run("derive", _payload("x' x")))[0] == 200
                assert time.monotonic() - started < 1.5  # (a long program takes 2 to 8 s)
            assert not any(task.done() for task in slow)
            assert [status for status, _ in await asyncio.gather(*slow)] == [200] * 3
        finally:
            pool.close()
    asyncio.run(scenario())


def test_busy_is_503_with_retry_after():
    server, thread = start(port=0, time_limit=8.0, workers=1, queue=0)
    try:
        slow = subprocess.Popen([sys.executable, "-c", _CLIENT, server.url, SLOW])
        time.sleep(1.0)
        status, fields, content = exchange(server, json.dumps(QUICK).encode())
        assert status == 503 and int(fields["retry-after"]) >= 1
        assert json.loads(content)["error"]["kind"] == "Busy"
        assert slow.wait(60) == 0
    finally:
        server.shutdown()
        server.server_close()
        thread.join(5)


_CLIENT = """import json, sys, urllib.request
request = urllib.request.Request(sys.argv[1] + "api/derive", method="POST",
    data=json.dumps({"expr": sys.argv[2], "wrt": "x0"}).encode(),
    headers={"Content-Type": "application/json"})
assert json.load(urllib.request.urlopen(request, timeout=60))["order"] == 1
"""


def _payload(expr: str) -> dict:
    return {"expr": expr, "wrt": "x0" if expr == SLOW else "x", "vars": {},
            "layout": "numerator", "code": None, "hessian": False, "steps": False,
            "check": False, "differential": False}


def test_serve_without_the_web_extra_says_how_to_install_it():
    code = ("import sys; sys.modules['uvicorn'] = None; from matcalc.cli import main; "
            "sys.exit(main(['serve', '--port', '0']))")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                          timeout=60)
    assert done.returncode == 2 and 'pip install "matcalc[web]"' in done.stderr


@pytest.mark.filterwarnings("ignore:Using `httpx` with `starlette.testclient`")
def test_the_asgi_app_in_process():
    """matcalc.web.app's app under Starlette's TestClient (no socket): the lifespan starts
    and stops the pool; HEAD, the API and the document answer."""
    from starlette.testclient import TestClient

    from matcalc.web.app import create_app
    app = create_app(workers=1)
    with TestClient(app, base_url="http://localhost") as client:
        assert app.state.api.pool.pids()
        assert client.head("/").status_code == 200
        answer = client.post("/api/derive", json=QUICK)
        assert answer.status_code == 200
        assert answer.json()["ascii"] == derive("x' A x", "x").text(ascii=True)
        assert client.get("/openapi.json").json()["openapi"] == "3.1.0"
    assert app.state.api.pool.pids() == []
