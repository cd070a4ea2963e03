"""A local stand-in for the part of Stripe's API the hub calls, on 127.0.0.1 and a free port, for as long as
its `async with` lasts.

It answers as Stripe does at the HTTP level: form-encoded request bodies with bracketed nested keys, the
secret key as a bearer token, JSON objects and errors in Stripe's shapes, and idempotency keys: a key's first
answer is kept and replayed (`Idempotent-Replayed: true`) for the same request, and a different request with
the key is refused with an `idempotency_error`. Errors in validating parameters are not kept, as on Stripe.
It can lose its next answers after doing the work (a connection dropped before the reply), and it sends the
events it recorded to a webhook URL, signed with Stripe's scheme.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
import hashlib
import hmac
import json
import re
import secrets
import time
from typing import Any
from urllib.parse import parse_qsl

import aiohttp
from aiohttp import web

from .fake_stripe_params import FakeError, Obj
from .fake_stripe_state import FakeAccount

API_KEY = "sk_test_fake"
HOST_ACCOUNT = "acct_fakehost"
_NESTED_KEY = re.compile(r"^([^\[\]]+)((?:\[[^\[\]]*\])*)$")


@dataclass(frozen=True)
class Seen:
    """A request the fake answered."""

    method: str
    path: str
    idempotency_key: str | None
    status: int
    replayed: bool


@dataclass(frozen=True)
class _Kept:
    request: tuple[str, str, Obj]
    status: int
    body: Obj


class FakeStripe:
    def __init__(self, *, api_key: str = API_KEY, connected_accounts: Sequence[str] = (HOST_ACCOUNT,)) -> None:
        self.api_key = api_key
        self.account = FakeAccount(set(connected_accounts))
        self.seen: list[Seen] = []
        self.url = ""
        self._kept: dict[str, _Kept] = {}
        self._answers_to_lose = 0
        self.down = False  # every request answered 503, as in an outage
        self._runner: web.AppRunner | None = None

    async def __aenter__(self) -> FakeStripe:
        app = web.Application()
        account = self.account
        app.router.add_post(
            "/v1/payment_intents", self._post(lambda _id, params, key: account.create_intent(params, key))
        )
        app.router.add_get("/v1/payment_intents/{id}", self._retrieve)
        app.router.add_post("/v1/payment_intents/{id}/capture", self._post(account.capture))
        app.router.add_post("/v1/payment_intents/{id}/cancel", self._post(account.cancel))
        app.router.add_post("/v1/refunds", self._post(lambda _id, params, key: account.refund(params, key)))
        self._runner = web.AppRunner(app)
        await self._runner.setup()
        site = web.TCPSite(self._runner, "127.0.0.1", 0)
        await site.start()
        port = self._runner.addresses[0][1]
        self.url = f"http://127.0.0.1:{port}"
        return self

    async def __aexit__(self, *_exc: object) -> None:
        assert self._runner is not None
        await self._runner.cleanup()

    def lose_answers(self, count: int = 1) -> None:
        """The next `count` changing requests are carried out and kept, but their connection drops unanswered."""
        self._answers_to_lose = count

    def events_of(self, kind: str) -> list[Obj]:
        return [event for event in self.account.events if event["type"] == kind]

    def requests_to(self, path: str) -> list[Seen]:
        return [seen for seen in self.seen if seen.path == path]

    async def send_webhook(self, url: str, event: Obj, secret: str, *, timestamp: int | None = None) -> int:
        """Posts `event` to `url` as Stripe delivers it; the answer's status."""
        payload = json.dumps(event, indent=2).encode()
        headers = {
            "Content-Type": "application/json; charset=utf-8",
            "Stripe-Signature": signature_header(
                payload, [secret], int(time.time()) if timestamp is None else timestamp
            ),
        }
        async with aiohttp.ClientSession() as session, session.post(url, data=payload, headers=headers) as response:
            return response.status

    def _post(self, work: Callable[[str, Obj, str | None], Obj]) -> Callable[[web.Request], Any]:
        async def handle(request: web.Request) -> web.StreamResponse:
            if self.down:
                return self._outage(request)
            if not self._authorised(request):
                return self._unauthorised(request)
            params = decode_form(await request.text())
            key = request.headers.get("Idempotency-Key")
            fingerprint = (request.method, request.path, params)
            kept = self._kept.get(key) if key is not None else None
            if kept is not None:
                if kept.request != fingerprint:
                    status, body = 400, _idempotency_error(key)
                    self.seen.append(Seen(request.method, request.path, key, status, replayed=False))
                    return _json(status, body)
                self.seen.append(Seen(request.method, request.path, key, kept.status, replayed=True))
                return _json(kept.status, kept.body, {"Idempotent-Replayed": "true"})
            try:
                status, body, keep = 200, work(request.match_info.get("id", ""), params, key), True
            except FakeError as err:
                status, body, keep = err.status, err.body(), err.saved
            if key is not None and keep:
                self._kept[key] = _Kept(fingerprint, status, body)
            self.seen.append(Seen(request.method, request.path, key, status, replayed=False))
            if self._answers_to_lose:
                self._answers_to_lose -= 1
                assert request.transport is not None
                request.transport.abort()
            return _json(status, body)

        return handle

    async def _retrieve(self, request: web.Request) -> web.Response:
        if self.down:
            return self._outage(request)
        if not self._authorised(request):
            return self._unauthorised(request)
        try:
            status, body = 200, dict(self.account.intent(request.match_info["id"]))
        except FakeError as err:
            status, body = err.status, err.body()
        self.seen.append(Seen(request.method, request.path, None, status, replayed=False))
        return _json(status, body)

    def _authorised(self, request: web.Request) -> bool:
        return request.headers.get("Authorization") == f"Bearer {self.api_key}"

    def _unauthorised(self, request: web.Request) -> web.Response:
        self.seen.append(Seen(request.method, request.path, request.headers.get("Idempotency-Key"), 401, False))
        error = FakeError(401, "Invalid API Key provided: sk_test_****")
        return _json(401, error.body())

    def _outage(self, request: web.Request) -> web.Response:
        """Nothing done; `Stripe-Should-Retry: false` keeps the library from retrying it (and the tests fast)."""
        self.seen.append(Seen(request.method, request.path, request.headers.get("Idempotency-Key"), 503, False))
        body = {"error": {"type": "api_error", "message": "Stripe is down (the fake's outage)."}}
        return _json(503, body, {"Stripe-Should-Retry": "false"})


