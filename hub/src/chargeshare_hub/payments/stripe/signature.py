"""Checking the `Stripe-Signature` header of a webhook request, by Stripe's scheme.

The header is `t=<unix time>,v1=<signature>[,v1=<signature>...]` (with `v0=` test signatures we ignore); a
signature is the hex HMAC-SHA256 of `<t>.<raw body>` under the endpoint's signing secret. While a secret is
being rolled Stripe sends one `v1` per secret, so one match is enough. The timestamp is part of what is signed,
and a request signed more than the tolerance ago is refused, so a captured request cannot be replayed later.
"""

from __future__ import annotations

import hashlib
import hmac

HEADER = "Stripe-Signature"
SCHEME = "v1"
TOLERANCE_S = 300  # Stripe's libraries' default


class SignatureError(Exception):
    """The request was not signed with our endpoint's secret, or was signed too long ago."""


def compute_signature(payload: bytes, secret: str, timestamp: int) -> str:
    return hmac.new(secret.encode(), f"{timestamp}.".encode() + payload, hashlib.sha256).hexdigest()


def verify_signature(payload: bytes, header: str, secret: str, *, now: float, tolerance_s: float = TOLERANCE_S) -> None:
    """Raises SignatureError unless one of the header's v1 signatures is `payload`'s under `secret`, made no
    more than `tolerance_s` before `now` (unix time)."""
    timestamp, signatures = _parse(header)
    expected = compute_signature(payload, secret, timestamp)
    if not any(hmac.compare_digest(expected, candidate) for candidate in signatures):
        raise SignatureError("No signature matches the payload under this endpoint's secret.")
    if timestamp < now - tolerance_s:
        raise SignatureError(f"The signature was made more than {tolerance_s:g} s ago.")


def _parse(header: str) -> tuple[int, list[str]]:
    timestamps: list[str] = []
    signatures: list[str] = []
    for item in header.split(","):
        name, _, value = item.strip().partition("=")
        if name == "t":
            timestamps.append(value)
        elif name == SCHEME:
            signatures.append(value)
    if len(timestamps) != 1 or not timestamps[0].isdigit():
        raise SignatureError(f"{HEADER} needs one timestamp (t=<unix time>).")
    if not signatures:
        raise SignatureError(f"{HEADER} has no {SCHEME} signature.")
    return int(timestamps[0]), signatures
