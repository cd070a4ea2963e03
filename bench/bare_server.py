"""The baseline: the smallest honest OCPP 1.6J central system on the ocpp library over aiohttp.

It is the pattern of shared/reference/ocpp.md §4.4: an `ocpp.v16.ChargePoint` subclass with one small
handler per action the load chargers send, and a websocket adapter with `recv()`/`send()`. Schema
validation stays as the library ships it (on, requests and responses, in the default executor), as
ChargeShare's is by default.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Sequence
import contextlib
from datetime import UTC, datetime
import itertools
from typing import Any

from aiohttp import WSMsgType, web
from ocpp.routing import on
from ocpp.v16 import ChargePoint, call_result
from ocpp.v16.enums import Action, AuthorizationStatus, RegistrationStatus

# The websocket ping interval ChargeShare's server uses (aiohttp re-arms the ping timer on every frame).
WEBSOCKET_PING_S = 60.0
HEARTBEAT_INTERVAL_S = 300


class _AiohttpConnection:
    def __init__(self, ws: web.WebSocketResponse) -> None:
        self._ws = ws

    async def recv(self) -> str:
        message = await self._ws.receive()
        if message.type is WSMsgType.TEXT:
            return str(message.data)
        raise ConnectionError(message.type)  # ends ChargePoint.start()

    async def send(self, data: str) -> None:
        await self._ws.send_str(data)


class _BareChargePoint(ChargePoint):
    transaction_ids = itertools.count(1)

    @on(Action.boot_notification)
    def on_boot_notification(self, charge_point_vendor: str, charge_point_model: str, **_: Any) -> Any:
        return call_result.BootNotification(
            current_time=datetime.now(UTC).isoformat(),
            interval=HEARTBEAT_INTERVAL_S,
            status=RegistrationStatus.accepted,
        )

    @on(Action.status_notification)
    def on_status_notification(self, connector_id: int, error_code: str, status: str, **_: Any) -> Any:
        return call_result.StatusNotification()

    @on(Action.start_transaction)
    def on_start_transaction(self, connector_id: int, id_tag: str, meter_start: int, timestamp: str, **_: Any) -> Any:
        return call_result.StartTransaction(
            transaction_id=next(self.transaction_ids), id_tag_info={"status": AuthorizationStatus.accepted}
        )

    @on(Action.meter_values)
    def on_meter_values(self, connector_id: int, meter_value: list[dict[str, Any]], **_: Any) -> Any:
        return call_result.MeterValues()


async def _handle(request: web.Request) -> web.WebSocketResponse:
    ws = web.WebSocketResponse(protocols=("ocpp1.6",), heartbeat=WEBSOCKET_PING_S)
    await ws.prepare(request)
    with contextlib.suppress(ConnectionError):
        await _BareChargePoint(request.match_info["charge_point_id"], _AiohttpConnection(ws)).start()
    return ws


@contextlib.asynccontextmanager
async def serve(charge_point_ids: Sequence[str]) -> AsyncIterator[int]:
    """Listen on a free port of 127.0.0.1 and yield it; any charge point id is welcome."""
    app = web.Application()
    app.router.add_get("/{charge_point_id}", _handle)
    runner = web.AppRunner(app, access_log=None, handle_signals=False)
    await runner.setup()
    await web.TCPSite(runner, "127.0.0.1", 0).start()
    try:
        yield int(runner.addresses[0][1])
    finally:
        await runner.cleanup()
