"""API errors: one JSON shape, `{"error": {"code", "message", "field"}}`, for every 4xx and 5xx answer."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
import logging
import re

from aiohttp import web
import fastjsonschema

_LOGGER = logging.getLogger(__name__)


class ApiError(Exception):
    """A request the hub refuses; nothing it would have changed is kept."""

    def __init__(self, status: int, code: str, message: str, field: str | None = None) -> None:
        super().__init__(message)
        self.status = status
        self.code = code
        self.message = message
        self.field = field
        self.headers: dict[str, str] = {}


def bad_request(code: str, message: str, field: str | None = None) -> ApiError:
    return ApiError(400, code, message, field)


def not_found(what: str) -> ApiError:
    return ApiError(404, "not_found", f"No such {what}.")


def forbidden(message: str = "You may not do this.") -> ApiError:
    return ApiError(403, "forbidden", message)


def conflict(code: str, message: str, field: str | None = None) -> ApiError:
    return ApiError(409, code, message, field)


def schema_error(err: fastjsonschema.JsonSchemaValueException) -> ApiError:
    """The 400 for a body that breaks its schema, naming the field as `evses[0].connectors[1].max_amperage`."""
    path = re.sub(r"^data\.?", "", err.name or "")
    if err.rule == "required" and isinstance(err.value, dict):
        missing = next(name for name in err.rule_definition if name not in err.value)
        return bad_request("invalid", f"{missing} is required.", _join(path, missing))
    if err.rule == "additionalProperties" and isinstance(err.value, dict) and isinstance(err.definition, dict):
        unknown = sorted(set(err.value) - set(err.definition.get("properties", {})))[0]
        return bad_request("invalid", f"{unknown} is not an accepted field.", _join(path, unknown))
    message = re.sub(r"^data\.?", "", err.message).strip()
    return bad_request("invalid", message[0].upper() + message[1:] + ".", path or None)


def _join(path: str, name: str) -> str:
    return f"{path}.{name}" if path else name


def error_response(status: int, code: str, message: str, field: str | None = None) -> web.Response:
    return web.json_response({"error": {"code": code, "message": message, "field": field}}, status=status)


Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]


@web.middleware
async def error_middleware(request: web.Request, handler: Handler) -> web.StreamResponse:
    try:
        return await handler(request)
    except ApiError as err:
        response = error_response(err.status, err.code, err.message, err.field)
        response.headers.update(err.headers)
        return response
    except web.HTTPException as err:
        if err.status < 400:
            raise
        code = {404: "not_found", 405: "method_not_allowed", 413: "too_large"}.get(err.status, "http_error")
        return error_response(err.status, code, err.reason)
    except Exception:
        _LOGGER.exception("Unexpected error on %s %s", request.method, request.path)
        return error_response(500, "internal", "Something went wrong on the hub; nothing was changed.")
