"""`matcalc serve`: a local web page for matcalc on the standard library's HTTP server.

GET serves a fixed set of files shipped in matcalc/web/static (nothing else on disk is
reachable); `POST /api/derive` answers the object of `matcalc --json` (matcalc.report) and
`POST /api/variables` the variables alone; `GET /api/syntax` lists the operators and functions
(matcalc.web.syntax). Every derivation runs in a worker process with a time
limit (matcalc.web.workers). No request reaches the network: KaTeX is vendored.
"""
from __future__ import annotations

import argparse
import json
import sys
import threading
import webbrowser
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from importlib import resources
from typing import Any

from .. import report
from .syntax import syntax
from .workers import Pool, TimeLimit, WorkerDied

MAX_BODY = 64 * 1024
DEFAULT_PORT = 8765
CSP = ("default-src 'none'; script-src 'self'; style-src 'self'; font-src 'self'; "
       "img-src 'self' data:; connect-src 'self'; base-uri 'none'; form-action 'none'; "
       "frame-ancestors 'none'")
TYPES = {".html": "text/html; charset=utf-8", ".js": "text/javascript; charset=utf-8",
         ".css": "text/css; charset=utf-8", ".woff2": "font/woff2", ".txt": "text/plain"}
LAYOUTS = ("numerator", "denominator")
FLAGS = ("hessian", "steps", "check", "differential")
LOOPBACK_NAMES = ("127.0.0.1", "localhost", "::1")


def static_files() -> dict[str, tuple[bytes, str]]:
    """URL path -> (content, Content-Type) of every file the page needs, read once."""
    root = resources.files("matcalc.web").joinpath("static")
    names = ["index.html", "app.js", "style.css", "katex/katex.min.js", "katex/katex.min.css",
             "katex/LICENSE"]
    names += sorted(f"katex/fonts/{f.name}" for f in root.joinpath("katex/fonts").iterdir()
                    if f.name.endswith(".woff2"))
    files = {}
    for name in names:
        suffix = "." + name.rsplit(".", 1)[-1] if "." in name else ".txt"
        files["/" + name] = (root.joinpath(name).read_bytes(), TYPES[suffix])
    files["/"] = files["/index.html"]
    return files


class RequestError(Exception):
    """A request that is not a valid API call (answered 400 or 413)."""

    def __init__(self, message: str, status: HTTPStatus = HTTPStatus.BAD_REQUEST):
        super().__init__(message)
        self.status = status


def parse_request(body: bytes, kind: str) -> dict[str, Any]:
    """The JSON body of an API call, checked field by field (types, allowed values)."""
    try:
        data = json.loads(body.decode("utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError) as err:
        raise RequestError(f"the request body is not JSON: {err}") from None
    if not isinstance(data, dict):
        raise RequestError("the request body must be a JSON object")
    expr, wrt = data.get("expr"), data.get("wrt", "")
    if not isinstance(expr, str) or not isinstance(wrt, str):
        raise RequestError("'expr' and 'wrt' must be strings")
    if kind == "derive" and not wrt.strip():
        raise RequestError("say which variable to differentiate by ('wrt')")
    vars = data.get("vars") or {}
    if not isinstance(vars, dict) or not all(
            isinstance(k, str) and isinstance(v, str) for k, v in vars.items()):
        raise RequestError("'vars' must map names to kinds, e.g. {\"W\": \"matrix(m,n)\"}")
    layout = data.get("layout", "numerator")
    if layout not in LAYOUTS:
        raise RequestError("'layout' must be 'numerator' or 'denominator'")
    code = data.get("code") or None
    if code is not None and code not in report.BACKENDS:
        raise RequestError(f"'code' must be one of {', '.join(report.BACKENDS)} (or absent)")
    flags = {name: data.get(name, False) for name in FLAGS}
    if not all(isinstance(v, bool) for v in flags.values()):
        raise RequestError(f"{', '.join(FLAGS)} must be true or false")
    return {"expr": expr, "wrt": wrt.strip(), "vars": {k.strip(): v.strip() for k, v in
                                                        vars.items()},
            "layout": layout, "code": code, **flags}


class Handler(BaseHTTPRequestHandler):
    """GET of the known static files, POST of the API; everything else 404 or 405."""

    server: MatcalcServer
    def version_string(self) -> str:
        return "matcalc"

    def _send(self, status: int, body: bytes, content_type: str) -> None:
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body)))
        self.send_header("Content-Security-Policy", CSP)
        self.send_header("X-Content-Type-Options", "nosniff")
        self.send_header("Referrer-Policy", "no-referrer")
        self.send_header("Cache-Control", "no-store")
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(body)

    def _json(self, status: int, obj: dict[str, Any]) -> None:
        body = json.dumps(obj, ensure_ascii=False).encode("utf-8")
        self._send(status, body, "application/json; charset=utf-8")

    def _fail(self, status: HTTPStatus, kind: str, message: str) -> None:
        self._json(status, report.usage_error(message, kind))

    def do_GET(self) -> None:  # noqa: N802 - the name http.server calls
        if self._foreign_host():
            return
        path = self.path.split("?", 1)[0]
        if path in self.server.files:
            self._send(HTTPStatus.OK, *self.server.files[path])
        elif path == "/api/syntax":
            self._json(HTTPStatus.OK, syntax())
        elif path.startswith("/api/"):
            self._fail(HTTPStatus.METHOD_NOT_ALLOWED, "RequestError", "use POST for the API")
        else:
            self._fail(HTTPStatus.NOT_FOUND, "RequestError", f"no such page: {path[:200]}")

    do_HEAD = do_GET

    def _foreign_host(self) -> bool:
        """A loopback server answers only requests addressed to a loopback name (a page
        elsewhere cannot reach it through a DNS name rebound to 127.0.0.1)."""
        if not self.server.loopback:
            return False
        host = (self.headers.get("Host") or "").rsplit(":", 1)[0].strip("[]").lower()
        if host in LOOPBACK_NAMES:
            return False
        self._fail(HTTPStatus.MISDIRECTED_REQUEST, "RequestError",
                   "this server answers requests to 127.0.0.1 or localhost only")
        return True

    def do_POST(self) -> None:  # noqa: N802
        if self._foreign_host():
            return
        kind = {"/api/derive": "derive", "/api/variables": "variables"}.get(self.path)
        if kind is None:
            status = HTTPStatus.METHOD_NOT_ALLOWED if self.path in self.server.files \
                else HTTPStatus.NOT_FOUND
            return self._fail(status, "RequestError", "POST goes to /api/derive or "
                                                      "/api/variables")
        content_type = self.headers.get("Content-Type", "").split(";")[0].strip().lower()
        if content_type != "application/json":  # (another site's form cannot send this)
            self.close_connection = True
            return self._fail(HTTPStatus.UNSUPPORTED_MEDIA_TYPE, "RequestError",
                              "the request body must be application/json")
        try:
            payload = parse_request(self._body(), kind)
        except RequestError as err:
            return self._fail(err.status, "RequestError", str(err))
        try:
            status, answer = self.server.pool.run(kind, payload)
        except TimeLimit as err:
            return self._fail(HTTPStatus.SERVICE_UNAVAILABLE, "TimeLimit", str(err))
        except WorkerDied as err:
            return self._fail(HTTPStatus.INTERNAL_SERVER_ERROR, "InternalError", str(err))
        self._json(status, answer)

    def _body(self) -> bytes:
        try:
            length = int(self.headers.get("Content-Length", ""))
        except ValueError:
            raise RequestError("a POST needs a Content-Length",
                               HTTPStatus.LENGTH_REQUIRED) from None
        if length > MAX_BODY:
            self.close_connection = True
            if length <= 16 * MAX_BODY:  # read (and drop) a moderate body so the client, still
                self.rfile.read(length)  # sending, sees the answer rather than a reset
            raise RequestError(f"the request body is larger than {MAX_BODY // 1024} KiB",
                               HTTPStatus.REQUEST_ENTITY_TOO_LARGE)
        return self.rfile.read(max(length, 0))

    def _other(self) -> None:
        self._fail(HTTPStatus.METHOD_NOT_ALLOWED, "RequestError", "only GET and POST")

    do_PUT = do_DELETE = do_PATCH = do_OPTIONS = _other

    def log_message(self, format: str, *args: Any) -> None:
        if self.server.verbose:
            super().log_message(format, *args)


