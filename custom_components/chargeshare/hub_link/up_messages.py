"""The payloads of the up messages about chargers (docs/hub-link.md, "Messages up"), from their state.

Pure: no Home Assistant. Statuses are OCPI 2.2.1 EVSE statuses; energy in whole Wh; times UTC RFC 3339.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any, Final
import uuid
from zoneinfo import ZoneInfo

from ..charger import ChargerState, ChargerStatus, ChargingSession, ConnectorStatus
from ..control.sharing import Availability, SharingRules
from ..control.sharing_windows import OpenPeriod, open_periods
from .protocol import rfc3339

CONNECTOR_ID: Final = "1"  # the listing's one connector per EVSE (OCPP connector 1)
WINDOW_DAYS: Final = 7
NO_ERROR: Final = "NoError"

_CONNECTOR_STATUSES: Final = {
    ConnectorStatus.AVAILABLE: "AVAILABLE",
    ConnectorStatus.PREPARING: "CHARGING",  # OCPI: "the EVSE is in use", a car is plugged in
    ConnectorStatus.CHARGING: "CHARGING",
    ConnectorStatus.SUSPENDED_EV: "CHARGING",
    ConnectorStatus.SUSPENDED_EVSE: "CHARGING",
    ConnectorStatus.FINISHING: "CHARGING",
    ConnectorStatus.RESERVED: "RESERVED",
    ConnectorStatus.UNAVAILABLE: "INOPERATIVE",
    ConnectorStatus.FAULTED: "OUTOFORDER",
}
_CHARGER_STATUSES: Final = {
    ChargerStatus.NO_VEHICLE: "AVAILABLE",
    ChargerStatus.CONNECTED: "CHARGING",
    ChargerStatus.CHARGING: "CHARGING",
    ChargerStatus.ERROR: "OUTOFORDER",
    ChargerStatus.FAULT: "OUTOFORDER",
}


def ocpi_status(state: ChargerState) -> str:
    """The EVSE status the hub shows; UNKNOWN while the charger is offline (OCPI's meaning of it)."""
    if not state.online:
        return "UNKNOWN"
    if state.available is False:
        return "INOPERATIVE"
    if state.connector_status is not None:
        return _CONNECTOR_STATUSES[state.connector_status]
    if state.status is not None:
        return _CHARGER_STATUSES[state.status]
    return "UNKNOWN"


def status_payload(location_id: str, evse_uid: str, status: str, changed_at: datetime) -> dict[str, Any]:
    return {"location_id": location_id, "evse_uid": evse_uid, "status": status, "changed_at": rfc3339(changed_at)}


def fault_payload(location_id: str, evse_uid: str, state: ChargerState) -> dict[str, Any] | None:
    """A fault to report, or None when the charger reports no error."""
    if state.error_code is None or state.error_code == NO_ERROR:
        return None
    return {
        "location_id": location_id,
        "evse_uid": evse_uid,
        "error_code": state.error_code,
        "info": ocpi_status(state),
    }


def hub_session_id(namespace: str, evse_uid: str, local_session_id: str) -> str:
    """The session's id at the hub: unique among every host's sessions (a charger's transaction ids are only
    unique at that charger), stable across restarts, 36 characters (the hub's limit)."""
    return str(uuid.uuid5(uuid.NAMESPACE_URL, f"chargeshare:{namespace}:{evse_uid}:{local_session_id}"))


def energy_wh(kwh: float | None) -> int:
    return round((kwh or 0.0) * 1000)


def meter_start_wh(state: ChargerState, session: ChargingSession) -> int:
    """The register when the session began: the register now less what the session has delivered."""
    return max(0, energy_wh(state.meter.energy_kwh) - energy_wh(session.energy_kwh))


@dataclass(frozen=True, slots=True)
class SessionStart:
    session_id: str
    location_id: str
    evse_uid: str
    id_tag: str
    start: datetime
    meter_start_wh: int
    remote: bool  # started from the hub page (OCPI COMMAND), else by the booking's id tag at the charger

    def payload(self) -> dict[str, Any]:
        return {
            "session_id": self.session_id,
            "location_id": self.location_id,
            "evse_uid": self.evse_uid,
            "connector_id": CONNECTOR_ID,
            "id_tag": self.id_tag,
            # WHITELIST: the booking's id tag was on our list for its window.
            "auth_method": "COMMAND" if self.remote else "WHITELIST",
            "start": rfc3339(self.start),
            "meter_start_wh": self.meter_start_wh,
        }


def progress_payload(session_id: str, at: datetime, meter_wh: int, power_w: float | None) -> dict[str, Any]:
    return {"session_id": session_id, "at": rfc3339(at), "meter_wh": meter_wh, "power_w": round(power_w or 0.0)}


def end_payload(session_id: str, end: datetime, meter_stop_wh: int, reason: str) -> dict[str, Any]:
    return {"session_id": session_id, "end": rfc3339(end), "meter_stop_wh": meter_stop_wh, "reason": reason}


@dataclass(frozen=True, slots=True)
class ChargerSharingNow:
    """One charger's sharing as the feed sees it: the host's rules and the evaluated availability."""

    name: str
    rules: SharingRules
    availability: Availability


def availability_payload(
    location_id: str, chargers: Iterable[ChargerSharingNow], zone: ZoneInfo, now: datetime
) -> dict[str, Any]:
    """The location's sharing: shared now if any of its chargers is; windows for the next 7 days (from the
    start of today, UTC, so the payload changes once a day and not with every call), merged over chargers.

    Windows say when the host's schedule shares; a surplus rule cannot be foreseen and is left to `sharing`.
    """
    chargers = list(chargers)
    since = now.astimezone(UTC).replace(hour=0, minute=0, second=0, microsecond=0)
    until = since + timedelta(days=WINDOW_DAYS + 1)
    periods: list[OpenPeriod] = []
    for charger in chargers:
        if not charger.rules.enabled:
            continue
        if charger.rules.windows:
            periods.extend(open_periods(charger.rules.windows, zone, since, until))
        else:
            periods.append(OpenPeriod(since, until))
    sharing = any(charger.availability.available for charger in chargers)
    if len(chargers) == 1:
        reason = chargers[0].availability.reason
    else:
        reason = "; ".join(f"{charger.name}: {charger.availability.reason}" for charger in chargers)
    return {
        "location_id": location_id,
        "sharing": sharing,
        "windows": [{"from": rfc3339(start), "to": rfc3339(end)} for start, end in _merged(periods)],
        "reason": reason or ("no charger linked" if not chargers else ""),
    }


def _merged(periods: list[OpenPeriod]) -> list[OpenPeriod]:
    merged: list[OpenPeriod] = []
    for start, end in sorted(periods):
        if merged and start <= merged[-1].end:
            merged[-1] = OpenPeriod(merged[-1].start, max(end, merged[-1].end))
        else:
            merged.append(OpenPeriod(start, end))
    return merged
