"""`matcalc serve`: the JSON API, its bounds (body size, time limit), and the static files."""
from __future__ import annotations

import http.client
import inspect
import json
import re
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request

import numpy as np
import pytest
from web_extra import require_web_extra

require_web_extra()

import matcalc  # noqa: E402
import matcalc.cli  # noqa: E402
from matcalc import derive  # noqa: E402
from matcalc.web.protocol import MAX_BODY  # noqa: E402
from matcalc.web.server import start  # noqa: E402

jsonschema = pytest.importorskip("jsonschema")
from matcalc import report  # noqa: E402

VALIDATOR = jsonschema.Draft202012Validator(report.schema())
SLOW = "; ".join(f"x{i + 1} = tanh(W x{i})" for i in range(1000)) + "; sum(x1000)"  # ~2 s


def _serving(time_limit: float):
    server, thread = start(port=0, time_limit=time_limit, workers=2)
    yield server
    server.shutdown()
    server.server_close()
    thread.join(5)


@pytest.fixture(scope="module")
def server():
    yield from _serving(time_limit=0.5)


@pytest.fixture(scope="module")
def roomy_server():
    """A time limit a loaded machine's fresh worker (imports, grammar) is well within."""
    yield from _serving(time_limit=8.0)


def post(server, path: str, body, raw: bytes | None = None) -> tuple[int, dict]:
    data = raw if raw is not None else json.dumps(body).encode()
    request = urllib.request.Request(server.url.rstrip("/") + path, data=data, method="POST",
                                     headers={"Content-Type": "application/json"})
    try:
        with urllib.request.urlopen(request, timeout=60) as response:
            status, text = response.status, response.read()
    except urllib.error.HTTPError as err:
        status, text = err.code, err.read()
    obj = json.loads(text)
    VALIDATOR.validate(obj)
    return status, obj


def get(server, path: str) -> tuple[int, dict, bytes]:
    """GET with the path sent exactly as written (no client-side normalisation of '..')."""
    host, port = server.server_address[:2]
    connection = http.client.HTTPConnection(host, port, timeout=30)
    connection.request("GET", path)
    response = connection.getresponse()
    body = response.read()
    connection.close()
    return response.status, {k.lower(): v for k, v in response.getheaders()}, body


def test_derive_answers_the_json_object(server):
    status, obj = post(server, "/api/derive", {"expr": "x' A x", "wrt": "x",
                                                "layout": "denominator", "check": True})
    assert status == 200
    d = derive("x' A x", "x", layout="denominator")
    assert obj["text"] == str(d) and obj["latex"] == d.latex() and obj["order"] == 1
    assert obj["variables"] == d.variables and obj["check"]["ok"]


def test_derive_matches_the_cli_object(server, capsys):
    request = {"expr": "Y = A X + B; f(Y)", "wrt": "X", "layout": "denominator",
               "steps": True, "differential": True, "code": "numpy"}
    _, obj = post(server, "/api/derive", request)
    matcalc.cli.main(["Y = A X + B; f(Y)", "--wrt", "X", "--layout", "denominator", "--steps",
                      "--form", "differential", "--code", "numpy", "--json"])
    assert obj == json.loads(capsys.readouterr().out)


def test_derive_numbers_agree(server):
    """The returned ASCII text, evaluated by matcalc.value, equals derive(...).evaluate."""
    vars = {"W": "matrix(m,n)", "x": "vector(n)", "b": "vector(m)", "y": "vector(m)"}
    _, obj = post(server, "/api/derive", {"expr": "norm2(W x + b - y)^2", "wrt": "x",
                                          "vars": vars, "layout": "denominator"})
    rng = np.random.default_rng(3)
    arrays = {"W": rng.standard_normal((4, 3)), "x": rng.standard_normal(3),
              "b": rng.standard_normal(4), "y": rng.standard_normal(4)}
    expected = derive("norm2(W x + b - y)^2", "x", vars, "denominator").evaluate(**arrays)
    assert np.allclose(matcalc.value(obj["ascii"], vars, **arrays), expected)


def test_derive_answers_the_warnings(server):
    _, obj = post(server, "/api/derive", {"expr": "W x + b", "wrt": "x"})
    assert obj["warnings"] == ["b is a scalar (single letters a–g are scalars); declare b a "
                               "vector (vars={'b': 'vector'}, or --var b:vector)"]
    _, obj = post(server, "/api/derive", {"expr": "W x + b", "wrt": "x",
                                          "vars": {"b": "vector"}})
    assert obj["warnings"] == []


def test_hessian_request(server):
    status, obj = post(server, "/api/derive", {"expr": "x' A x", "wrt": "x", "hessian": True})
    assert status == 200 and obj["order"] == 2 and obj["ascii"] == "A + A^T"


def test_variables_endpoint(server):
    status, obj = post(server, "/api/variables", {"expr": "W x + b", "vars": {"x": "vector(3)"}})
    assert status == 200 and obj["variables"]["x"] == "vector(3)"
    assert set(obj["variables"]) == {"W", "x", "b"}


