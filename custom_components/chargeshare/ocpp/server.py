"""The central system's listening side: HTTP checks first, then one websocket per charge point.

The charge point id is the last segment of the URL path (`ws://host:9000/CP1` and
`ws://host:9000/ocpp/CP1` both mean CP1). Before upgrading we check, in this order: the id is known
(or unknown ones may register), the offered subprotocol is OCPP 1.6 (none offered also means 1.6; aiohttp
would accept anything, so we refuse here), and the password (HTTP Basic auth, OCPP security profile 1).
TLS (security profile 2) comes from the SSL context.
"""

from __future__ import annotations

import asyncio
import base64
import binascii
from collections.abc import Callable
import hmac
import logging
import ssl

from aiohttp import WSCloseCode, web

from ..metering.meter import MeterSample
from .authorization import AuthorizationStatus
from .charger import OcppCharger
from .connection import WebSocketConnection
from .protocol16 import BootInfo, ChargePoint16

_LOGGER = logging.getLogger(__name__)

SUBPROTOCOL_16 = "ocpp1.6"
# Far above any OCPP 1.6 message (a full GetConfiguration answer is a few kB); bigger frames close the
# connection with 1009 before they take memory.
MAX_FRAME_BYTES = 256 * 1024
WEBSOCKET_PING_S = 60.0
_SHUTDOWN_TIMEOUT_S = 5.0
_REALM = 'Basic realm="ChargeShare OCPP"'

# A charge point id the user has not added, and what it said in its BootNotification.
UnknownChargerHandler = Callable[[str, BootInfo], None]


class OcppServer:
    """Serves every OCPP charger of one port."""

    def __init__(
        self,
        host: str,
        port: int,
        *,
        ssl_context: ssl.SSLContext | None = None,
        on_unknown_charger: UnknownChargerHandler | None = None,
    ) -> None:
        self._host, self._port = host, port
        self._ssl_context = ssl_context
        self.on_unknown_charger = on_unknown_charger
        self.chargers: dict[str, OcppCharger] = {}
        self._pending: dict[str, WebSocketConnection] = {}
        self._refusals_logged: set[tuple[str, int]] = set()
        self._runner: web.AppRunner | None = None

    @property
    def port(self) -> int:
        """The bound port (useful when asked for port 0)."""
        if self._runner is not None and self._runner.addresses:
            return int(self._runner.addresses[0][1])
        return self._port

    async def async_start(self) -> None:
        """Listen; raises OSError when the port cannot be bound."""
        app = web.Application()
        app.router.add_get("/{path:.*}", self._handle)
        runner = web.AppRunner(app, access_log=None, handle_signals=False, shutdown_timeout=_SHUTDOWN_TIMEOUT_S)
        await runner.setup()
        site = web.TCPSite(runner, self._host, self._port, ssl_context=self._ssl_context, reuse_address=True)
        try:
            await site.start()
        except OSError:
            await runner.cleanup()
            raise
        self._runner = runner

    async def async_stop(self) -> None:
        connections = [c.async_disconnect() for c in self.chargers.values()]
        connections += [c.close(WSCloseCode.GOING_AWAY) for c in self._pending.values()]
        await asyncio.gather(*connections, return_exceptions=True)
        if self._runner is not None:
            await self._runner.cleanup()
        self._runner = None

    def add(self, charger: OcppCharger) -> None:
        """Serve `charger` from its next connection; a pending connection of that id is asked to redial."""
        self.chargers[charger.charger_id] = charger
        pending = self._pending.pop(charger.charger_id, None)
        if pending is not None:
            asyncio.get_running_loop().create_task(pending.close(WSCloseCode.SERVICE_RESTART))

    async def async_remove(self, charger_id: str) -> None:
        charger = self.chargers.pop(charger_id, None)
        if charger is not None:
            await charger.async_disconnect()

    async def _handle(self, request: web.Request) -> web.StreamResponse:
        charger_id = request.match_info["path"].rstrip("/").rsplit("/", 1)[-1]
        charger = self.chargers.get(charger_id)
        if charger is None and (not charger_id or self.on_unknown_charger is None):
            return self._refuse(request, charger_id, 404, "unknown charge point id")
        offered = [p.strip() for h in request.headers.getall("Sec-WebSocket-Protocol", ()) for p in h.split(",")]
        offered = [p for p in offered if p]
        if offered and SUBPROTOCOL_16 not in offered:
            return self._refuse(
                request,
                charger_id,
                400,
                f"unsupported subprotocol {', '.join(offered)}; this central system speaks {SUBPROTOCOL_16}",
            )
        if (
            charger is not None
            and charger.settings.password
            and not _password_matches(request, charger.settings.password)
        ):
            return self._refuse(request, charger_id, 401, "wrong or missing password", {"WWW-Authenticate": _REALM})
        ws = web.WebSocketResponse(
            protocols=(SUBPROTOCOL_16,) if offered else (), max_msg_size=MAX_FRAME_BYTES, heartbeat=WEBSOCKET_PING_S
        )
        await ws.prepare(request)
        connection = WebSocketConnection(ws, charger_id)
        _LOGGER.info("%s connected from %s", charger_id, request.remote)
        if charger is not None:
            await charger.async_serve(connection)
        else:
            await self._serve_unknown(charger_id, connection)
        _LOGGER.info("%s disconnected", charger_id)
        return ws

    async def _serve_unknown(self, charger_id: str, connection: WebSocketConnection) -> None:
        """Keep an unknown charger pending (OCPP's answer for "not yet accepted") and offer it to the user."""
        previous = self._pending.get(charger_id)
        if previous is not None:
            await previous.close(WSCloseCode.POLICY_VIOLATION)
        self._pending[charger_id] = connection
        station = _UnknownStation(charger_id, self)
        try:
            await ChargePoint16(charger_id, connection, station).start()
        except ConnectionError:
            pass
        finally:
            if self._pending.get(charger_id) is connection:
                del self._pending[charger_id]

    def _refuse(
        self, request: web.Request, charger_id: str, status: int, reason: str, headers: dict[str, str] | None = None
    ) -> web.Response:
        if (charger_id, status) not in self._refusals_logged:  # a charger redials every few seconds
            self._refusals_logged.add((charger_id, status))
            _LOGGER.warning(
                "Refused charge point %r from %s: %s (HTTP %s; logged once)", charger_id, request.remote, reason, status
            )
        return web.Response(status=status, text=reason, headers=headers)


