"""Reading a fault report from the request: JSON or a plain form without a photo, or a multipart form with one.

Both are checked against the same schema, which names only what a report says (category, description): no
field can name a reporter, who is always the signed-in account.
"""

from __future__ import annotations

from dataclasses import dataclass
import json
from typing import Any

from aiohttp import BodyPartReader, hdrs, web
import fastjsonschema

from ..web.errors import ApiError, bad_request, schema_error
from .categories import CATEGORIES

MAX_DESCRIPTION = 2000
PHOTO_FIELD = "photo"
MAX_JSON_BYTES = 64 * 1024  # a report's text; a photo comes in a form
_TEXT_LIMIT = 4 * MAX_DESCRIPTION  # bytes of a form's text field (UTF-8 takes up to four a character)
_CHUNK = 64 * 1024

REPORT_SCHEMA: dict[str, Any] = {
    "type": "object",
    "additionalProperties": False,
    "required": ["category", "description"],
    "properties": {
        "category": {"type": "string", "enum": list(CATEGORIES)},
        "description": {"type": "string", "minLength": 1, "maxLength": MAX_DESCRIPTION},
    },
}
_validate = fastjsonschema.compile(REPORT_SCHEMA)


@dataclass(frozen=True, slots=True)
class ReportForm:
    category: str
    description: str
    photo: tuple[str, bytes] | None  # the declared content type and the bytes


async def read_report(request: web.Request, photo_limit: int) -> ReportForm:
    if request.content_type == "application/json":
        return _checked(await _json(request), None)
    if request.content_type == "application/x-www-form-urlencoded":
        return _checked(await _plain_form(request), None)
    if request.content_type != "multipart/form-data":
        raise ApiError(415, "unsupported_media_type", "Send the report as JSON or as a form.")
    if request.content_length is not None and request.content_length > photo_limit + MAX_JSON_BYTES:
        raise _too_large(photo_limit)
    fields: dict[str, str] = {}
    photo: tuple[str, bytes] | None = None
    async for part in await request.multipart():
        if not isinstance(part, BodyPartReader) or part.name is None:
            raise bad_request("invalid", "Every part of the form has a name.")
        if part.name in fields or (part.name == PHOTO_FIELD and photo is not None):
            raise bad_request("invalid", f"Give {part.name} once.", part.name)
        if part.name == PHOTO_FIELD:
            declared = part.headers.get(hdrs.CONTENT_TYPE, "").split(";")[0].strip().lower()
            photo = declared, await _read(part, photo_limit, _too_large(photo_limit))
        else:
            text = await _read(part, _TEXT_LIMIT, bad_request("invalid", "The text is too long.", part.name))
            try:
                fields[part.name] = text.decode()
            except UnicodeDecodeError:
                raise bad_request("invalid", "Send text as UTF-8.", part.name) from None
    return _checked(fields, photo)


async def _json(request: web.Request) -> Any:
    if request.content_length is not None and request.content_length > MAX_JSON_BYTES:
        raise ApiError(413, "too_large", f"The request body is over {MAX_JSON_BYTES} bytes.")
    try:
        return json.loads(await request.read())
    except (UnicodeDecodeError, json.JSONDecodeError) as err:
        raise bad_request("invalid_json", f"The body is not valid JSON: {err}.") from err


async def _plain_form(request: web.Request) -> dict[str, str]:
    if request.content_length is not None and request.content_length > MAX_JSON_BYTES:
        raise ApiError(413, "too_large", f"The request body is over {MAX_JSON_BYTES} bytes.")
    posted = await request.post()
    fields: dict[str, str] = {}
    for name, value in posted.items():
        if name in fields or not isinstance(value, str):
            raise bad_request("invalid", f"Give {name} once, as text.", name)
        fields[name] = value
    return fields


def _checked(body: Any, photo: tuple[str, bytes] | None) -> ReportForm:
    try:
        fields = _validate(body)
    except fastjsonschema.JsonSchemaValueException as err:
        raise schema_error(err) from err
    description = fields["description"].strip()
    if not description:
        raise bad_request("invalid", "Say what is wrong.", "description")
    return ReportForm(fields["category"], description, photo)


async def _read(part: BodyPartReader, limit: int, too_large: ApiError) -> bytes:
    data = bytearray()
    while chunk := await part.read_chunk(_CHUNK):
        data += chunk
        if len(data) > limit:
            raise too_large
    return bytes(data)


def _too_large(limit: int) -> ApiError:
    return ApiError(413, "too_large", f"A photo is at most {limit} bytes.")
