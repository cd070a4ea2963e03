"""A review's body, checked for its author's side: what a driver and what a host may say."""

from __future__ import annotations

from typing import Any

from ..web.errors import bad_request
from .checkins import DRIVER_CHOICES
from .scores import HOST
from .tables import COMMENT_MAX

_SCORE = {"type": "integer", "minimum": 1, "maximum": 5}
REVIEW_BODY: dict[str, Any] = {
    "type": "object",
    "additionalProperties": False,
    "required": ["score"],
    "properties": {
        "score": {**_SCORE, "description": "1 to 5: a driver scores the charger, a host the driver"},
        "host_score": {**_SCORE, "description": "A driver's review only: 1 to 5 for the host"},
        "comment": {"type": "string", "maxLength": COMMENT_MAX},
        "checkin_status": {
            "type": "integer",
            "description": "A driver's review only: the outcome, an Open Charge Map CheckinStatusType id "
            "(GET /api/v1/checkin-statuses)",
        },
    },
}
REPLY_BODY: dict[str, Any] = {
    "type": "object",
    "additionalProperties": False,
    "required": ["body"],
    "properties": {"body": {"type": "string", "minLength": 1, "maxLength": COMMENT_MAX}},
}


def review_fields(author_role: str, body: dict[str, Any]) -> dict[str, Any]:
    """The columns a valid body sets (all of them: a PUT replaces the review's content whole)."""
    if author_role == HOST:
        for field in ("host_score", "checkin_status"):
            if field in body:
                raise bad_request("invalid", f"{field} belongs to a driver's review.", field)
    checkin = body.get("checkin_status")
    if checkin is not None and checkin not in DRIVER_CHOICES:
        raise bad_request("invalid", "checkin_status is an id of GET /api/v1/checkin-statuses.", "checkin_status")
    return {
        "score": body["score"],
        "host_score": body.get("host_score"),
        "comment": text_or_none(body.get("comment")),
        "checkin_status": checkin,
    }


def text_or_none(text: str | None) -> str | None:
    return None if text is None or not text.strip() else text.strip()
