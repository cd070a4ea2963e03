"""Sharing as Home Assistant reports it: a listing its host does not share now shows BLOCKED where its charger
is AVAILABLE (OCPI: the EVSE cannot be used by others for now); what the charger itself reports is kept, so that
sharing again shows it as it is. Other statuses (CHARGING, OUTOFORDER, ...) say more and pass unchanged.

Home Assistant reports `sharing` again whenever it changes (a window opens or closes, the switch, the solar rule),
so the hub never evaluates the windows itself; it keeps them for the days ahead.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace
from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from ..listings.live_statuses import LiveReport, record_live_statuses
from ..listings.ocpi_json import ocpi_time
from ..listings.tables import Evse, Location
from ..web.errors import ApiError, not_found
from .frames import link_time, parse_time
from .tables import LinkSharing

NOT_SHARED = "BLOCKED"
REASON_LENGTH = 300  # the column's


def shown_status(reported: str, *, sharing: bool) -> str:
    return NOT_SHARED if not sharing and reported == "AVAILABLE" else reported


async def report_statuses(session: AsyncSession, reports: Sequence[LiveReport], now: datetime) -> list[Evse | ApiError]:
    """EVSE statuses from the chargers, shown as sharing has it; each report's EVSE, or why it was refused."""
    location_ids = sorted({report.location_id for report in reports})
    rows = {
        row.location_id: row
        for row in await session.scalars(select(LinkSharing).where(LinkSharing.location_id.in_(location_ids)))
    }
    shown = [
        replace(report, status=shown_status(report.status, sharing=_shares(rows.get(report.location_id))))
        for report in reports
    ]
    outcomes = await record_live_statuses(session, shown, now)
    for report, outcome in zip(reports, outcomes, strict=True):
        if not isinstance(outcome, Evse):
            continue
        row = rows.get(report.location_id)
        if row is None:  # now that the listing is known to be the host's
            row = rows[report.location_id] = _new_sharing(session, report.location_id, now)
        row.reported = {**row.reported, report.evse_uid: report.status}  # a new dict: JSON notices assignments only
    return outcomes


async def report_sharing(session: AsyncSession, host_id: int, payload: dict[str, Any], now: datetime) -> None:
    """Whether the listing is shared now, and its windows; a change shows on every EVSE at once. The message
    itself says Home Assistant is there now: the charger's last reported status still holds (it reports every
    change), so the statuses are written as of now."""
    location_id: str = payload["location_id"]
    location = await session.get(Location, location_id)
    if location is None or location.host_id != host_id:
        raise not_found("listing")
    windows = [
        {"from": ocpi_time(parse_time(window["from"], f"windows[{index}].from")),
         "to": ocpi_time(parse_time(window["to"], f"windows[{index}].to"))}
        for index, window in enumerate(payload["windows"])
    ]  # fmt: skip
    row = await session.get(LinkSharing, location_id) or _new_sharing(session, location_id, now)
    changed = row.sharing != payload["sharing"]
    row.sharing, row.windows, row.reason, row.updated_at = (
        payload["sharing"],
        windows,
        _shortened(payload.get("reason")),
        now,
    )
    if not changed:
        return
    evses = await session.scalars(select(Evse).where(Evse.location_id == location_id, Evse.status != "REMOVED"))
    changes = []
    for evse in evses:
        # Before any report, what the listing shows is what the charger does, as far as the hub knows.
        shown = shown_status(row.reported.get(evse.uid, evse.status), sharing=row.sharing)
        if shown != evse.status:
            changes.append(LiveReport(host_id, location_id, evse.uid, shown, at=link_time(now)))
    for outcome in await record_live_statuses(session, changes, now):
        if isinstance(outcome, ApiError):
            raise outcome


def _shares(row: LinkSharing | None) -> bool:
    return row is None or row.sharing


def _new_sharing(session: AsyncSession, location_id: str, now: datetime) -> LinkSharing:
    """A listing Home Assistant has said nothing about yet is shared: the host listed it."""
    row = LinkSharing(location_id=location_id, sharing=True, windows=[], reason=None, reported={}, updated_at=now)
    session.add(row)
    return row


def _shortened(reason: str | None) -> str | None:
    return None if reason is None else reason[:REASON_LENGTH]
