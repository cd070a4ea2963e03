"""The link's frames: one JSON object per websocket text message, `{"v", "type", "id", "at", "payload"}`, read and
checked here (a frame that fails is answered with a nack naming the field) and written for the way down."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
import json
from typing import Any

import fastjsonschema

from ..listings.live_statuses import LIVE_STATUSES
from ..listings.ocpi_json import ocpi_time
from ..web.errors import ApiError, bad_request, schema_error

VERSION = 1
SUBPROTOCOL = "chargeshare.link.v1"
MAX_FRAME_BYTES = 256 * 1024
MAX_ID_LENGTH = 64

_ID = {"type": "string", "minLength": 1, "maxLength": 36}
_TEXT = {"type": "string", "maxLength": 300}
_TIME = {"type": "string", "minLength": 10, "maxLength": 40}
_METER = {"type": "integer", "minimum": 0}


def _payload(required: list[str], properties: dict[str, Any]) -> dict[str, Any]:
    """Unknown fields are ignored, so that a newer integration may add some; known ones must fit."""
    return {"type": "object", "required": required, "properties": properties}


# Up messages with an id, and what their payloads must hold (the handlers check the rest, as the API does).
UP_PAYLOADS: dict[str, dict[str, Any]] = {
    "listing": _payload(
        [],
        {"id": _ID, "tariffs": {"type": "array", "maxItems": 20, "items": {"type": "object"}}},
    ),
    "evse.status": _payload(
        ["location_id", "evse_uid", "status", "changed_at"],
        {"location_id": _ID, "evse_uid": _ID, "status": {"enum": list(LIVE_STATUSES)}, "changed_at": _TIME},
    ),
    "availability": _payload(
        ["location_id", "sharing", "windows"],
        {
            "location_id": _ID,
            "sharing": {"type": "boolean"},
            "windows": {
                "type": "array",
                "maxItems": 500,
                "items": _payload(["from", "to"], {"from": _TIME, "to": _TIME}),
            },
            "reason": {"type": ["string", "null"]},  # for the host's eyes; kept shortened
        },
    ),
    "session.start": _payload(
        ["session_id", "location_id", "evse_uid", "connector_id", "id_tag", "auth_method", "start", "meter_start_wh"],
        {
            "session_id": _ID,
            "location_id": _ID,
            "evse_uid": _ID,
            "connector_id": _ID,
            "id_tag": {"type": "string", "minLength": 1, "maxLength": 20},
            "auth_method": {"enum": ["AUTH_REQUEST", "COMMAND", "WHITELIST"]},
            "start": _TIME,
            "meter_start_wh": _METER,
        },
    ),
    "session.progress": _payload(
        ["session_id", "at", "meter_wh"],
        {"session_id": _ID, "at": _TIME, "meter_wh": _METER, "power_w": {"type": ["number", "null"], "minimum": 0}},
    ),
    "session.end": _payload(
        ["session_id", "end", "meter_stop_wh"],
        {"session_id": _ID, "end": _TIME, "meter_stop_wh": _METER, "reason": {"type": ["string", "null"]}},
    ),
    "booking.answer": _payload(["booking_id", "accept"], {"booking_id": _ID, "accept": {"type": "boolean"}}),
    "command.result": _payload(
        ["command_id", "result"],
        {
            "command_id": _ID,
            "result": {"enum": ["ACCEPTED", "REJECTED", "FAILED"]},
            "session_id": {"type": ["string", "null"], "maxLength": 36},
            "message": {"type": ["string", "null"]},
        },
    ),
    "fault": _payload(
        ["location_id", "evse_uid", "error_code"],
        {"location_id": _ID, "evse_uid": _ID, "error_code": {"type": "string", "maxLength": 50}},
    ),
}
# Frames without an id: the session's start, and the answers to down messages.
CONTROL_PAYLOADS: dict[str, dict[str, Any]] = {
    "hello": _payload(
        [],
        {
            "integration_version": _TEXT,
            "ha_version": _TEXT,
            "chargers": {"type": "array", "maxItems": 100, "items": _TEXT},
            "outbox": {"type": "integer", "minimum": 0},
        },
    ),
    "ack": _payload(["id"], {"id": {"type": "string", "minLength": 1, "maxLength": MAX_ID_LENGTH}}),
    "nack": _payload(
        ["id", "code"],
        {
            "id": {"type": "string", "minLength": 1, "maxLength": MAX_ID_LENGTH},
            "code": {"type": "string", "maxLength": 50},
            "message": {"type": ["string", "null"]},
            "field": {"type": ["string", "null"]},
        },
    ),
}
_ENVELOPE = fastjsonschema.compile(
    {
        "type": "object",
        "required": ["v", "type", "payload"],
        "properties": {
            "v": {"type": "integer"},
            "type": {"type": "string", "maxLength": 40},
            "id": {"type": "string", "minLength": 1, "maxLength": MAX_ID_LENGTH},
            "at": _TIME,
            "payload": {"type": "object"},
        },
    }
)
_CHECKS = {kind: fastjsonschema.compile(schema) for kind, schema in (UP_PAYLOADS | CONTROL_PAYLOADS).items()}


@dataclass(frozen=True, slots=True)
class Frame:
    type: str
    id: str | None
    payload: dict[str, Any]


class FrameError(Exception):
    """A frame that can never be applied: answered with a nack (carrying the frame's id when one could be read)."""

    def __init__(self, code: str, message: str, field: str | None = None, message_id: str | None = None) -> None:
        super().__init__(message)
        self.code = code
        self.message = message
        self.field = field
        self.message_id = message_id


def parse_frame(text: str) -> Frame:
    if len(text) > MAX_FRAME_BYTES or len(text.encode()) > MAX_FRAME_BYTES:
        raise FrameError("too_large", f"A frame is at most {MAX_FRAME_BYTES} bytes.")
    try:
        data = json.loads(text)
    except json.JSONDecodeError as err:
        raise FrameError("invalid_json", f"The frame is not JSON: {err}.") from err
    message_id = _readable_id(data)
    try:
        _ENVELOPE(data)
    except fastjsonschema.JsonSchemaValueException as err:
        raise refusal(schema_error(err), message_id) from err
    if data["v"] != VERSION:
        raise FrameError("unsupported_version", f"This hub speaks version {VERSION} of the link.", "v", message_id)
    kind = data["type"]
    if kind not in _CHECKS:
        raise FrameError("unknown_type", f"The hub knows no message {kind!r}.", "type", message_id)
    if kind in UP_PAYLOADS and message_id is None:
        raise FrameError("invalid", f"A {kind} message carries an id.", "id")
    try:
        _CHECKS[kind](data["payload"])
    except fastjsonschema.JsonSchemaValueException as err:
        raise refusal(schema_error(err), message_id) from err
    return Frame(kind, message_id, data["payload"])


def refusal(error: ApiError, message_id: str | None) -> FrameError:
    """A refusal (an `ApiError`, as the services and the schema checks raise) as the nack of the message."""
    return FrameError(error.code, error.message, error.field, message_id)


def database_refusal(message_id: str | None) -> FrameError:
    """The nack of a message whose change a rule of the database refused (twice, so not a passing race)."""
    return FrameError("conflict", "The change conflicts with the hub's data.", None, message_id)


def parse_time(text: str, field: str) -> datetime:
    """An RFC 3339 time with its offset (the link's times are UTC: `...Z`)."""
    try:
        moment = datetime.fromisoformat(text)
    except ValueError as err:
        raise bad_request("invalid", f"{field} is a time such as 2026-11-21T15:04:05Z.", field) from err
    if moment.tzinfo is None:
        raise bad_request("invalid", f"{field} needs its UTC offset (Z).", field)
    return moment


def link_time(moment: datetime) -> datetime:
    """A time the hub stamps on a link fact itself, at the link's resolution (whole seconds): with its fractions, a
    BLOCKED or OUTOFORDER stamped at 15:04:05.6 would count as later than a status the charger reported after it,
    at 15:04:05.9, which Home Assistant sends as 15:04:05Z."""
    return moment.replace(microsecond=0)


def frame_text(kind: str, payload: dict[str, Any], *, message_id: str | None = None, at: datetime | None = None) -> str:
    frame: dict[str, Any] = {"v": VERSION, "type": kind}
    if message_id is not None:
        frame["id"] = message_id
    if at is not None:
        frame["at"] = ocpi_time(at)
    frame["payload"] = payload
    return json.dumps(frame, separators=(",", ":"), ensure_ascii=False)


def ack_text(message_id: str) -> str:
    return frame_text("ack", {"id": message_id})


def nack_text(error: FrameError) -> str:
    payload: dict[str, Any] = {"code": error.code, "message": error.message}
    if error.message_id is not None:
        payload = {"id": error.message_id, **payload}
    if error.field is not None:
        payload["field"] = error.field
    return frame_text("nack", payload)


def _readable_id(data: Any) -> str | None:
    if isinstance(data, dict):
        message_id = data.get("id")
        if isinstance(message_id, str) and 0 < len(message_id) <= MAX_ID_LENGTH:
            return message_id
    return None
