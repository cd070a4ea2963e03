"""A simulated Modbus charger that behaves as a charger profile describes, for tests, the demo and benchmarks.

The profile says where every value lives; the simulator keeps the charger's state (car, fault, current
limit, enable, phases, energy, watchdog) and renders it into those registers on every read, through the
profile codec (`registers.encode`), so word order, encodings and field placement are the profile's own.
Writes change the state the way the charger would: the setpoint, enable and phase registers take effect,
a multi-register value written in part is refused (as Alfen does), the watchdog is refreshed the profile's
way, and a charger left alone too long falls back to its safe current. Nothing here is specific to a brand.

Time is explicit (`advance(seconds)`), so tests are exact; `python -m sim.modbus` drives it in real time.
Test controls make it misbehave on purpose: answer with a Modbus exception, stop answering, go away.

This is the test-facing charger; the behaviour lives in `behaviour.py`, the registers in `register_map.py`,
and the Modbus TCP side in `server.py`.
"""

from __future__ import annotations

import logging

from pymodbus import FramerType

from custom_components.chargeshare.modbus.profile import IecState, Profile
from sim.modbus.behaviour import ENERGY_START_KWH, ChargerBehaviour
from sim.modbus.register_map import RegisterMap
from sim.modbus.server import ReceivedWrite, RegisterServer

_LOGGER = logging.getLogger(__name__)


class SimulatedModbusCharger:
    """One charger on 127.0.0.1 (by default), serving its profile's registers on the profile's unit ids."""

    def __init__(
        self,
        profile: Profile,
        *,
        host: str = "127.0.0.1",
        port: int = 0,
        unit_id: int | None = None,
        limit_a: float = 16.0,
        phases: int = 3,
        energy_start_kwh: float = ENERGY_START_KWH,
        watchdog_timeout_s: float | None = None,
    ) -> None:
        """Port 0 picks a free port (`port` then tells which); `unit_id` replaces the profile's (Alfen socket 2)."""
        self.profile = profile
        self.unit_id = profile.unit_id if unit_id is None else unit_id
        self._host, self._port = host, port
        self._behaviour = ChargerBehaviour(
            profile,
            limit_a=limit_a,
            phases=phases,
            energy_start_kwh=energy_start_kwh,
            watchdog_timeout_s=watchdog_timeout_s,
        )
        registers = RegisterMap(profile, self.unit_id, self._behaviour)
        self._server = RegisterServer(
            registers.cells(),
            watched=registers.watched(),
            on_watched_read=self._behaviour.refresh_watchdog,
            word_order=profile.word_order,
        )

    # Lifecycle

    async def start(self) -> None:
        """Listen (again: after stop(), on the same port); the charger's state carries over."""
        framer = FramerType.RTU if self.profile.framer == "rtu" else FramerType.SOCKET
        self._port = await self._server.serve(framer, self._host, self._port)
        _LOGGER.info("%s listening on %s:%d, unit %d", self.profile.name, self._host, self._port, self.unit_id)

    async def stop(self) -> None:
        """Close the port and every connection: the charger is unreachable until start()."""
        if not self._server.serving:
            return
        await self._server.shutdown()
        _LOGGER.info("%s stopped listening", self.profile.name)

    @property
    def port(self) -> int:
        return self._port

    # The car, the charger and time

    def plug_in(self) -> None:
        self._behaviour.plug_in()

    def unplug(self) -> None:
        self._behaviour.unplug()

    def can_show(self, state: IecState) -> bool:
        """Whether the profile has status register values for `state` (every profile has A, B and C)."""
        return self._behaviour.can_show(state)

    def fault(self, state: IecState | str = IecState.E) -> None:
        """Go into error (E) or fault (F) until clear_fault(); ValueError if the profile has no code for it."""
        self._behaviour.fault(state)

    def clear_fault(self) -> None:
        self._behaviour.clear_fault()

    def advance(self, seconds: float) -> None:
        """Let sim time pass: the meter counts what the car draws, and the watchdog ages."""
        self._behaviour.advance(seconds)

    # Misbehaving on purpose

    def answer_with_exception(self, code: int, requests: int | None = None) -> None:
        """Answer the next `requests` requests (every request until answer_normally(), if None) with `code`."""
        self._server.answer_with_exception(code, requests)

    def stop_answering(self) -> None:
        """Leave every request unanswered (clients time out) until answer_normally() or stop()."""
        self._server.stop_answering()

    def answer_normally(self) -> None:
        """Undo answer_with_exception() and stop_answering(); held requests stay unanswered."""
        self._server.answer_normally()

    # What a test can observe

    @property
    def state(self) -> IecState:
        """The IEC 61851 state the status registers show."""
        return self._behaviour.state

    @property
    def car_connected(self) -> bool:
        return self._behaviour.car_connected

    @property
    def limit_a(self) -> float:
        """The current limit in force: the last setpoint written, or the safe current after a fallback."""
        return self._behaviour.limit_a

    @property
    def enabled(self) -> bool:
        return self._behaviour.enabled

    @property
    def phases(self) -> int:
        return self._behaviour.phases

    @property
    def charging_current_a(self) -> float:
        """What the car draws per phase."""
        return self._behaviour.charging_current_a

    @property
    def power_w(self) -> float:
        return self._behaviour.power_w

    @property
    def energy_kwh(self) -> float:
        """What the energy register counts: the lifetime total, or the session (profile `counts`)."""
        return self._behaviour.energy_kwh

    @property
    def total_kwh(self) -> float:
        """Everything delivered since it was built (from `energy_start_kwh`), whatever the register counts."""
        return self._behaviour.total_kwh

    @property
    def watchdog_timeout_s(self) -> float | None:
        """How long the charger waits for a refresh before it falls back (None: it has no watchdog)."""
        return self._behaviour.watchdog_timeout_s

    @property
    def watchdog_refreshes(self) -> int:
        return self._behaviour.watchdog_refreshes

    @property
    def fallbacks(self) -> int:
        """How often the watchdog ran out and the charger fell back to its safe current."""
        return self._behaviour.fallbacks

    @property
    def writes(self) -> list[ReceivedWrite]:
        """Every write the charger accepted, in order."""
        return self._server.writes
