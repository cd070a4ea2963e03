"""Routes declared as data: each operation's path, scope and request schema, from which the hub both
validates requests and writes its OpenAPI 3 document - one source, so the two cannot drift apart."""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Iterable
from dataclasses import dataclass, field
import json
import re
from typing import Any

from aiohttp import web
import fastjsonschema

from ..accounts.principal import Principal
from .auth import authenticate
from .errors import ApiError, bad_request, schema_error

Handler = Callable[[web.Request, Principal | None, Any], Awaitable[web.StreamResponse]]
MAX_JSON_BYTES = 1_000_000


@dataclass(frozen=True, slots=True)
class Operation:
    method: str
    path: str
    summary: str
    handler: Handler
    tag: str
    scope: str | None  # None: anyone, signed in or not
    body: dict[str, Any] | None  # JSON Schema of the request body
    responses: dict[int, str]
    validate: Callable[[Any], Any] | None = field(default=None, repr=False)
    query: tuple[dict[str, Any], ...] = ()  # OpenAPI parameter objects (without "in"); the handler reads them


class Routes:
    """The operations of one part of the API."""

    def __init__(self, tag: str) -> None:
        self.tag = tag
        self.operations: list[Operation] = []

    def operation(
        self,
        method: str,
        path: str,
        *,
        summary: str,
        scope: str | None,
        body: dict[str, Any] | None = None,
        responses: dict[int, str] | None = None,
        query: tuple[dict[str, Any], ...] = (),
    ) -> Callable[[Handler], Handler]:
        def register(handler: Handler) -> Handler:
            validate = fastjsonschema.compile(body) if body is not None else None
            self.operations.append(
                Operation(
                    method, path, summary, handler, self.tag, scope, body, responses or {200: "OK"}, validate, query
                )
            )
            return handler

        return register


def install(app: web.Application, routes: Iterable[Routes]) -> list[Operation]:
    operations = [operation for part in routes for operation in part.operations]
    for operation in operations:
        app.router.add_route(operation.method, operation.path, _endpoint(operation))
    return operations


def _endpoint(operation: Operation) -> Callable[[web.Request], Awaitable[web.StreamResponse]]:
    async def endpoint(request: web.Request) -> web.StreamResponse:
        principal = await authenticate(request, operation.scope)
        body = await _read_body(request, operation) if operation.body is not None else None
        return await operation.handler(request, principal, body)

    return endpoint


async def _read_body(request: web.Request, operation: Operation) -> Any:
    if request.content_type != "application/json":
        raise ApiError(415, "unsupported_media_type", "Send the request body as application/json.")
    if request.content_length is not None and request.content_length > MAX_JSON_BYTES:
        raise ApiError(413, "too_large", f"The request body is over {MAX_JSON_BYTES} bytes.")
    raw = await request.read()
    try:
        data = json.loads(raw)
    except (UnicodeDecodeError, json.JSONDecodeError) as err:
        raise bad_request("invalid_json", f"The body is not valid JSON: {err}.") from err
    assert operation.validate is not None
    try:
        return operation.validate(data)
    except fastjsonschema.JsonSchemaValueException as err:
        raise schema_error(err) from err


def openapi_document(operations: Iterable[Operation], *, title: str, version: str) -> dict[str, Any]:
    paths: dict[str, dict[str, Any]] = {}
    for operation in operations:
        entry: dict[str, Any] = {
            "summary": operation.summary,
            "tags": [operation.tag],
            "operationId": operation.handler.__name__,
            "responses": {str(status): {"description": text} for status, text in operation.responses.items()},
        }
        entry["responses"].setdefault("default", {"$ref": "#/components/responses/Error"})
        parameters = [
            {"name": name, "in": "path", "required": True, "schema": {"type": "string"}}
            for name in re.findall(r"{(\w+)}", operation.path)
        ]
        parameters += [{"in": "query", **parameter} for parameter in operation.query]
        if parameters:
            entry["parameters"] = parameters
        if operation.body is not None:
            entry["requestBody"] = {"required": True, "content": {"application/json": {"schema": operation.body}}}
        if operation.scope is not None:
            entry["security"] = [{"session": []}, {"token": [operation.scope]}]
            entry["x-scope"] = operation.scope
        paths.setdefault(operation.path, {})[operation.method.lower()] = entry
    return {
        "openapi": "3.0.3",
        "info": {"title": title, "version": version},
        "paths": paths,
        "components": {
            "securitySchemes": {
                "session": {"type": "apiKey", "in": "cookie", "name": "chargeshare_session"},
                "token": {"type": "http", "scheme": "bearer"},
            },
            "responses": {
                "Error": {
                    "description": "The request was refused and changed nothing.",
                    "content": {"application/json": {"schema": ERROR_SCHEMA}},
                }
            },
        },
    }


ERROR_SCHEMA: dict[str, Any] = {
    "type": "object",
    "required": ["error"],
    "properties": {
        "error": {
            "type": "object",
            "required": ["code", "message", "field"],
            "properties": {
                "code": {"type": "string"},
                "message": {"type": "string"},
                "field": {"type": "string", "nullable": True},
            },
        }
    },
}
