"""A hub that speaks the link protocol (docs/hub-link.md) on 127.0.0.1, with knobs to misbehave.

It answers /healthz and the pairing endpoint, accepts link websockets with a Bearer token, answers hello
with welcome, acks what Home Assistant sends (unless told not to) and records every frame.
"""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime
import itertools
import json
from typing import Any

from aiohttp import WSMsgType, web

SUBPROTOCOL = "chargeshare.link.v1"
TOKEN = "csh_link_token"
SESSION_COOKIE = "chargeshare_session"


class FakeHub:
    def __init__(self) -> None:
        self.tokens = {TOKEN}
        self.codes: dict[str, str] = {"ABCD-2345": "csh_new_token"}
        self.pair_status: int | None = None  # answer pairing with this status instead
        self.accounts = {"host@example.org": "correct horse"}  # who may sign in, to get a pairing code
        self.sessions: set[str] = set()  # signed in and not signed out
        self.refuse_with: int | None = None  # answer the upgrade with this status
        self.protocols: tuple[str, ...] = (SUBPROTOCOL,)
        self.welcome: dict[str, Any] = {"hub_version": "0.3.0", "host_id": 12, "heartbeat_s": 30}
        self.auto_ack = True
        self.bye_on_hello: str | None = None  # answer hello with bye and this reason instead of welcome
        self.autoping = True
        self.received: list[dict[str, Any]] = []  # every frame from Home Assistant, in order
        self.hellos: list[dict[str, Any]] = []
        self.connections = 0
        self.close_codes: list[int | None] = []  # how Home Assistant closed each connection it closed
        self.attempts = 0
        self.ws: web.WebSocketResponse | None = None
        self._open: set[web.WebSocketResponse] = set()
        self._closing: dict[web.WebSocketResponse, asyncio.Future[None]] = {}
        self._ids = itertools.count(1)
        self.port = 0

    def app(self) -> web.Application:
        app = web.Application()
        app.router.add_get("/healthz", self._health)
        app.router.add_post("/api/v1/link/pair", self._pair)
        app.router.add_post("/api/v1/session", self._sign_in)
        app.router.add_delete("/api/v1/session", self._sign_out)
        app.router.add_post("/api/v1/pairing-codes", self._pairing_code)
        app.router.add_get("/api/v1/link", self._link)
        app.on_shutdown.append(self._shutdown)
        return app

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    # ------------------------------------------------------------------ what Home Assistant sent

    def frames(self, type_: str) -> list[dict[str, Any]]:
        return [frame for frame in self.received if frame.get("type") == type_]

    def payloads(self, type_: str) -> list[dict[str, Any]]:
        return [frame["payload"] for frame in self.frames(type_)]

    def answers(self) -> list[dict[str, Any]]:
        """Home Assistant's acks and nacks."""
        return [frame for frame in self.received if frame.get("type") in ("ack", "nack")]

    @property
    def connected(self) -> bool:
        return self.ws is not None and not self.ws.closed

    # ------------------------------------------------------------------ what the hub does

    async def send(self, type_: str, payload: dict[str, Any], frame_id: str | None = None) -> str:
        frame_id = frame_id or str(next(self._ids))
        await self.send_raw(json.dumps({"v": 1, "type": type_, "id": frame_id, "at": _now(), "payload": payload}))
        return frame_id

    async def send_raw(self, text: str) -> None:
        assert self.ws is not None
        await self.ws.send_str(text)

    async def ack(self, frame_id: str) -> None:
        await self.send_raw(json.dumps({"v": 1, "type": "ack", "at": _now(), "payload": {"id": frame_id}}))

    async def bye(self, reason: str) -> None:
        await self.send_raw(json.dumps({"v": 1, "type": "bye", "at": _now(), "payload": {"reason": reason}}))
        await self.drop()

    async def drop(self, code: int = 1011) -> None:
        """Close the current connection from the hub's side."""
        if self.ws is not None:
            await self._close(self.ws, code)

    async def _close(self, ws: web.WebSocketResponse, code: int) -> None:
        """Close `ws` from outside its handler, with `code`.

        The handler must not return before the close frame is out: aiohttp closes a websocket whose handler
        returned with 1000, and that would win the race against ours.
        """
        closed = asyncio.get_running_loop().create_future()
        self._closing[ws] = closed
        try:
            await ws.close(code=code)
        finally:
            closed.set_result(None)

    # ------------------------------------------------------------------ handlers

    async def _health(self, _request: web.Request) -> web.Response:
        return web.json_response({"status": "ok", "version": "0.3.0"})

    async def _pair(self, request: web.Request) -> web.Response:
        if self.pair_status is not None:
            return web.json_response({"error": {"code": "rate_limited"}}, status=self.pair_status)
        code = (await request.json())["code"]
        token = self.codes.pop(code, None)
        if token is None:
            return web.json_response({"error": {"code": "invalid_code", "field": "code"}}, status=400)
        self.tokens.add(token)
        return web.json_response({"token": token, "token_id": 17}, status=201)

    async def _sign_in(self, request: web.Request) -> web.Response:
        body = await request.json()
        if self.accounts.get(body.get("email")) != body.get("password"):
            return web.json_response({"error": {"code": "unauthorized"}}, status=401)
        session = f"session-{next(self._ids)}"
        self.sessions.add(session)
        response = web.json_response({"email": body["email"]})
        # Secure, as a production hub's cookie is, although this hub speaks plain HTTP.
        response.set_cookie(SESSION_COOKIE, session, secure=True, httponly=True, samesite="Lax")
        return response

    async def _sign_out(self, request: web.Request) -> web.Response:
        self.sessions.discard(request.cookies.get(SESSION_COOKIE, ""))
        response = web.Response(status=204)
        response.del_cookie(SESSION_COOKIE)
        return response

    async def _pairing_code(self, request: web.Request) -> web.Response:
        if request.cookies.get(SESSION_COOKIE) not in self.sessions:
            return web.json_response({"error": {"code": "unauthorized"}}, status=401)
        code = f"SIGN-{next(self._ids):04d}"
        self.codes[code] = "csh_signed_in_token"
        return web.json_response({"code": code, "expires_at": _now()}, status=201)

    async def _link(self, request: web.Request) -> web.StreamResponse:
        self.attempts += 1
        if self.refuse_with is not None:
            return web.json_response({"error": {"code": "refused"}}, status=self.refuse_with)
        if request.headers.get("Authorization", "").removeprefix("Bearer ") not in self.tokens:
            return web.json_response({"error": {"code": "unauthorized"}}, status=401)
        ws = web.WebSocketResponse(protocols=self.protocols, autoping=self.autoping)
        await ws.prepare(request)
        if self.ws is not None:
            await self._close(self.ws, 4000)
        self.ws = ws
        self._open.add(ws)
        self.connections += 1
        try:
            async for message in ws:
                if message.type is WSMsgType.TEXT:
                    await self._frame(ws, json.loads(message.data))
            if ws not in self._closing:
                self.close_codes.append(ws.close_code)
        finally:
            if ws in self._closing:
                await self._closing.pop(ws)
            self._open.discard(ws)
            if self.ws is ws:
                self.ws = None
        return ws

    async def _shutdown(self, _app: web.Application) -> None:
        """A server that stops closes its websockets (aiohttp would wait for their handlers to end)."""
        for ws in list(self._open):
            await self._close(ws, 1001)

    async def _frame(self, ws: web.WebSocketResponse, frame: dict[str, Any]) -> None:
        if frame.get("type") == "hello":
            self.hellos.append(frame["payload"])
            if self.bye_on_hello is not None:
                await ws.send_str(json.dumps({"v": 1, "type": "bye", "payload": {"reason": self.bye_on_hello}}))
                await ws.close()
                return
            welcome = {"v": 1, "type": "welcome", "at": _now(), "payload": {"time": _now(), **self.welcome}}
            await ws.send_str(json.dumps(welcome))
            return
        self.received.append(frame)
        if self.auto_ack and "id" in frame:
            await ws.send_str(json.dumps({"v": 1, "type": "ack", "at": _now(), "payload": {"id": frame["id"]}}))


def _now() -> str:
    return datetime.now(UTC).replace(microsecond=0).isoformat().replace("+00:00", "Z")
