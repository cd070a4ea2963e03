"""Reading a request's query parameters, with the 400 that names the one that is wrong."""

from __future__ import annotations

from typing import TypeVar

from aiohttp import web

from .errors import bad_request

_Default = TypeVar("_Default", bound=int | None)


def query_number(
    request: web.Request, name: str, default: _Default, low: int, high: int | None = None
) -> int | _Default:
    """The whole number `name` from `low` (to `high`), or `default` when it is not given."""
    text = request.query.get(name)
    if text is None:
        return default
    if not text.isdigit() or int(text) < low or (high is not None and int(text) > high):
        upper = f" to {high}" if high is not None else " or more"
        raise bad_request("invalid", f"{name} is a whole number, {low}{upper}.", name)
    return int(text)
