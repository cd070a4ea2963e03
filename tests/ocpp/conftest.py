"""A bare OCPP server (no Home Assistant) with chargers, and simulated charge points that dial in."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Awaitable, Callable
from typing import Any

import aiohttp
import pytest

from custom_components.chargeshare.ocpp.authorization import IdTagAuthorizer
from custom_components.chargeshare.ocpp.charger import REMOTE_START_TAG, OcppCharger, OcppChargerSettings
from custom_components.chargeshare.ocpp.server import OcppServer
from sim.ocpp_charge_point import SimulatedChargePoint, connect


class Harness:
    """A running server on 127.0.0.1 with chargers, and a way to dial in."""

    def __init__(self, server: OcppServer, session: aiohttp.ClientSession) -> None:
        self.server = server
        self.session = session
        self.connected: list[SimulatedChargePoint] = []
        self.raw: list[aiohttp.ClientWebSocketResponse] = []

    @property
    def url(self) -> str:
        return f"ws://127.0.0.1:{self.server.port}"

    def add(self, charge_point_id: str = "CP1", *, tags: dict[str, str] | None = None, **settings: Any) -> OcppCharger:
        charger = make_charger(charge_point_id, tags=tags, **settings)
        self.server.add(charger)
        return charger

    async def raw_client(self, charge_point_id: str = "CP1") -> aiohttp.ClientWebSocketResponse:
        """A bare websocket, to send frames no well-behaved charge point would."""
        ws = await self.session.ws_connect(f"{self.url}/{charge_point_id}", protocols=("ocpp1.6",))
        self.raw.append(ws)
        return ws

    async def connect(self, charge_point_id: str = "CP1", *, boot: bool = True, **kwargs: Any) -> SimulatedChargePoint:
        charge_point = await connect(self.session, self.url, charge_point_id, **kwargs)
        self.connected.append(charge_point)
        if boot:
            await charge_point.boot()
            await settle()
        return charge_point


def make_charger(
    charge_point_id: str = "CP1",
    *,
    tags: dict[str, str] | None = None,
    stored: dict[str, Any] | None = None,
    **settings: Any,
) -> OcppCharger:
    """A charger that writes every limit at once (test_smart_charging.py checks the flash-wear interval)."""
    return OcppCharger(
        OcppChargerSettings(charge_point_id, **settings),
        IdTagAuthorizer(tags or {}, REMOTE_START_TAG),
        stored=stored,
        profile_interval_s=0,
    )


async def settle(rounds: int = 5) -> None:
    """Let frames cross the loopback socket and the answers come back."""
    for _ in range(rounds):
        await asyncio.sleep(0.02)


@pytest.fixture
async def harness(socket_enabled: None) -> AsyncIterator[Harness]:
    server = OcppServer("127.0.0.1", 0)
    await server.async_start()
    async with aiohttp.ClientSession() as session:
        harness = Harness(server, session)
        yield harness
        for charge_point in harness.connected:
            await charge_point.close()
        for ws in harness.raw:
            await ws.close()
    await server.async_stop()


Connect = Callable[..., Awaitable[SimulatedChargePoint]]
