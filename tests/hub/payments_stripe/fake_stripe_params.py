"""Stripe's error shape, and reading a request's form parameters as Stripe checks them (unknown, missing, or not
of the parameter's type: refused before any work, so not kept for the idempotency key)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

Obj = dict[str, Any]


@dataclass
class FakeError(Exception):
    """An answer in Stripe's error shape. `saved`: whether Stripe keeps it for the idempotency key (it does once
    the endpoint has begun its work, not for parameters that fail validation)."""

    status: int
    message: str
    type: str = "invalid_request_error"
    code: str | None = None
    param: str | None = None
    decline_code: str | None = None
    payment_intent: Obj | None = None
    saved: bool = True

    def body(self) -> Obj:
        error: Obj = {"type": self.type, "message": self.message}
        for name in ("code", "param", "decline_code", "payment_intent"):
            if getattr(self, name) is not None:
                error[name] = getattr(self, name)
        if self.code is not None:
            error["doc_url"] = f"https://stripe.com/docs/error-codes/{self.code.replace('_', '-')}"
        return {"error": error}


def refuse_unknown(params: Obj, allowed: set[str]) -> None:
    for name in params:
        if name not in allowed:
            raise FakeError(
                400, f"Received unknown parameter: {name}", code="parameter_unknown", param=name, saved=False
            )


def read_text(params: Obj, name: str, *, required: bool = False) -> Any:
    value = params.get(name)
    if value is None and required:
        raise FakeError(400, f"Missing required param: {name}.", code="parameter_missing", param=name, saved=False)
    if value is not None and not isinstance(value, str):
        raise FakeError(400, f"Invalid string: {name}", code="parameter_invalid_string", param=name, saved=False)
    return value


def read_integer(params: Obj, name: str, *, required: bool = False) -> Any:
    value = read_text(params, name, required=required)
    if value is None:
        return None
    if not value.isdigit():
        raise FakeError(400, f"Invalid integer: {value}", code="parameter_invalid_integer", param=name, saved=False)
    return int(value)


def read_boolean(params: Obj, name: str) -> bool:
    value = read_text(params, name)
    if value not in (None, "true", "false"):
        raise FakeError(400, f"Invalid boolean: {value}", code="parameter_invalid_boolean", param=name, saved=False)
    return value == "true"


def read_metadata(params: Obj) -> dict[str, str]:
    metadata = params.get("metadata") or {}
    if not isinstance(metadata, dict):
        raise FakeError(400, "Invalid metadata: must be an object.", param="metadata", saved=False)
    return dict(metadata)
