"""A charger's registers as its profile names them: values decoded, readings in our units, writes encoded.

Everything that knows about words, word order, unit ids and register units sits here, between the link
(raw words) and the driver (what the charger is doing).
"""

from __future__ import annotations

import math

from ..charger import NO_PHASES, ChargerIdentity, Phases
from .link import ModbusLink
from .profile import CURRENT_UNITS, Profile, Quantity
from .registers import DataType, Register, Value, decode, encode


class ChargerRegisters:
    """Reads and writes one charger's registers over `link`, at `unit_id` unless a register names its own."""

    def __init__(self, link: ModbusLink, profile: Profile, unit_id: int) -> None:
        self._link = link
        self._profile = profile
        self._unit_id = unit_id

    async def value(self, register: Register) -> Value:
        return (await self.values(register))[0]

    async def values(self, register: Register) -> list[Value]:
        words = await self._link.read(register, self._unit(register))
        return decode(register, words, self._profile.word_order)

    async def write(self, register: Register, value: Value, function_code: int) -> None:
        words = encode(register, value, self._profile.word_order)
        await self._link.write(register, words, self._unit(register), function_code)

    async def quantity(self, quantity: Quantity | None, units: dict[str, float]) -> float | None:
        """A meter reading in our unit (W, A, V, kWh); None where the profile or the charger has none."""
        if quantity is None:
            return None
        return _physical(await self.value(quantity.register), quantity, units)

    async def phases(self, quantity: Quantity | None, units: dict[str, float]) -> Phases:
        if quantity is None:
            return NO_PHASES
        values = [_physical(value, quantity, units) for value in await self.values(quantity.register)]
        padded = [*values[:3], None, None, None]
        return padded[0], padded[1], padded[2]

    async def write_current(self, amps: float) -> None:
        current = self._profile.current
        raw = amps / self._amps_per_step
        floating = current.register.type in (DataType.FLOAT32, DataType.FLOAT64)
        await self.write(current.register, raw if floating else round(raw), current.write_fc)

    async def current_applied(self) -> float | None:
        """The setpoint the charger says it applies, in A; None where it cannot tell."""
        readback = self._profile.current.readback
        if readback is None:
            return None
        return float(await self.value(readback)) * self._amps_per_step

    async def identity(self) -> ChargerIdentity:
        texts = {}
        for field, source in self._profile.identity.items():
            texts[field] = source if isinstance(source, str) else str(await self.value(source))
        return ChargerIdentity(
            vendor=texts.get("manufacturer", self._profile.manufacturer),
            model=texts.get("model", self._profile.name),
            serial=texts.get("serial"),
            firmware=texts.get("firmware"),
        )

    @property
    def _amps_per_step(self) -> float:
        current = self._profile.current
        return current.scale * CURRENT_UNITS[current.unit]

    def _unit(self, register: Register) -> int:
        return self._unit_id if register.unit_id is None else register.unit_id


def _physical(raw: Value, quantity: Quantity, units: dict[str, float]) -> float | None:
    """A reading in our unit; None for the NaN some chargers serve where they have no value."""
    value = float(raw) * quantity.scale * units[quantity.unit]
    return None if math.isnan(value) else value
