"""The link's frames (docs/hub-link.md, "Frames"): building them, and reading what the hub sends.

Pure: no Home Assistant, no sockets. A frame is `{"v", "type", "id"?, "at", "payload"}` in one JSON text
message of at most 256 KiB.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
import json
from typing import Any, Final

PROTOCOL_VERSION: Final = 1
SUBPROTOCOL: Final = "chargeshare.link.v1"
MAX_FRAME_BYTES: Final = 256 * 1024
MAX_ID_LENGTH: Final = 64

# Protocol frames, answered by the link itself.
HELLO, WELCOME, ACK, NACK, BYE = "hello", "welcome", "ack", "nack", "bye"
# Up messages (integration -> hub); every one carries an id.
UP_TYPES: Final = frozenset(
    {
        "listing",
        "evse.status",
        "availability",
        "session.start",
        "session.progress",
        "session.end",
        "booking.answer",
        "command.result",
        "fault",
    }
)
# Down messages (hub -> integration); every one carries an id.
DOWN_TYPES: Final = frozenset(
    {
        "listing.saved",
        "booking.requested",
        "booking.reserved",
        "booking.changed",
        "booking.cancelled",
        "command.start",
        "command.stop",
        "cdr.issued",
    }
)
KNOWN_TYPES: Final = DOWN_TYPES | {WELCOME, ACK, NACK, BYE}


class FrameError(ValueError):
    """A frame from the hub that cannot be read; `frame_id` when its id could be read all the same."""

    def __init__(self, message: str, frame_id: str | None = None, field: str | None = None) -> None:
        super().__init__(message)
        self.frame_id = frame_id
        self.field = field


@dataclass(frozen=True, slots=True)
class Frame:
    type: str
    payload: dict[str, Any]
    id: str | None = None


def rfc3339(moment: datetime) -> str:
    """UTC, whole seconds, with a Z: the form every time in the protocol takes."""
    if moment.tzinfo is None:
        raise ValueError("times in frames must be timezone-aware")
    return moment.astimezone(UTC).replace(microsecond=0).isoformat().replace("+00:00", "Z")


def parse_time(text: object) -> datetime | None:
    """An RFC 3339 time from the hub, or None when it is not one."""
    if not isinstance(text, str):
        return None
    try:
        moment = datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        return None
    return moment if moment.tzinfo is not None else None


def frame(type_: str, payload: dict[str, Any], at: datetime, frame_id: str | None = None) -> dict[str, Any]:
    """A frame as a JSON-ready dict (the outbox stores it as it is)."""
    built: dict[str, Any] = {"v": PROTOCOL_VERSION, "type": type_}
    if frame_id is not None:
        built["id"] = frame_id
    built["at"] = rfc3339(at)
    built["payload"] = payload
    return built


def ack(frame_id: str, at: datetime) -> dict[str, Any]:
    return frame(ACK, {"id": frame_id}, at)


def nack(frame_id: str | None, code: str, message: str, field: str | None, at: datetime) -> dict[str, Any]:
    payload: dict[str, Any] = {"code": code, "message": message}
    if frame_id is not None:
        payload = {"id": frame_id, **payload}
    if field is not None:
        payload["field"] = field
    return frame(NACK, payload, at)


def encode(built: dict[str, Any]) -> str:
    return json.dumps(built, separators=(",", ":"), ensure_ascii=False)


def decode(text: str) -> Frame:
    """Read one text message from the hub; FrameError says what is wrong with it."""
    try:
        raw = json.loads(text)
    except ValueError as err:
        raise FrameError(f"not JSON: {err}") from err
    if not isinstance(raw, dict):
        raise FrameError("a frame is a JSON object")
    frame_id = raw.get("id")
    if frame_id is not None and (not isinstance(frame_id, str) or not 0 < len(frame_id) <= MAX_ID_LENGTH):
        raise FrameError(f"id must be a string of 1 to {MAX_ID_LENGTH} characters", field="id")
    if raw.get("v") != PROTOCOL_VERSION:
        raise FrameError(f"unsupported protocol version {raw.get('v')!r}", frame_id, "v")
    type_ = raw.get("type")
    if not isinstance(type_, str) or type_ not in KNOWN_TYPES:
        raise FrameError(f"unknown type {type_!r}", frame_id, "type")
    payload = raw.get("payload", {})
    if not isinstance(payload, dict):
        raise FrameError("payload must be an object", frame_id, "payload")
    if type_ in DOWN_TYPES and frame_id is None:
        raise FrameError(f"a {type_} message needs an id", None, "id")
    return Frame(type_, payload, frame_id)
