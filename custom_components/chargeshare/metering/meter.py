"""One charger's meter: its latest readings, and the sessions and energy register behind them.

Shared by the transports: OCPP reports transactions and MeterValues, Modbus a status and registers.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, replace
from datetime import datetime
import logging
import math
from typing import Any

from ..charger import NO_PHASES, ChargingSession, MeterReading, Phases
from .sessions import SessionBook

_LOGGER = logging.getLogger(__name__)

# How much energy a charger can have delivered by a given time bounds when a register restarted (see sessions.py).
_MARGIN_KWH = 0.05


@dataclass(frozen=True, slots=True)
class MeterSample:
    """The newest values found in one MeterValues (or StopTransaction transactionData) message."""

    timestamp: datetime | None = None
    power_w: float | None = None
    current_a: Phases = NO_PHASES
    voltage_v: Phases = NO_PHASES
    energy_kwh: float | None = None
    skipped: tuple[str, ...] = ()  # why sampled values were not used, for one log line

    @property
    def empty(self) -> bool:
        return (
            self.power_w is None
            and self.energy_kwh is None
            and self.current_a == NO_PHASES
            and (self.voltage_v == NO_PHASES)
        )


class ChargerMeter:
    """Readings from MeterValues and transactions, kept consistent with the stored sessions."""

    def __init__(
        self,
        charger_id: str,
        stored_book: Mapping[str, Any] | None,
        max_power_kw: Callable[[], float],
        now: Callable[[], datetime],
    ) -> None:
        self._charger_id = charger_id
        self._book = SessionBook(stored_book)
        self._max_power_kw = max_power_kw
        self._now = now
        self._refused: set[int] = set()
        self._ignored_drops = 0
        self.reading = MeterReading(energy_kwh=self._book.total_kwh)

    @property
    def session(self) -> ChargingSession | None:
        return self._book.session

    @property
    def active_transaction_id(self) -> int | None:
        return self._book.active_transaction_id

    def persisted(self) -> dict[str, Any]:
        return self._book.to_dict()

    def take(self, transaction_id: int | None, sample: MeterSample) -> None:
        """MeterValues, possibly of a transaction that started before our records."""
        if sample.skipped:
            _LOGGER.debug("%s: meter values not used: %s", self._charger_id, "; ".join(sample.skipped))
        if transaction_id is not None and transaction_id not in (self.active_transaction_id, *self._refused):
            _LOGGER.info("%s: following transaction %s, started before our records", self._charger_id, transaction_id)
            self._book.adopt(transaction_id, self._now())
        self._take(sample)

    def start(self, id_tag: str | None, meter_start_kwh: float, started_at: datetime) -> int:
        transaction_id = self._book.start(id_tag=id_tag, meter_start_kwh=meter_start_kwh, started_at=started_at)
        self.reading = replace(self.reading, energy_kwh=self._book.total_kwh)
        return transaction_id

    def refuse(self, started_at: datetime) -> int:
        """An id for a transaction whose card was refused: the charger needs one, and ends it at once."""
        transaction_id = self._book.allocate_transaction_id(started_at)
        self._refused.add(transaction_id)
        return transaction_id

    def stop(
        self, transaction_id: int, meter_stop_kwh: float | None, ended_at: datetime, reason: str, sample: MeterSample
    ) -> None:
        self._take(sample)
        known = self._book.stop(
            transaction_id, meter_stop_kwh, ended_at, reason, deliverable_kwh=self._deliverable_kwh(ended_at)
        )
        if not known and transaction_id not in self._refused:
            _LOGGER.info("%s: stop of unknown transaction %s", self._charger_id, transaction_id)
        self._refused.discard(transaction_id)
        self.reading = replace(self.reading, energy_kwh=self._book.total_kwh)
        self.stop_flow()

    def stop_flow(self) -> None:
        """Outside state C no current flows, whatever the last sample said."""
        meter = self.reading
        a, b, c = (None if value is None else 0.0 for value in meter.current_a)
        self.reading = replace(meter, power_w=None if meter.power_w is None else 0.0, current_a=(a, b, c))

    def _deliverable_kwh(self, at: datetime | None) -> float:
        """The most energy the running session can have taken by `at` (the charger's own clock)."""
        session = self._book.session
        if session is None or not session.active:
            return math.inf
        hours = max(0.0, ((at or self._now()) - session.started_at).total_seconds() / 3600)
        return self._max_power_kw() * hours + _MARGIN_KWH

    def _take(self, sample: MeterSample) -> None:
        energy = sample.energy_kwh
        if energy is not None and not self._book.record(
            energy, deliverable_kwh=self._deliverable_kwh(sample.timestamp)
        ):
            self._ignored_drops += 1
            if self._ignored_drops == 1:
                _LOGGER.warning(
                    "%s: ignored an energy register reading of %s kWh below the last one (reported once)",
                    self._charger_id,
                    energy,
                )
        meter = self.reading
        self.reading = MeterReading(
            power_w=meter.power_w if sample.power_w is None else sample.power_w,
            current_a=meter.current_a if sample.current_a == NO_PHASES else sample.current_a,
            voltage_v=meter.voltage_v if sample.voltage_v == NO_PHASES else sample.voltage_v,
            energy_kwh=self._book.total_kwh,
        )
