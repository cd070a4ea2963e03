"""Remote start and stop: a driver presses start or stop on the hub page, the command travels down the link to the
host's Home Assistant (queued while the link is down: the charger refuses a start outside the booking's window
itself), and the charger's answer comes back up (`command.result`, or a nack of the command).

A start is accepted only inside the booking's window (the id tag's, see `bookings.lookup`); a stop only while a
session of the booking is charging. Both need a host who paired a Home Assistant: nothing else reaches the charger.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import Any
import uuid

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from ..accounts.principal import Principal
from ..bookings.lifecycle import Status
from ..bookings.lookup import booking_for_id_tag
from ..bookings.tables import Booking
from ..charging.tables import ChargingSession
from ..db.base import utcnow
from ..db.engine import Database
from ..events.log import Audience, record_event
from ..listings.ocpi_json import ocpi_time
from ..listings.tables import Connector, Evse, Location
from ..web.errors import conflict, forbidden, not_found
from .outbox import has_paired, send_down
from .tables import LinkCommand

START, STOP = "START", "STOP"
PENDING = "PENDING"
RESULT_EVENT = "command.result"
DOWN_TYPES = {START: "command.start", STOP: "command.stop"}


class RemoteCommands:
    def __init__(self, db: Database, clock: Callable[[], datetime] = utcnow) -> None:
        self._db = db
        self.clock = clock

    async def start(self, principal: Principal, booking_id: str) -> LinkCommand:
        now = self.clock()
        async with self._db.write() as session:
            booking, location = await _drivers_booking(session, principal, booking_id)
            if booking.reservation_status != Status.RESERVED:
                raise conflict("not_startable", f"A {booking.reservation_status} booking cannot be started.")
            if await booking_for_id_tag(session, booking.id_tag, now) is None:
                raise conflict("outside_window", "Charging can be started only during the booking (or just before).")
            evse = await session.get(Evse, booking.evse_row_id)
            assert evse is not None
            connector_id = booking.connector_id or await session.scalar(
                select(Connector.connector_id).where(Connector.evse_row_id == evse.id).order_by(Connector.position)
            )
            command = await _command(session, booking, location, START, session_id=None, now=now)
            payload = {
                "command_id": command.id,
                "booking_id": booking.id,
                "evse_uid": evse.uid,
                "connector_id": connector_id,
                "id_tag": booking.id_tag,
            }
            await send_down(session, location.host_id, DOWN_TYPES[START], payload, now)
            return command

    async def stop(self, principal: Principal, booking_id: str) -> LinkCommand:
        now = self.clock()
        async with self._db.write() as session:
            booking, location = await _drivers_booking(session, principal, booking_id)
            session_id = await session.scalar(
                select(ChargingSession.id).where(
                    ChargingSession.booking_id == booking.id, ChargingSession.status == "ACTIVE"
                )
            )
            if session_id is None:
                raise conflict("not_charging", "No session of this booking is charging.")
            command = await _command(session, booking, location, STOP, session_id=session_id, now=now)
            payload = {"command_id": command.id, "session_id": session_id}
            await send_down(session, location.host_id, DOWN_TYPES[STOP], payload, now)
            return command

    async def get(self, principal: Principal, command_id: str) -> LinkCommand:
        async with self._db.read() as session:
            command = await session.get(LinkCommand, command_id)
        if command is None or principal.user_id not in (command.driver_id, command.host_id):
            raise not_found("command")
        return command


async def record_result(session: AsyncSession, host_id: int, payload: dict[str, Any], now: datetime) -> None:
    """The charger's answer (`command.result`); the first answer stands, a repeat changes nothing."""
    command = await session.get(LinkCommand, payload["command_id"])
    if command is None or command.host_id != host_id:
        raise not_found("command")
    if command.status != PENDING:
        return
    message = payload.get("message")
    _answer(session, command, payload["result"], None if message is None else str(message), now)
    if payload.get("session_id") is not None:
        command.session_id = payload["session_id"]


async def command_refused(session: AsyncSession, host_id: int, command_id: str, message: str, now: datetime) -> None:
    """Home Assistant refused the command itself (a nack): outside the window, an unknown charger, ..."""
    command = await session.get(LinkCommand, command_id)
    if command is not None and command.host_id == host_id and command.status == PENDING:
        _answer(session, command, "REJECTED", message, now)


def command_json(command: LinkCommand) -> dict[str, Any]:
    return {
        "id": command.id,
        "booking_id": command.booking_id,
        "kind": command.kind,
        "session_id": command.session_id,
        "status": command.status,
        "message": command.message,
        "created_at": ocpi_time(command.created_at),
        "answered_at": None if command.answered_at is None else ocpi_time(command.answered_at),
    }


def _answer(session: AsyncSession, command: LinkCommand, status: str, message: str | None, now: datetime) -> None:
    command.status, command.message, command.answered_at = status, None if message is None else message[:300], now
    record_event(
        session, RESULT_EVENT, command_json(command), now=now, audience=Audience.PRIVATE, user_ids=[command.driver_id]
    )


async def _drivers_booking(session: AsyncSession, principal: Principal, booking_id: str) -> tuple[Booking, Location]:
    booking = await session.scalar(select(Booking).where(Booking.id == booking_id).with_for_update())
    location = None if booking is None else await session.get(Location, booking.location_id)
    if booking is None or location is None or principal.user_id not in (booking.driver_id, location.host_id):
        raise not_found("booking")
    if principal.user_id != booking.driver_id:
        raise forbidden("Only the booking's driver starts and stops charging from the hub.")
    return booking, location


async def _command(
    session: AsyncSession, booking: Booking, location: Location, kind: str, *, session_id: str | None, now: datetime
) -> LinkCommand:
    if not await has_paired(session, location.host_id):
        raise conflict("no_link", "The host's charger is not linked to the hub: start and stop at the charger.")
    command = LinkCommand(
        id=str(uuid.uuid4()),
        booking_id=booking.id,
        driver_id=booking.driver_id,
        host_id=location.host_id,
        kind=kind,
        session_id=session_id,
        status=PENDING,
        message=None,
        created_at=now,
        answered_at=None,
    )
    session.add(command)
    return command
