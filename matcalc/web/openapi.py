"""The OpenAPI 3.1 description of the web API, served at /openapi.json. Its response schemas
are the JSON schema of `matcalc --json` (matcalc/schema/result.json, `report.schema()`), its
`$defs` moved to `components/schemas`; its request schemas state what `protocol.parse_request`
accepts."""
from __future__ import annotations

from typing import Any

from .. import report
from .protocol import FLAGS, LAYOUTS, MAX_BODY

ERRORS = {
    "400": "not a valid API call (the body is not a JSON object of the fields below)",
    "411": "no Content-Length (nor a chunked body)",
    "413": f"the body is larger than {MAX_BODY // 1024} KiB",
    "415": "the body is not application/json",
    "421": "the Host header names no host this server answers",
    "422": "matcalc could not differentiate the input (the error carries the caret)",
    "500": "an internal error (a bug in matcalc)",
    "503": "the derivation overran the time limit (kind TimeLimit), or every worker is busy "
           "and the queue full (kind Busy, with Retry-After)",
}


def _moved(node: Any) -> Any:
    """`node` with every `#/$defs/NAME` reference pointing to `#/components/schemas/NAME`."""
    if isinstance(node, dict):
        return {k: (v.replace("#/$defs/", "#/components/schemas/") if k == "$ref" else
                    _moved(v)) for k, v in node.items()}
    if isinstance(node, list):
        return [_moved(v) for v in node]
    return node


def _request_schema(kind: str) -> dict[str, Any]:
    text = {"type": "string"}  # (the body's size limit is the 413 answer's)
    properties: dict[str, Any] = {
        "expr": {**text, "description": "the expression or program (matcalc's language)"},
        "vars": {"type": ["object", "null"], "additionalProperties": {"type": "string"},
                 "description": "declarations: name -> kind, e.g. {\"W\": \"matrix(m,n)\"}"},
    }
    if kind == "variables":
        return {"type": "object", "required": ["expr"], "properties": properties}
    properties["wrt"] = {**text, "pattern": r"\S", "description": "the variable"}
    properties["layout"] = {"enum": list(LAYOUTS), "default": "numerator"}
    properties["code"] = {"enum": [*report.BACKENDS, None], "default": None}
    properties.update({flag: {"type": "boolean", "default": False} for flag in FLAGS})
    return {"type": "object", "required": ["expr", "wrt"], "properties": properties}


def _json(ref: str) -> dict[str, Any]:
    return {"application/json": {"schema": {"$ref": f"#/components/schemas/{ref}"}}}


def _operation(kind: str, summary: str, answer: str) -> dict[str, Any]:
    responses: dict[str, Any] = {"200": {"description": summary, "content": _json(answer)}}
    for status, description in ERRORS.items():
        responses[status] = {"description": description, "content": _json("errorObject")}
    responses["503"]["headers"] = {"Retry-After": {
        "description": "seconds (when every worker is busy)", "schema": {"type": "string"}}}
    return {"summary": summary, "operationId": kind,
            "requestBody": {"required": True, "content": {
                "application/json": {"schema": _request_schema(kind)}}},
            "responses": responses}


def document() -> dict[str, Any]:
    """The OpenAPI document of `POST /api/derive`, `POST /api/variables` and
    `GET /api/syntax`."""
    return {
        "openapi": "3.1.0",
        "info": {"title": "matcalc", "version": "1",
                 "description": "Derivatives of matrix expressions; the answers are the "
                                "objects of `matcalc --json`."},
        "jsonSchemaDialect": "https://json-schema.org/draft/2020-12/schema",
        "paths": {
            "/api/derive": {"post": _operation(
                "derive", "the derivative, as `matcalc --json` prints it", "result")},
            "/api/variables": {"post": _operation(
                "variables", "the variables of the expression and their kinds",
                "variablesOnly")},
            "/api/syntax": {"get": {
                "summary": "the operators and functions of the language (the page's panel)",
                "operationId": "syntax", "responses": {"200": {
                    "description": "operators and functions, each with its spellings",
                    "content": {"application/json": {"schema": {
                        "type": "object", "required": ["operators", "functions"]}}}}}}},
        },
        "components": {"schemas": _moved(report.schema()["$defs"])},
    }