def test_matcalc_error_is_422_with_caret(server):
    status, obj = post(server, "/api/derive", {"expr": "W x +", "wrt": "x"})
    assert status == 422
    err = obj["error"]
    assert err["kind"] == "ParseError" and (err["line"], err["column"]) == (1, 6)
    assert "^" in err["message"] and "W x +" in err["message"]


@pytest.mark.parametrize("raw", [b"not json", b"[1, 2]", b'{"expr": 3, "wrt": "x"}',
                                 b'{"expr": "x", "wrt": "x", "layout": "up"}',
                                 b'{"expr": "x", "wrt": "x", "code": "fortran"}',
                                 b'{"expr": "x", "wrt": "x", "steps": "yes"}',
                                 b'{"expr": "x", "wrt": "x", "vars": {"x": 1}}',
                                 b'{"expr": "x", "wrt": ""}'])
def test_bad_requests_are_400(server, raw):
    status, obj = post(server, "/api/derive", None, raw=raw)
    assert status == 400 and obj["error"]["kind"] == "RequestError"


def test_body_size_limit_is_413(server):
    big = {"expr": "x" + " + x" * (MAX_BODY // 4), "wrt": "x"}
    status, obj = post(server, "/api/derive", big)
    assert status == 413 and "64 KiB" in obj["error"]["message"]
    assert post(server, "/api/derive", {"expr": "W x", "wrt": "x"})[0] == 200


def test_time_limit_then_the_next_request_is_answered(server):
    assert len(SLOW) < MAX_BODY
    started = time.monotonic()
    status, obj = post(server, "/api/derive", {"expr": SLOW, "wrt": "x0"})
    assert status == 503 and obj["error"]["kind"] == "TimeLimit"
    assert "0.5 s" in obj["error"]["message"]
    assert time.monotonic() - started < 10
    status, obj = post(server, "/api/derive", {"expr": "W x + b", "wrt": "x"})
    assert status == 200 and obj["text"] == "W"


def test_a_slow_request_does_not_block_a_fast_one(roomy_server):
    import threading
    slow_done = []
    slow = threading.Thread(target=lambda: slow_done.append(time.monotonic()) if post(
        roomy_server, "/api/derive", {"expr": SLOW, "wrt": "x0"}) else None)
    slow.start()
    time.sleep(0.05)
    assert post(roomy_server, "/api/derive", {"expr": "x' x", "wrt": "x"})[0] == 200
    fast_done = time.monotonic()
    slow.join(30)
    assert slow_done and fast_done < slow_done[0]  # answered while the slow one worked


@pytest.mark.parametrize("path, kind", [("/", "text/html"), ("/index.html", "text/html"),
                                        ("/app.js", "text/javascript"),
                                        ("/style.css", "text/css"),
                                        ("/katex/katex.min.js", "text/javascript"),
                                        ("/katex/katex.min.css", "text/css"),
                                        ("/katex/fonts/KaTeX_Main-Regular.woff2", "font/woff2")])
def test_static_files_with_headers(server, path, kind):
    status, headers, body = get(server, path)
    assert status == 200 and body
    assert headers["content-type"].startswith(kind)
    csp = headers["content-security-policy"]
    assert "default-src 'none'" in csp and "script-src 'self'" in csp
    assert headers["x-content-type-options"] == "nosniff"


def test_page_loads_nothing_from_the_network(server):
    """No absolute URL in the page, its script and styles; KaTeX's CSS loads only its fonts/."""
    for path in ("/", "/app.js", "/style.css"):
        text = get(server, path)[2].decode()
        assert "http:" not in text and "https:" not in text and "//cdn" not in text
    css = get(server, "/katex/katex.min.css")[2].decode()
    assert "url(fonts/" in css and "url(http" not in css and "url(//" not in css


@pytest.mark.parametrize("path", ["/../pyproject.toml", "/../../../../etc/passwd",
                                  "/%2e%2e/%2e%2e/etc/passwd", "/katex/../server.py",
                                  "/static/index.html", "/server.py", "/katex/",
                                  "//etc/passwd", "/index.html/../../x"])
def test_traversal_and_unknown_paths_are_404(server, path):
    status, _, body = get(server, path)
    assert status == 404
    assert b"root:" not in body


def test_other_methods_and_api_get(server):
    host, port = server.server_address[:2]
    for method, path, expected in [("GET", "/api/derive", 405), ("PUT", "/api/derive", 405),
                                   ("DELETE", "/", 405), ("POST", "/index.html", 405),
                                   ("POST", "/api/other", 404)]:
        connection = http.client.HTTPConnection(host, port, timeout=30)
        connection.request(method, path, body=b"{}" if method != "GET" else None,
                           headers={"Content-Type": "application/json"})
        response = connection.getresponse()
        assert response.status == expected, (method, path)
        assert json.loads(response.read())["error"]["kind"] == "RequestError"
        connection.close()


def test_one_default_layout_everywhere(server):
    """The page's preselected layout is the API's, the command line's and derive's default."""
    page = get(server, "/")[2].decode()
    checked = re.findall(r'name="layout" value="(\w+)" checked', page)
    defaults = {
        "page": checked[0] if len(checked) == 1 else checked,
        "api": post(server, "/api/derive", {"expr": "W x", "wrt": "x"})[1]["layout"],
        "cli": matcalc.cli._arg_parser().parse_args(["x", "--wrt", "x"]).layout,
        "python": inspect.signature(derive).parameters["layout"].default,
    }
    assert set(defaults.values()) == {"numerator"}, defaults
    script = get(server, "/app.js")[2].decode()
    examples = script[script.index("const EXAMPLES"):script.index("];")]
    assert "expr:" in examples and "layout" not in examples  # examples keep the chosen layout
    assert "LAYOUT_NOTES[result.layout]" in script and 'id="layout-note"' in page


def test_the_page_examples_derive_without_notes(server):
    """Each example of the page, with the declarations it sets, answers with no warning: the
    examples show what matcalc reads, not a note about a default."""
    script = get(server, "/app.js")[2].decode()
    examples = re.findall(r'\{ expr: "([^"]+)", wrt: "(\w+)"(?:, decls: "([^"]*)")? \}', script)
    listed = script[script.index("const EXAMPLES"):].split("];")[0].count("expr:")
    assert examples and len(examples) == listed
    for expr, wrt, decls in examples:
        vars = dict(line.split(": ") for line in decls.split("\n") if line)
        status, obj = post(server, "/api/derive", {"expr": expr, "wrt": wrt, "vars": vars})
        assert status == 200 and obj["warnings"] == [], (expr, obj)


def _raw_request(server, head: str) -> tuple[int, dict]:
    """Send `head` (a request without a body) on a socket; the status and the JSON answer."""
    with socket.create_connection(server.server_address[:2], timeout=30) as connection:
        connection.sendall(head.encode())
        answer = b""
        while chunk := connection.recv(65536):
            answer += chunk
    status_line, _, rest = answer.partition(b"\r\n")
    obj = json.loads(rest.split(b"\r\n\r\n", 1)[1])
    VALIDATOR.validate(obj)
    return int(status_line.split()[1]), obj


def test_post_without_content_length_is_411(server):
    status, obj = _raw_request(server, "POST /api/derive HTTP/1.1\r\nHost: 127.0.0.1\r\n"
                                       "Content-Type: application/json\r\n"
                                       "Connection: close\r\n\r\n")
    assert status == 411 and obj["error"]["kind"] == "RequestError"
    assert "Content-Length" in obj["error"]["message"]


def test_post_needs_json_content_type(server):
    host, port = server.server_address[:2]
    connection = http.client.HTTPConnection(host, port, timeout=30)
    connection.request("POST", "/api/derive", body=b'{"expr": "x", "wrt": "x"}',
                       headers={"Content-Type": "text/plain"})
    response = connection.getresponse()
    assert response.status == 415 and b"application/json" in response.read()
    connection.close()


@pytest.mark.parametrize("method", ["GET", "POST"])
def test_requests_for_another_host_name_are_refused(server, method):
    """No DNS-rebinding: a loopback server answers only Host 127.0.0.1 / localhost."""
    host, port = server.server_address[:2]
    connection = http.client.HTTPConnection(host, port, timeout=30)
    connection.request(method, "/api/derive" if method == "POST" else "/",
                       body=b'{"expr": "x", "wrt": "x"}' if method == "POST" else None,
                       headers={"Host": f"evil.example:{port}",
                                "Content-Type": "application/json"})
    response = connection.getresponse()
    assert response.status == 421
    response.read()
    connection.close()
    connection = http.client.HTTPConnection(host, port, timeout=30)
    connection.request("GET", "/", headers={"Host": f"localhost:{port}"})
    assert connection.getresponse().status == 200
    connection.close()


def test_serve_command_prints_the_url_and_answers():
    """`python -m matcalc serve --port 0` in a subprocess: bound to 127.0.0.1, URL printed."""
    process = subprocess.Popen([sys.executable, "-m", "matcalc", "serve", "--port", "0"],
                               stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        line = process.stdout.readline()
        assert line.startswith("matcalc: serving http://127.0.0.1:"), line
        url = line.split()[2]
        with urllib.request.urlopen(url, timeout=30) as response:
            assert b"matcalc" in response.read()
    finally:
        process.terminate()
        process.wait(30)


def test_serve_refuses_a_busy_port():
    with socket.socket() as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen()
        port = busy.getsockname()[1]
        done = subprocess.run([sys.executable, "-m", "matcalc", "serve", "--port", str(port)],
                              capture_output=True, text=True, timeout=60)
    assert done.returncode == 2 and "cannot listen" in done.stderr


def test_serve_usage_errors_exit_2():
    assert matcalc.cli.main(["serve", "--port", "-3"]) == 2
    assert matcalc.cli.main(["serve", "--time-limit", "0"]) == 2
