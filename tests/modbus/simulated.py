"""The shipped profiles, and a simulated charger for one of them on 127.0.0.1 for the length of a block."""

from __future__ import annotations

from collections.abc import AsyncIterator
import contextlib

from custom_components.chargeshare.modbus.profile_loader import load_profiles
from sim.modbus import SimulatedModbusCharger

PROFILES = load_profiles()


@contextlib.asynccontextmanager
async def simulated(key: str) -> AsyncIterator[SimulatedModbusCharger]:
    sim = SimulatedModbusCharger(PROFILES[key])
    await sim.start()
    try:
        yield sim
    finally:
        await sim.stop()
