"""API errors: one JSON shape, `{"error": {"code", "message", "field"}}`, for every 4xx and 5xx answer."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
import logging

from aiohttp import web

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
