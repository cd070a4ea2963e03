"""A start or stop pressed on the hub page (`command.start` / `command.stop`), carried out at the charger.

A start is refused (nack) unless its booking is known, its id tag is the booking's and its window is open: the
hub checks the same, and a command that reaches us late (after an outage) must not start a session outside
the slot. What the charger answers goes back up as `command.result`: ACCEPTED, REJECTED (the charger or
charger type said no) or FAILED (offline, no answer).
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Mapping
from typing import TYPE_CHECKING, Any, Protocol

from homeassistant.core import HomeAssistant
from homeassistant.util import dt as dt_util

from ..charger import ChargerError, ChargerNotSupported, ChargerRejected
from ..const import LOGGER
from ..coordinator import ChargerCoordinator
from ..ocpp.charger import OcppCharger
from .bookings_book import BookingBook
from .bookings_charger import charger_coordinators, coordinator_for_evse, evse_uid_of
from .link import LinkRefusal

if TYPE_CHECKING:
    from .bookings_link import BookingLink, Handler

ACCEPTED, REJECTED, FAILED = "ACCEPTED", "REJECTED", "FAILED"


class ReportedSession(Protocol):
    @property
    def session_id(self) -> str:
        """The session's id at the hub."""


class ReportedSessions(Protocol):
    """The guest sessions the link reported to the hub as started and not yet as ended (hub_link/state.py)."""

    def open_session(self, evse_uid: str) -> ReportedSession | None: ...


class CommandHandlers:
    def __init__(self, hass: HomeAssistant, book: BookingBook, link: BookingLink, sessions: ReportedSessions) -> None:
        self._hass = hass
        self._book = book
        self._link = link
        self._sessions = sessions

    def handlers(self) -> dict[str, Handler]:
        return {"command.start": self._async_start, "command.stop": self._async_stop}

    async def _async_start(self, payload: dict[str, Any]) -> None:
        command_id, booking_id, id_tag = (_text(payload, name) for name in ("command_id", "booking_id", "id_tag"))
        booking = self._book.booking(booking_id)
        if booking is None:
            raise LinkRefusal("unknown_booking", f"booking {booking_id} was never reserved here", "booking_id")
        if booking.id_tag is None or booking.id_tag.casefold() != id_tag.casefold():
            raise LinkRefusal("invalid", f"{id_tag} is not the id tag of booking {booking_id}", "id_tag")
        if not booking.open_at(dt_util.utcnow()):
            raise LinkRefusal(
                "outside_window",
                f"booking {booking_id} may start from {booking.opens.isoformat()} to {booking.closes.isoformat()}",
                "booking_id",
            )
        coordinator, tag = coordinator_for_evse(self._hass, booking.evse_uid), booking.id_tag
        # Before the command: the charger may report the session before its answer to the command arrives.
        self._book.remote_start_sent(booking_id, dt_util.utcnow())
        result = await _async_run(coordinator, lambda charger: charger.async_start_session(tag))
        if result != ACCEPTED:
            self._book.take_remote_start(booking_id, dt_util.utcnow())
        await self._link.send("command.result", {"command_id": command_id, "result": result})

    async def _async_stop(self, payload: dict[str, Any]) -> None:
        command_id, session_id = _text(payload, "command_id"), _text(payload, "session_id")
        coordinator = next((c for c in charger_coordinators(self._hass) if self._reported(c) == session_id), None)
        if coordinator is None:
            raise LinkRefusal("unknown_session", f"no session {session_id} is running here", "session_id")
        result = await _async_run(coordinator, lambda charger: charger.async_stop_session())
        await self._link.send("command.result", {"command_id": command_id, "result": result, "session_id": session_id})

    def _reported(self, coordinator: ChargerCoordinator) -> str | None:
        session = self._sessions.open_session(evse_uid_of(coordinator))
        return None if session is None else session.session_id


async def _async_run(coordinator: ChargerCoordinator | None, command: Callable[[OcppCharger], Awaitable[None]]) -> str:
    if coordinator is None:
        return FAILED  # the charger's entry is not loaded (yet)
    if not isinstance(coordinator.charger, OcppCharger):
        return REJECTED  # a Modbus charger has no id tags to start a session for
    try:
        await command(coordinator.charger)
    except (ChargerRejected, ChargerNotSupported) as err:
        LOGGER.info("The hub's command was refused by %s: %s", coordinator.device_name, err)
        return REJECTED
    except ChargerError as err:
        LOGGER.warning("The hub's command did not reach %s: %s", coordinator.device_name, err)
        return FAILED
    return ACCEPTED


def _text(payload: Mapping[str, Any], name: str) -> str:
    value = payload.get(name)
    if not isinstance(value, str) or not value:
        raise LinkRefusal("invalid", f"{name} must be a non-empty string", name)
    return value
