"""The web page and its JSON API as an ASGI app (Starlette), for uvicorn or any ASGI server.

GET serves a fixed set of files shipped in matcalc/web/static (nothing else on disk is
reachable), /openapi.json and /api/syntax (the page's syntax panel); `POST /api/derive` answers
the object of `matcalc --json` (matcalc.report) and `POST /api/variables` the variables alone.
Every derivation runs in a bounded pool of worker processes with a time limit
(matcalc.web.workers), created when the app starts, so each server process
(`uvicorn matcalc.web.app:app --workers 4`) has its own and the app keeps no other state.
Every request is answered, a bad one with a 4xx and the error object.

`app` reads its settings from the environment: MATCALC_TIME_LIMIT (seconds, default 10),
MATCALC_WORKERS (derivation processes per server process, default 2), MATCALC_QUEUE (jobs
waiting, default 128 per worker), MATCALC_MAX_WAIT (seconds a job may wait, default 2) and
MATCALC_ALLOWED_HOSTS (comma-separated Host names answered, `*` for any; default the loopback
names).
"""
from __future__ import annotations

import contextlib
import os
from http import HTTPStatus
from typing import Any

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from .. import report
from . import openapi
from .protocol import (
    KINDS,
    LOOPBACK_NAMES,
    MAX_BODY,
    SECURITY_HEADERS,
    RequestError,
    host_allowed,
    parse_request,
    static_files,
)
from .syntax import syntax
from .workers import Busy, Pool, TimeLimit, WorkerDied

DRAIN_LIMIT = 128 * MAX_BODY  # an oversized body up to 8 MiB is read (and dropped) before
# the answer, so a client still sending sees the 413 rather than a reset connection


def _json(status: int, obj: dict[str, Any], headers: dict[str, str] | None = None) -> Response:
    return JSONResponse(obj, status, headers={**SECURITY_HEADERS, **(headers or {})},
                        media_type="application/json; charset=utf-8")


def _error(err: RequestError, kind: str = "RequestError") -> Response:
    return _json(err.status, report.usage_error(str(err), kind), err.headers)


def _not_allowed(message: str, allow: str) -> RequestError:
    """405, with the methods the path answers (RFC 9110: the Allow header)."""
    return RequestError(message, HTTPStatus.METHOD_NOT_ALLOWED, {"Allow": allow})


async def _body(request: Request) -> bytes:
    """The body, at most MAX_BODY bytes (413 past it, 411 without a length)."""
    headers = request.headers
    if "content-length" not in headers and "transfer-encoding" not in headers:
        raise RequestError("a POST needs a Content-Length", HTTPStatus.LENGTH_REQUIRED)
    too_large = RequestError(f"the request body is larger than {MAX_BODY // 1024} KiB",
                             HTTPStatus.REQUEST_ENTITY_TOO_LARGE)
    declared = headers.get("content-length", "")
    if declared.isdigit() and int(declared) > DRAIN_LIMIT:
        raise too_large
    chunks, size = [], 0
    async for chunk in request.stream():
        size += len(chunk)
        if size > DRAIN_LIMIT:
            break
        if size <= MAX_BODY:
            chunks.append(chunk)
    if size > MAX_BODY:
        raise too_large
    return b"".join(chunks)


class Api:
    """The one endpoint every request reaches: the Host check, then static file, OpenAPI
    document or API call by path and method."""

    def __init__(self, allowed_hosts: tuple[str, ...] | None) -> None:
        self.allowed_hosts = allowed_hosts
        self.files = static_files()
        self.documents = {"/openapi.json": openapi.document(), "/api/syntax": syntax()}
        self.pool: Pool | None = None

    async def endpoint(self, request: Request) -> Response:
        try:
            return await self._answer(request)
        except RequestError as err:
            return _error(err)

    async def _answer(self, request: Request) -> Response:
        if not host_allowed(request.headers.get("host", ""), self.allowed_hosts):
            names = ", ".join(self.allowed_hosts or ())
            raise RequestError(f"this server answers requests to {names} only (a server "
                               f"started with uvicorn: set MATCALC_ALLOWED_HOSTS)",
                               HTTPStatus.MISDIRECTED_REQUEST)
        path, method = request.url.path, request.method
        if method in ("GET", "HEAD"):
            return self._get(path)
        allow = "POST" if path in KINDS else "GET, HEAD"
        if method != "POST":
            raise _not_allowed("only GET and POST", allow)
        if path not in KINDS:
            if path in self.files or path in self.documents:
                raise _not_allowed("POST goes to /api/derive or /api/variables", allow)
            raise RequestError("POST goes to /api/derive or /api/variables",
                               HTTPStatus.NOT_FOUND)
        content_type = request.headers.get("content-type", "").split(";")[0].strip().lower()
        if content_type != "application/json":  # (another site's form cannot send this)
            raise RequestError("the request body must be application/json",
                               HTTPStatus.UNSUPPORTED_MEDIA_TYPE)
        payload = parse_request(await _body(request), KINDS[path])
        return await self._run(KINDS[path], payload)

    def _get(self, path: str) -> Response:
        if path in self.files:
            content, content_type = self.files[path]
            return Response(content, 200, SECURITY_HEADERS, content_type)
        if path in self.documents:
            return _json(200, self.documents[path])
        if path.startswith("/api/"):
            raise _not_allowed("use POST for the API", "POST")
        raise RequestError(f"no such page: {path[:200]}", HTTPStatus.NOT_FOUND)

    async def _run(self, kind: str, payload: dict[str, Any]) -> Response:
        assert self.pool is not None, "the app was not started (its lifespan did not run)"
        try:
            status, answer = await self.pool.run(kind, payload)
        except Busy as err:
            return _json(503, report.usage_error(str(err), "Busy"),
                         {"Retry-After": str(err.retry_after)})
        except TimeLimit as err:
            return _json(503, report.usage_error(str(err), "TimeLimit"))
        except WorkerDied as err:
            return _json(500, report.usage_error(str(err), "InternalError"))
        return _json(status, answer)


def create_app(time_limit: float = 10.0, workers: int = 2, queue: int | None = None,
               max_wait: float = 2.0,
               allowed_hosts: tuple[str, ...] | None = LOOPBACK_NAMES) -> Starlette:
    """The ASGI app; its pool of `workers` processes lives from startup to shutdown."""
    api = Api(allowed_hosts)

    @contextlib.asynccontextmanager
    async def lifespan(_app: Starlette):
        api.pool = Pool(workers, time_limit, queue, max_wait)
        try:
            yield
        finally:
            api.pool.close()

    methods = ["GET", "HEAD", "POST", "PUT", "DELETE", "PATCH", "OPTIONS"]
    app = Starlette(routes=[Route("/{path:path}", api.endpoint, methods=methods)],
                    lifespan=lifespan)
    app.state.api = api
    return app


def _from_environment() -> Starlette:
    """The app as configured by the MATCALC_* environment variables (module docstring)."""
    env = os.environ
    hosts = env.get("MATCALC_ALLOWED_HOSTS", ",".join(LOOPBACK_NAMES)).strip()
    queue = env.get("MATCALC_QUEUE")
    return create_app(
        time_limit=float(env.get("MATCALC_TIME_LIMIT", 10)),
        workers=int(env.get("MATCALC_WORKERS", 2)),
        queue=int(queue) if queue else None, max_wait=float(env.get("MATCALC_MAX_WAIT", 2)),
        allowed_hosts=None if hosts == "*" else tuple(
            h.strip().lower().strip("[]") for h in hosts.split(",") if h.strip()))


app = _from_environment()
