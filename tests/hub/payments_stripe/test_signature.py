"""Stripe-Signature is checked by Stripe's scheme: an HMAC-SHA256 of `<t>.<body>` under the endpoint's secret,
any one of several v1 signatures, made at most 300 s ago."""

from __future__ import annotations

import pytest
import stripe

from chargeshare_hub.payments.stripe.signature import SignatureError, compute_signature, verify_signature
from tests.hub.payments_stripe.fake_stripe import signature_header

SECRET = "whsec_test_endpoint"
PAYLOAD = b'{\n  "id": "evt_1",\n  "object": "event",\n  "type": "payment_intent.succeeded"\n}'
NOW = 1_790_000_000


def test_a_signature_made_as_stripe_makes_it_is_accepted() -> None:
    header = signature_header(PAYLOAD, [SECRET], NOW)

    verify_signature(PAYLOAD, header, SECRET, now=NOW + 10)

    # The stripe library's own check agrees that the fake signs as Stripe does.
    assert stripe.WebhookSignature.verify_header(PAYLOAD.decode(), header, SECRET, tolerance=None)


def test_our_signature_is_the_one_the_stripe_library_computes() -> None:
    expected = stripe.WebhookSignature._compute_signature(f"{NOW}.{PAYLOAD.decode()}", SECRET)

    assert compute_signature(PAYLOAD, SECRET, NOW) == expected


def test_one_matching_signature_among_several_is_enough_as_while_a_secret_is_rolled() -> None:
    header = signature_header(PAYLOAD, ["whsec_old", SECRET], NOW) + ",v0=" + "0" * 64

    verify_signature(PAYLOAD, header, SECRET, now=NOW)


def test_a_signature_under_another_secret_is_refused() -> None:
    header = signature_header(PAYLOAD, ["whsec_someone_else"], NOW)

    with pytest.raises(SignatureError, match="No signature matches"):
        verify_signature(PAYLOAD, header, SECRET, now=NOW)


def test_a_tampered_body_is_refused() -> None:
    header = signature_header(PAYLOAD, [SECRET], NOW)

    with pytest.raises(SignatureError, match="No signature matches"):
        verify_signature(PAYLOAD.replace(b"succeeded", b"canceled"), header, SECRET, now=NOW)


def test_a_changed_timestamp_is_refused_because_it_is_signed() -> None:
    header = signature_header(PAYLOAD, [SECRET], NOW).replace(f"t={NOW}", f"t={NOW + 60}")

    with pytest.raises(SignatureError, match="No signature matches"):
        verify_signature(PAYLOAD, header, SECRET, now=NOW + 60)


def test_a_signature_older_than_300_s_is_refused() -> None:
    header = signature_header(PAYLOAD, [SECRET], NOW)

    verify_signature(PAYLOAD, header, SECRET, now=NOW + 300)
    with pytest.raises(SignatureError, match="more than 300 s ago"):
        verify_signature(PAYLOAD, header, SECRET, now=NOW + 301)


@pytest.mark.parametrize(
    "header",
    ["", "v1=abc", f"t={NOW}", f"t=soon,v1={'0' * 64}", f"t={NOW},t={NOW},v1={'0' * 64}", f"t={NOW},v0={'0' * 64}"],
)
def test_a_header_without_one_timestamp_and_a_v1_signature_is_refused(header: str) -> None:
    with pytest.raises(SignatureError):
        verify_signature(PAYLOAD, header, SECRET, now=NOW)