def server_ssl_context(certfile: str, keyfile: str) -> ssl.SSLContext:
    """The TLS context for security profile 2; raises OSError or ssl.SSLError for unusable files."""
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    context.load_cert_chain(certfile, keyfile)
    return context


def _password_matches(request: web.Request, password: str) -> bool:
    header = request.headers.get("Authorization", "")
    scheme, _, encoded = header.partition(" ")
    if scheme.lower() != "basic":
        return False
    try:
        _user, _, given = base64.b64decode(encoded.strip(), validate=True).decode("utf-8").partition(":")
    except (binascii.Error, UnicodeDecodeError):
        return False
    # OCPP says the user name is the charge point id; some chargers send another, so only the password counts.
    return hmac.compare_digest(given.encode(), password.encode())


class _UnknownStation:
    """Answers an unknown charge point as "pending" until the user adds it."""

    def __init__(self, charger_id: str, server: OcppServer) -> None:
        self._charger_id = charger_id
        self._server = server

    def on_boot(self, boot: BootInfo) -> bool:
        if self._server.on_unknown_charger is not None:
            self._server.on_unknown_charger(self._charger_id, boot)
        return False

    def after_boot(self) -> None:
        """Never called: an unknown charger is not accepted."""

    def on_heartbeat(self) -> None:
        """Nothing to record for a charger that is not ours yet."""

    def on_status(self, connector_id: int, status: str, error_code: str, info: str | None) -> None:
        """Ignored until the charger is added."""

    def on_meter_values(self, connector_id: int, transaction_id: int | None, sample: MeterSample) -> None:
        """Ignored until the charger is added."""

    def on_authorize(self, id_tag: str) -> AuthorizationStatus:
        return AuthorizationStatus.INVALID

    def on_start_transaction(
        self, connector_id: int, id_tag: str, meter_start_wh: int, timestamp: str
    ) -> tuple[int, AuthorizationStatus]:
        return 0, AuthorizationStatus.INVALID

    def on_stop_transaction(
        self, transaction_id: int, meter_stop_wh: int, timestamp: str, reason: str, sample: MeterSample
    ) -> None:
        """Ignored until the charger is added."""

    def on_firmware_status(self, status: str) -> None:
        """Ignored until the charger is added."""
