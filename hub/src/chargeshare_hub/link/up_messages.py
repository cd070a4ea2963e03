"""What each up message but the status reports (`status_batches`) does at the hub, in the transaction that also
records it as applied (`receiver`): the handlers call the services' `*_in` methods, so the link changes exactly what
the API would, under the same checks. A refusal is an `ApiError`, which becomes the message's nack."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from ..accounts.principal import Principal
from ..charging.tables import Cdr, ChargingSession
from ..events.kinds import record_session_progress
from ..tariff_catalog.tables import HostTariff
from ..web.context import Hub
from ..web.errors import ApiError
from .commands import record_result
from .frames import parse_time
from .outbox import send_down
from .sharing import report_sharing

LISTING_SAVED = "listing.saved"
CDR_ISSUED = "cdr.issued"


@dataclass(frozen=True, slots=True)
class Arrival:
    """An up message being applied: from which host, in which transaction, when."""

    hub: Hub
    host: Principal
    session: AsyncSession
    message_id: str
    now: datetime

    @property
    def host_id(self) -> int:
        return self.host.user_id


Handler = Callable[[Arrival, dict[str, Any]], Awaitable[None]]


async def listing(arrival: Arrival, payload: dict[str, Any]) -> None:
    """Creates (no `id`) or replaces the listing, its tariffs first; answers `listing.saved` with the id."""
    hub, session = arrival.hub, arrival.session
    for index, tariff in enumerate(payload.get("tariffs", [])):
        try:
            tariff_id = tariff.get("id")
            known = await session.get(HostTariff, tariff_id) if isinstance(tariff_id, str) else None
            if known is not None and known.host_id == arrival.host_id:
                await hub.tariff_catalog.replace_in(session, arrival.host, tariff_id, tariff)
            else:
                await hub.tariff_catalog.create_in(session, arrival.host, tariff)
        except ApiError as err:
            raise _within(err, f"tariffs[{index}]") from err
    body = {name: value for name, value in payload.items() if name not in ("id", "tariffs")}
    location_id = payload.get("id")
    if location_id is None:
        saved = await hub.listings.create_in(session, arrival.host, body)
    else:
        saved = await hub.listings.replace_in(session, arrival.host, location_id, body)
    saved_id = saved.location.id
    answer = {"location_id": saved_id, "listing_url": f"{hub.config.base_url}/listings/{saved_id}"}
    await send_down(session, arrival.host_id, LISTING_SAVED, answer, arrival.now)


async def availability(arrival: Arrival, payload: dict[str, Any]) -> None:
    await report_sharing(arrival.session, arrival.host_id, payload, arrival.now)


async def session_start(arrival: Arrival, payload: dict[str, Any]) -> None:
    row = await arrival.hub.charging.start_in(
        arrival.session,
        arrival.host_id,
        payload["session_id"],
        location_id=payload["location_id"],
        evse_uid=payload["evse_uid"],
        connector_id=payload["connector_id"],
        id_tag=payload["id_tag"],
        auth_method=payload["auth_method"],
        start=parse_time(payload["start"], "start"),
        meter_start_wh=payload["meter_start_wh"],
    )
    record_session_progress(arrival.session, row, arrival.now, power_w=None)


async def session_progress(arrival: Arrival, payload: dict[str, Any]) -> None:
    """A reading, keyed by the message's id (the charging service keeps that key too)."""
    row = await arrival.hub.charging.progress_in(
        arrival.session,
        arrival.host_id,
        payload["session_id"],
        message_id=arrival.message_id,
        at=parse_time(payload["at"], "at"),
        meter_wh=payload["meter_wh"],
    )
    power = payload.get("power_w")
    record_session_progress(arrival.session, row, arrival.now, power_w=None if power is None else round(power))


async def session_end(arrival: Arrival, payload: dict[str, Any]) -> None:
    """The CDR, priced by the tariffs copied at the start; `cdr.issued` goes down when it is new."""
    session = arrival.session
    issued_before = await session.get(Cdr, payload["session_id"])
    cdr = await arrival.hub.charging.end_in(
        session,
        arrival.host_id,
        payload["session_id"],
        end=parse_time(payload["end"], "end"),
        meter_stop_wh=payload["meter_stop_wh"],
    )
    if issued_before is not None:
        return
    row = await session.get(ChargingSession, cdr.session_id)  # the one end_in completed: no query
    assert row is not None
    record_session_progress(session, row, arrival.now, power_w=None)
    issued = {
        "session_id": cdr.session_id,
        "cdr_id": cdr.id,
        "total_cost": cdr.document["total_cost"],
        "currency": cdr.currency,
    }
    await send_down(session, arrival.host_id, CDR_ISSUED, issued, arrival.now)


async def booking_answer(arrival: Arrival, payload: dict[str, Any]) -> None:
    await arrival.hub.bookings.answer_in(arrival.session, arrival.host, payload["booking_id"], accept=payload["accept"])


async def command_result(arrival: Arrival, payload: dict[str, Any]) -> None:
    await record_result(arrival.session, arrival.host_id, payload, arrival.now)


HANDLERS: dict[str, Handler] = {
    "listing": listing,
    "availability": availability,
    "session.start": session_start,
    "session.progress": session_progress,
    "session.end": session_end,
    "booking.answer": booking_answer,
    "command.result": command_result,
}


def _within(error: ApiError, prefix: str) -> ApiError:
    """The error with its field named from the message's payload: `tariffs[0].elements`."""
    field = prefix if error.field is None else f"{prefix}.{error.field}"
    return ApiError(error.status, error.code, error.message, field)
