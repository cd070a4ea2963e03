"""Current limits as OCPP 1.6 charging profiles, with the fallback chain real chargers need.

First choice is a ChargePointMaxProfile on connector 0: it caps every session and survives a new
transaction. Chargers that refuse it (several do) get a TxDefaultProfile on the connector, plus a
TxProfile for the transaction already running. Whichever purpose worked is remembered.

Chargers write profiles to flash, so writes are rate-limited: an unchanged limit is not rewritten, and
a change that comes sooner than `min_interval_s` after the last write is held back and written when the
interval is over (only the newest value).
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
import enum
import logging
import time

from ocpp.v16.datatypes import ChargingProfile, ChargingSchedule, ChargingSchedulePeriod
from ocpp.v16.enums import ChargingProfileKindType, ChargingProfilePurposeType, ChargingRateUnitType

from ..charger import ChargerRejected

_LOGGER = logging.getLogger(__name__)

NOMINAL_VOLTAGE_V = 230.0
_PLAUSIBLE_VOLTAGE_V = (50.0, 500.0)
_PROFILE_IDS = {
    ChargingProfilePurposeType.charge_point_max_profile: 1,
    ChargingProfilePurposeType.tx_default_profile: 2,
    ChargingProfilePurposeType.tx_profile: 3,
}
# An absolute schedule that starts a little in the past tolerates a charger whose clock runs behind.
_CLOCK_SKEW = timedelta(minutes=1)


class RateUnit(enum.StrEnum):
    AMPS = "A"
    WATTS = "W"

    @classmethod
    def from_configuration(cls, value: str | None) -> RateUnit:
        """Read ChargingScheduleAllowedChargingRateUnit ("Current", "Power" or "Current,Power")."""
        units = {part.strip().casefold() for part in (value or "").split(",")}
        return cls.WATTS if units == {"power"} else cls.AMPS


@dataclass(frozen=True, slots=True)
class LimitContext:
    """What a profile depends on besides the limit, read when the profile is written."""

    connector_id: int
    phases: int
    voltage_v: float | None
    transaction_id: int | None
    now: datetime


# (connector id, profile) -> whether the charger accepted it; raises ChargerError on transport failure.
SendProfile = Callable[[int, ChargingProfile], Awaitable[bool]]


class ProfileWriter:
    """Applies current limits to one charger."""

    def __init__(
        self,
        send: SendProfile,
        context: Callable[[], LimitContext],
        *,
        min_interval_s: float = 10.0,
        monotonic: Callable[[], float] = time.monotonic,
    ) -> None:
        self._send = send
        self._context = context
        self._min_interval_s = min_interval_s
        self._monotonic = monotonic
        self.rate_unit = RateUnit.AMPS
        self.stack_level = 0
        self._charge_point_max_works: bool | None = None
        self._applied: float | None = None
        self._last_write = -float("inf")
        self._pending: float | None = None
        self._trailing: asyncio.TimerHandle | None = None
        self._trailing_task: asyncio.Task[None] | None = None

    @property
    def purpose(self) -> ChargingProfilePurposeType | None:
        """The profile purpose that carries our limit, once known."""
        if self._charge_point_max_works is None:
            return None
        if self._charge_point_max_works:
            return ChargingProfilePurposeType.charge_point_max_profile
        return ChargingProfilePurposeType.tx_default_profile

    def forget_applied(self) -> None:
        """The charger may have lost its profiles (it rebooted): write the next limit even if unchanged."""
        self._applied = None
        self.cancel()

    def cancel(self) -> None:
        """Drop a held-back write (the charger went offline, or a newer limit is being written)."""
        if self._trailing:
            self._trailing.cancel()
        if self._trailing_task:
            self._trailing_task.cancel()
        self._trailing = self._trailing_task = None
        self._pending = None

    async def async_apply(self, limit_a: float) -> bool:
        """Write `limit_a` now, or hold it back for the flash-wear interval; True if written now."""
        limit_a = round(limit_a, 1)
        if limit_a == self._applied and self._pending is None:
            return False
        wait = self._last_write + self._min_interval_s - self._monotonic()
        if wait > 0:
            self._pending = limit_a
            if self._trailing is None:
                self._trailing = asyncio.get_running_loop().call_later(wait, self._write_pending)
            return False
        self.cancel()
        await self._write(limit_a)
        return True

    def _write_pending(self) -> None:
        limit, self._pending, self._trailing = self._pending, None, None
        if limit is not None and limit != self._applied:
            self._trailing_task = asyncio.get_running_loop().create_task(self._write_logged(limit))

    async def _write_logged(self, limit_a: float) -> None:
        try:
            await self._write(limit_a)
        except Exception as err:
            _LOGGER.warning("Could not apply the held-back current limit of %s A: %s", limit_a, err)

    async def _write(self, limit_a: float) -> None:
        self._last_write = self._monotonic()
        context = self._context()
        if self._charge_point_max_works is not False:
            accepted = await self._send(
                0, self._profile(ChargingProfilePurposeType.charge_point_max_profile, limit_a, context)
            )
            if accepted:
                self._charge_point_max_works = True
                self._applied = limit_a
                return
            self._charge_point_max_works = False
        accepted = await self._send(
            context.connector_id, self._profile(ChargingProfilePurposeType.tx_default_profile, limit_a, context)
        )
        if context.transaction_id is not None:
            accepted |= await self._send(
                context.connector_id, self._profile(ChargingProfilePurposeType.tx_profile, limit_a, context)
            )
        if not accepted:
            raise ChargerRejected("the charger refused every charging profile")
        self._applied = limit_a

    def _profile(self, purpose: ChargingProfilePurposeType, limit_a: float, context: LimitContext) -> ChargingProfile:
        limit = limit_a
        number_phases = None
        if self.rate_unit is RateUnit.WATTS:
            voltage = context.voltage_v
            if voltage is None or not _PLAUSIBLE_VOLTAGE_V[0] <= voltage <= _PLAUSIBLE_VOLTAGE_V[1]:
                voltage = NOMINAL_VOLTAGE_V
            limit = round(limit_a * voltage * context.phases, 1)
            number_phases = context.phases
        absolute = purpose is ChargingProfilePurposeType.charge_point_max_profile
        return ChargingProfile(
            charging_profile_id=_PROFILE_IDS[purpose],
            stack_level=self.stack_level,
            charging_profile_purpose=purpose,
            charging_profile_kind=ChargingProfileKindType.absolute if absolute else ChargingProfileKindType.relative,
            transaction_id=context.transaction_id if purpose is ChargingProfilePurposeType.tx_profile else None,
            charging_schedule=ChargingSchedule(
                charging_rate_unit=ChargingRateUnitType.watts
                if self.rate_unit is RateUnit.WATTS
                else ChargingRateUnitType.amps,
                start_schedule=(context.now - _CLOCK_SKEW).isoformat() if absolute else None,
                charging_schedule_period=[
                    ChargingSchedulePeriod(start_period=0, limit=limit, number_phases=number_phases)
                ],
            ),
        )
