"""Live EVSE statuses, as the hosts' Home Assistants observe them, recorded many at a time.

A busy hub gets hundreds a second from its links: one transaction and a few statements for all the reports that
arrived together keep up where a round of statements per report does not (bench/hub_links.py). One report is a
batch of one. A report refused (not the host's listing, an EVSE it does not have, ...) changes nothing and leaves
the others of its batch to be recorded. A live report also shows the host is still there: it confirms the listing.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from ..events.kinds import record_evse_statuses
from ..faults.holds import hold_faulted_evses
from ..search.read_model import refresh_statuses
from ..web.errors import ApiError, bad_request, conflict, not_found
from .rows import confirm_availability, set_status
from .tables import Evse, Location

# What Home Assistant may report: retiring an EVSE (REMOVED) is the host's change of the listing.
LIVE_STATUSES = ("AVAILABLE", "BLOCKED", "CHARGING", "INOPERATIVE", "OUTOFORDER", "PLANNED", "RESERVED", "UNKNOWN")


@dataclass(frozen=True, slots=True)
class LiveReport:
    """The status of one of the host's EVSEs as observed `at`: the link passes the charger's time, which a resend
    after an outage keeps, so an old observation is not shown as fresh."""

    host_id: int
    location_id: str
    evse_uid: str
    status: str
    at: datetime


async def record_live_statuses(
    session: AsyncSession, reports: Sequence[LiveReport], now: datetime
) -> list[Evse | ApiError]:
    """Each report's EVSE as recorded (OUTOFORDER while a fault report is open), or why the report was refused.
    A report older than the live status already recorded changes nothing: resends arrive late. Every EVSE whose
    status changed is pushed to the event stream, once, as the batch leaves it."""
    if not reports:
        return []
    location_ids = sorted({report.location_id for report in reports})
    locations = {row.id: row for row in await session.scalars(select(Location).where(Location.id.in_(location_ids)))}
    evses = list(await session.scalars(select(Evse).where(Evse.location_id.in_(location_ids)).order_by(Evse.position)))
    by_uid = {(evse.location_id, evse.uid): evse for evse in evses}
    outcomes: list[Evse | ApiError] = []
    changed: dict[int, Evse] = {}
    for report in reports:
        try:
            evse = _reported_evse(report, locations, by_uid)
        except ApiError as err:
            outcomes.append(err)
            continue
        at = min(report.at, now)
        if not (evse.status_live and evse.status_updated_at > at):
            set_status(evse, report.status, at, live=True)
            changed[evse.id] = evse
        outcomes.append(evse)
    if changed:
        touched = {evse.location_id: locations[evse.location_id] for evse in changed.values()}
        await hold_faulted_evses(session, sorted(touched), now)
        for location in touched.values():
            confirm_availability(location, now)
        await refresh_statuses(session, touched.values(), [evse for evse in evses if evse.location_id in touched])
        await record_evse_statuses(session, [(touched[evse.location_id], evse) for evse in changed.values()], now)
    return outcomes


async def record_live_status(session: AsyncSession, report: LiveReport, now: datetime) -> Evse:
    """One report's EVSE as recorded; a refusal is raised."""
    (outcome,) = await record_live_statuses(session, [report], now)
    if isinstance(outcome, ApiError):
        raise outcome
    return outcome


def own_live_listing(location: Location | None, host_id: int) -> Location:
    """The host's listing, refused when it is another's (or none) or was removed."""
    if location is None or location.host_id != host_id:
        raise not_found("listing")
    if location.removed_at is not None:
        raise conflict("removed", "This listing was removed; create a new one.")
    return location


def _reported_evse(report: LiveReport, locations: dict[str, Location], evses: dict[tuple[str, str], Evse]) -> Evse:
    if report.status not in LIVE_STATUSES:
        raise bad_request("invalid", f"A live status is one of {', '.join(LIVE_STATUSES)}.", "status")
    own_live_listing(locations.get(report.location_id), report.host_id)
    evse = evses.get((report.location_id, report.evse_uid))
    if evse is None:
        raise not_found("EVSE")
    if evse.status == "REMOVED":
        raise conflict("evse_removed", "This EVSE was removed from the listing.")
    return evse
