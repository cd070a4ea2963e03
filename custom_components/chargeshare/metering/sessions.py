"""Transactions and the energy register of one charger: the figures that must survive a restart.

The total we publish is `offset + raw`, where `raw` is the charger's register. It never goes backwards:
a drop in the middle of a session is a glitch and ignored (some chargers briefly report 0); a register
that restarts from zero at a session start (chargers that report session energy in the register) moves
its old value into the offset. A meterStart a little below the last reading is not a restart but a
register that lost its last unsaved Wh (a power cut): the total waits until the register passes it again.
A restart announced only by meterStart is provisional: if the session's first reading shows the old
register again, more than the charger could have delivered since the start, meterStart was wrong and the
restart is undone.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
import math
from typing import Any

from ..charger import ChargingSession

STORAGE_VERSION = 1
# Registers are reported in whole Wh; anything smaller is rounding, not a change.
_TOLERANCE_KWH = 0.001
# A register that restarts begins again from (nearly) zero.
_RESTARTED_BELOW_KWH = 1.0


@dataclass(slots=True)
class _Session:
    transaction_id: int
    started_at: datetime
    start_total_kwh: float
    id_tag: str | None = None
    energy_kwh: float = 0.0
    ended_at: datetime | None = None
    stop_reason: str | None = None
    readings: int = 0

    def to_dict(self) -> dict[str, Any]:
        # By hand: dataclasses.asdict deep-copies, which is what saving a thousand chargers spends its time on.
        return {
            "transaction_id": self.transaction_id,
            "started_at": self.started_at.isoformat(),
            "start_total_kwh": self.start_total_kwh,
            "id_tag": self.id_tag,
            "energy_kwh": self.energy_kwh,
            "ended_at": self.ended_at.isoformat() if self.ended_at else None,
            "stop_reason": self.stop_reason,
            "readings": self.readings,
        }

    @classmethod
    def from_dict(cls, stored: Mapping[str, Any]) -> _Session:
        ended_at = stored.get("ended_at")
        return cls(
            **{
                **stored,
                "started_at": datetime.fromisoformat(stored["started_at"]),
                "ended_at": datetime.fromisoformat(ended_at) if ended_at else None,
            }
        )


@dataclass(slots=True)
class _ProvisionalRestart:
    offset_kwh: float
    raw_kwh: float


class SessionBook:
    """The sessions and energy register of one charger, loadable from and savable to a dict."""

    def __init__(self, stored: Mapping[str, Any] | None = None) -> None:
        self._offset = 0.0
        self._raw: float | None = None
        self._last_transaction_id = 0
        self._session: _Session | None = None
        self._restart: _ProvisionalRestart | None = None
        if stored:
            self._load(stored)

    @property
    def total_kwh(self) -> float | None:
        return None if self._raw is None else round(self._offset + self._raw, 6)

    @property
    def active_transaction_id(self) -> int | None:
        session = self._session
        return session.transaction_id if session and session.ended_at is None else None

    @property
    def session(self) -> ChargingSession | None:
        session = self._session
        if session is None:
            return None
        return ChargingSession(
            session_id=str(session.transaction_id),
            started_at=session.started_at,
            energy_kwh=round(session.energy_kwh, 6),
            id_tag=session.id_tag,
            ended_at=session.ended_at,
            stop_reason=session.stop_reason,
        )

    def start(self, *, id_tag: str | None, meter_start_kwh: float, started_at: datetime) -> int:
        """Open a session for a StartTransaction and return its transaction id."""
        self._close_open_session(started_at, "Other")
        self._restart = None
        if self._raw is None:
            self._raw = meter_start_kwh
        elif meter_start_kwh < min(self._raw - _TOLERANCE_KWH, _RESTARTED_BELOW_KWH):
            self._restart = _ProvisionalRestart(self._offset, self._raw)
            self._offset += self._raw
            self._raw = meter_start_kwh
        else:
            self._raw = max(self._raw, meter_start_kwh)
        transaction_id = self.allocate_transaction_id(started_at)
        self._session = _Session(transaction_id, started_at, self._offset + self._raw, id_tag)
        return transaction_id

    def allocate_transaction_id(self, at: datetime) -> int:
        """A new transaction id: the start time in seconds, made unique."""
        self._last_transaction_id = max(int(at.timestamp()), self._last_transaction_id + 1)
        return self._last_transaction_id

    def adopt(self, transaction_id: int, seen_at: datetime) -> None:
        """Track a transaction we never saw start (its StartTransaction predates our records)."""
        self._close_open_session(seen_at, "Other")
        self._restart = None
        total = self.total_kwh or 0.0
        self._session = _Session(transaction_id, seen_at, total, readings=1)
        self._last_transaction_id = max(self._last_transaction_id, transaction_id)

    def record(self, register_kwh: float, *, deliverable_kwh: float = math.inf) -> bool:
        """Take a register reading; False when it was ignored as a glitch.

        `deliverable_kwh` is the most the charger can have delivered since the session started.
        """
        session = self._session if self._session and self._session.ended_at is None else None
        first_of_session = session is not None and session.readings == 0
        restart, self._restart = self._restart, None
        if self._raw is None:
            self._raw = register_kwh
        elif (
            restart
            and first_of_session
            and register_kwh >= restart.raw_kwh - _TOLERANCE_KWH
            and register_kwh > deliverable_kwh
        ):
            # meterStart was wrong, not the register: the register never restarted.
            self._offset = restart.offset_kwh
            self._raw = register_kwh
            if session:
                session.start_total_kwh = restart.offset_kwh + restart.raw_kwh
        elif register_kwh >= self._raw - _TOLERANCE_KWH:
            self._raw = max(self._raw, register_kwh)
        else:
            return False
        if session:
            session.readings += 1
            session.energy_kwh = max(0.0, self._offset + self._raw - session.start_total_kwh)
        return True

    def stop(
        self,
        transaction_id: int,
        meter_stop_kwh: float | None,
        ended_at: datetime,
        reason: str,
        *,
        deliverable_kwh: float = math.inf,
    ) -> bool:
        """Close the session a StopTransaction names; False if we do not know that transaction."""
        if meter_stop_kwh is not None:
            self.record(meter_stop_kwh, deliverable_kwh=deliverable_kwh)
        session = self._session
        if session is None or session.transaction_id != transaction_id or session.ended_at is not None:
            return False
        session.ended_at = ended_at
        session.stop_reason = reason
        return True

    def _close_open_session(self, at: datetime, reason: str) -> None:
        if self._session and self._session.ended_at is None:
            self._session.ended_at = at
            self._session.stop_reason = reason

    def to_dict(self) -> dict[str, Any]:
        return {
            "version": STORAGE_VERSION,
            "offset_kwh": self._offset,
            "raw_kwh": self._raw,
            "last_transaction_id": self._last_transaction_id,
            "session": self._session.to_dict() if self._session else None,
            "restart": {"offset_kwh": self._restart.offset_kwh, "raw_kwh": self._restart.raw_kwh}
            if self._restart
            else None,
        }

    def _load(self, stored: Mapping[str, Any]) -> None:
        """Restore from `to_dict()` output; ValueError names what is wrong."""
        if stored.get("version") != STORAGE_VERSION:
            raise ValueError(f"unknown version {stored.get('version')!r}")
        try:
            self._offset = float(stored["offset_kwh"])
            raw = stored["raw_kwh"]
            self._raw = None if raw is None else float(raw)
            self._last_transaction_id = int(stored["last_transaction_id"])
            session, restart = stored.get("session"), stored.get("restart")
            self._session = _Session.from_dict(session) if session else None
            self._restart = _ProvisionalRestart(**restart) if restart else None
        except (KeyError, TypeError, ValueError) as err:
            raise ValueError(f"{type(err).__name__}: {err}") from err