class MatcalcServer(ThreadingHTTPServer):
    """The HTTP server with its static files and its pool of derivation workers."""

    daemon_threads = True

    def __init__(self, host: str = "127.0.0.1", port: int = DEFAULT_PORT,
                 time_limit: float = 10.0, workers: int = 2, verbose: bool = False):
        self.files = static_files()
        self.verbose = verbose
        self.loopback = host in LOOPBACK_NAMES
        self.pool = Pool(workers, time_limit)
        try:
            super().__init__((host, port), Handler)
        except OSError:
            self.pool.close()
            raise

    @property
    def url(self) -> str:
        host, port = self.server_address[:2]
        shown = f"[{host}]" if ":" in str(host) else host
        return f"http://{shown}:{port}/"

    def server_close(self) -> None:
        super().server_close()
        self.pool.close()


def start(**options: Any) -> tuple[MatcalcServer, threading.Thread]:
    """A server running in a background thread (for tests and notebooks); stop it with
    `server.shutdown(); server.server_close()`."""
    server = MatcalcServer(**options)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    return server, thread


def serve_main(argv: list[str]) -> int:
    """`matcalc serve [--port P] [--host H] [--open] [--time-limit S] [--workers N]`."""
    parser = argparse.ArgumentParser(prog="matcalc serve",
                                     description="Serve matcalc's local web page.")
    parser.add_argument("--port", type=int, default=DEFAULT_PORT,
                        help=f"port (default {DEFAULT_PORT}; 0 picks a free one)")
    parser.add_argument("--host", default="127.0.0.1",
                        help="address to bind (default 127.0.0.1: this machine only)")
    parser.add_argument("--open", action="store_true", help="open the page in a browser")
    parser.add_argument("--time-limit", type=float, default=10.0, metavar="SECONDS",
                        help="longest time one derivation may take (default 10)")
    parser.add_argument("--workers", type=int, default=2,
                        help="derivations at once, each in its own process (default 2)")
    parser.add_argument("--verbose", action="store_true", help="log every request")
    try:
        args = parser.parse_args(argv)
        if args.time_limit <= 0 or args.workers < 1 or not 0 <= args.port <= 65535:
            parser.error("--time-limit must be > 0, --workers >= 1, --port in 0..65535")
    except SystemExit as stop:
        return stop.code if isinstance(stop.code, int) else 2
    try:
        server = MatcalcServer(args.host, args.port, args.time_limit, args.workers,
                               args.verbose)
    except OSError as err:
        print(f"matcalc serve: error: cannot listen on {args.host}:{args.port}: {err}",
              file=sys.stderr)
        return 2
    print(f"matcalc: serving {server.url}  (Ctrl-C stops)", flush=True)
    if args.open:
        webbrowser.open(server.url)
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass
    finally:
        server.server_close()
    return 0