def signature_header(payload: bytes, signing_secrets: Sequence[str], timestamp: int) -> str:
    """`Stripe-Signature` for `payload`: `t=<timestamp>` and one `v1=` per secret (two while a secret rolls)."""
    signed = f"{timestamp}.".encode() + payload
    signatures = [hmac.new(secret.encode(), signed, hashlib.sha256).hexdigest() for secret in signing_secrets]
    return ",".join([f"t={timestamp}", *(f"v1={signature}" for signature in signatures)])


def decode_form(body: str) -> Obj:
    """A form-encoded Stripe request as nested objects: `transfer_data[destination]=acct_1` is
    `{"transfer_data": {"destination": "acct_1"}}`."""
    params: Obj = {}
    for name, value in parse_qsl(body, keep_blank_values=True):
        match = _NESTED_KEY.match(name)
        if match is None:
            raise ValueError(f"Not a Stripe parameter name: {name}")
        path = [match.group(1), *re.findall(r"\[([^\[\]]*)\]", match.group(2))]
        target = params
        for part in path[:-1]:
            target = target.setdefault(part, {})
        target[path[-1]] = value
    return params


def _idempotency_error(key: str | None) -> Obj:
    message = (
        "Keys for idempotent requests can only be used with the same parameters they were first used with. "
        f"Try using a key other than '{key}' if you meant to execute a different request."
    )
    return {"error": {"type": "idempotency_error", "message": message}}


def _json(status: int, body: Obj, headers: dict[str, str] | None = None) -> web.Response:
    return web.json_response(
        body, status=status, headers={"Request-Id": f"req_{secrets.token_hex(7)}", **(headers or {})}
    )
