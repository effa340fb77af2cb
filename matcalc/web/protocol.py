"""What the web API accepts and what it serves, with no web framework: the fixed set of static
files, the checked fields of an API call, and the Host names a server answers."""
from __future__ import annotations

import json
from http import HTTPStatus
from importlib import resources
from typing import Any

from .. import report

MAX_BODY = 64 * 1024
CSP = ("default-src 'none'; script-src 'self'; style-src 'self'; font-src 'self'; "
       "img-src 'self' data:; connect-src 'self'; base-uri 'none'; form-action 'none'; "
       "frame-ancestors 'none'")
SECURITY_HEADERS = {"Content-Security-Policy": CSP, "X-Content-Type-Options": "nosniff",
                    "Referrer-Policy": "no-referrer", "Cache-Control": "no-store"}
TYPES = {".html": "text/html; charset=utf-8", ".js": "text/javascript; charset=utf-8",
         ".css": "text/css; charset=utf-8", ".woff2": "font/woff2", ".txt": "text/plain"}
LAYOUTS = ("numerator", "denominator")
FLAGS = ("hessian", "steps", "check", "differential")
LOOPBACK_NAMES = ("127.0.0.1", "localhost", "::1")
KINDS = {"/api/derive": "derive", "/api/variables": "variables"}


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
    """A request that is not a valid API call (answered with a 4xx status, 400 unless said)."""

    def __init__(self, message: str, status: int = HTTPStatus.BAD_REQUEST,
                 headers: dict[str, str] | None = None):
        super().__init__(message)
        self.status = int(status)
        self.headers = headers or {}


def host_name(header: str) -> str:
    """The name in a Host header, without port and brackets: `[::1]:8765` -> `::1`."""
    header = header.strip().lower()
    if header.startswith("["):
        return header[1:].split("]", 1)[0]
    if header.count(":") > 1:  # a bare IPv6 address (not valid HTTP, read kindly)
        return header
    return header.split(":", 1)[0]


def host_allowed(header: str, allowed: tuple[str, ...] | None) -> bool:
    """Whether a request addressed to `header` is answered (`allowed` None: every name). A
    loopback server answering only loopback names cannot be reached by a page elsewhere
    through a DNS name rebound to 127.0.0.1."""
    return allowed is None or host_name(header) in allowed


def _text(value: Any, field: str) -> str:
    """A JSON string that can be sent on as UTF-8 (no lone surrogate escape)."""
    if not isinstance(value, str):
        raise RequestError(f"'{field}' must be a string")
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:
        raise RequestError(f"'{field}' holds a lone surrogate (\\ud800-\\udfff), "
                           f"which is not text") from None
    return value


def load_json(body: bytes) -> Any:
    """The JSON value of a request body; RequestError (never another exception) when the body
    is not UTF-8 JSON, nests too deeply or holds a number too long to read."""
    try:
        return json.loads(body.decode("utf-8"))
    except (UnicodeDecodeError, ValueError) as err:  # (JSONDecodeError is a ValueError)
        raise RequestError(f"the request body is not JSON: {str(err)[:200]}") from None
    except RecursionError:
        raise RequestError("the request body is not JSON this server reads: it nests too "
                           "deeply") from None


def parse_request(body: bytes, kind: str) -> dict[str, Any]:
    """The JSON body of an API call, checked field by field (types, allowed values)."""
    data = load_json(body)
    if not isinstance(data, dict):
        raise RequestError("the request body must be a JSON object")
    if "expr" not in data:
        raise RequestError("'expr' is missing: the expression to differentiate")
    expr, wrt = _text(data["expr"], "expr"), _text(data.get("wrt", ""), "wrt")
    if kind == "derive" and not wrt.strip():
        raise RequestError("say which variable to differentiate by ('wrt')")
    vars = data.get("vars")
    vars = {} if vars is None else vars
    if not isinstance(vars, dict) or not all(isinstance(v, str) for v in vars.values()):
        raise RequestError("'vars' must map names to kinds, e.g. {\"W\": \"matrix(m,n)\"}")
    vars = {_text(k, "vars").strip(): _text(v, "vars").strip() for k, v in vars.items()}
    layout = data.get("layout", "numerator")
    if layout not in LAYOUTS:
        raise RequestError("'layout' must be 'numerator' or 'denominator'")
    code = data.get("code")
    if code is not None and code not in report.BACKENDS:
        raise RequestError(f"'code' must be one of {', '.join(report.BACKENDS)} (or absent)")
    flags = {name: data.get(name, False) for name in FLAGS}
    if not all(isinstance(v, bool) for v in flags.values()):
        raise RequestError(f"{', '.join(FLAGS)} must be true or false")
    return {"expr": expr, "wrt": wrt.strip(), "vars": vars, "layout": layout, "code": code,
            **flags}
