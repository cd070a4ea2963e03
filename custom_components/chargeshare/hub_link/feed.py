"""Tells the hub what the linked chargers do: EVSE statuses and faults as they change, the location's sharing
(switch, windows, solar rule) as it changes, and guest sessions (guest_sessions.py).

The feed follows every charger of every loaded ChargeShare entry: charger entries announce themselves with
SIGNAL_CHARGERS_CHANGED when they are set up, changed or unloaded. It listens to the chargers themselves,
not to the coordinators, whose entity cool-down would delay a status beyond the 2 s the hub is promised.
Messages are queued in the order they were decided and handed to the link one by one, so a session's start
always precedes its progress and its end. Statuses and sharing need the listing's id on the hub: until it
is known (listing.saved) they are not sent, and once it is, everything current is.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, Final
from zoneinfo import ZoneInfo

from homeassistant.config_entries import ConfigEntryState
from homeassistant.core import HomeAssistant, callback
from homeassistant.exceptions import HomeAssistantError
from homeassistant.helpers.dispatcher import async_dispatcher_connect
from homeassistant.helpers.event import async_track_utc_time_change
from homeassistant.util import dt as dt_util

from ..const import DOMAIN, LOGGER, SIGNAL_CHARGERS_CHANGED
from ..control_entry import ChargerControl
from ..coordinator import ChargerCoordinator
from .bookings_charger import evse_uid_of
from .guest_sessions import GuestSessions, SessionTracker
from .link import HubLink
from .state import LinkState
from .up_messages import ChargerSharingNow, availability_payload, fault_payload, ocpi_status, status_payload

STOP_DRAIN_TIMEOUT_S: Final = 10.0
RETRY_S: Final = 5
_LIVE_STATES: Final = (ConfigEntryState.LOADED, ConfigEntryState.SETUP_IN_PROGRESS)

Then = Callable[[], None] | None


@dataclass(slots=True)
class _Watch:
    coordinator: ChargerCoordinator
    control: ChargerControl | None
    sessions: SessionTracker
    status: str | None = None  # last reported
    error_code: str | None = None  # last reported fault
    unsubscribe: list[Callable[[], None]] = field(default_factory=list)

    def detach(self) -> None:
        for unsubscribe in self.unsubscribe:
            unsubscribe()
        self.unsubscribe.clear()


class ChargerFeed:
    def __init__(self, hass: HomeAssistant, link: HubLink, state: LinkState, namespace: str) -> None:
        self._hass = hass
        self._link = link
        self._state = state
        self._sessions = GuestSessions(hass, state, namespace, self._enqueue)
        self._watches: dict[str, _Watch] = {}
        self._availability: tuple[bool, list[dict[str, str]]] | None = None  # last reported: sharing, windows
        self._queue: asyncio.Queue[tuple[str, dict[str, Any], Then]] = asyncio.Queue()
        self._unsubscribe: list[Callable[[], None]] = []
        self._worker: asyncio.Task[None] | None = None

    @property
    def evse_uids(self) -> list[str]:
        return sorted(self._watches)

    @callback
    def start(self) -> None:
        self._worker = self._hass.async_create_background_task(self._forward(), "chargeshare hub link feed")
        self._unsubscribe = [
            async_dispatcher_connect(self._hass, SIGNAL_CHARGERS_CHANGED, self._resync),
            # The windows reported cover the next days from today: move them along daily.
            async_track_utc_time_change(self._hass, self._new_day, hour=0, minute=0, second=5),
        ]
        self._resync()

    async def async_stop(self) -> None:
        """Stop following the chargers; what was decided already still reaches the outbox."""
        for unsubscribe in self._unsubscribe:
            unsubscribe()
        for watch in self._watches.values():
            watch.detach()
        self._watches.clear()
        try:
            async with asyncio.timeout(STOP_DRAIN_TIMEOUT_S):
                await self._queue.join()
        except TimeoutError:
            LOGGER.error("Hub link: %d messages could not be stored before the link stopped", self._queue.qsize())
        if self._worker is not None:
            self._worker.cancel()
            await asyncio.gather(self._worker, return_exceptions=True)

    @callback
    def location_known(self) -> None:
        """The listing has (a new) id on the hub: report every status and the sharing again."""
        for watch in self._watches.values():
            watch.status = watch.error_code = None
        self._availability = None
        for evse_uid in list(self._watches):
            self._charger_changed(evse_uid)
        self._sharing_changed()

    # ------------------------------------------------------------------ which chargers

    @callback
    def _resync(self) -> None:
        found: dict[str, tuple[ChargerCoordinator, ChargerControl | None]] = {}
        for entry in self._hass.config_entries.async_entries(DOMAIN):
            runtime = getattr(entry, "runtime_data", None)
            coordinators = getattr(runtime, "coordinators", None)
            if entry.state not in _LIVE_STATES or not isinstance(coordinators, dict):
                continue
            controls = getattr(runtime, "controls", {})
            for charger_id, coordinator in coordinators.items():
                found[evse_uid_of(coordinator)] = (coordinator, controls.get(charger_id))
        for evse_uid in set(self._watches) - set(found):
            self._watches.pop(evse_uid).detach()
        for evse_uid, (coordinator, control) in found.items():
            watch = self._watches.get(evse_uid)
            if watch is not None and watch.coordinator is coordinator and watch.control is control:
                continue
            if watch is not None:
                watch.detach()
            self._watches[evse_uid] = self._watch(evse_uid, coordinator, control)
            self._charger_changed(evse_uid)
        self._sharing_changed()

    def _watch(self, evse_uid: str, coordinator: ChargerCoordinator, control: ChargerControl | None) -> _Watch:
        def set_guest_session(active: bool) -> None:
            if control is not None:
                control.sharing.set_guest_session(active)

        watch = _Watch(coordinator, control, self._sessions.tracker(evse_uid, set_guest_session))
        watch.unsubscribe.append(coordinator.charger.add_listener(lambda: self._charger_changed(evse_uid)))
        if control is not None:
            watch.unsubscribe.append(control.sharing.add_listener(self._sharing_changed))
        return watch

    # ------------------------------------------------------------------ what they do

    @callback
    def _charger_changed(self, evse_uid: str) -> None:
        watch = self._watches.get(evse_uid)
        if watch is None:
            return
        state = watch.coordinator.charger.state
        now = dt_util.utcnow()
        location_id = self._state.location_id
        if location_id is not None:
            status = ocpi_status(state)
            if status != watch.status:
                watch.status = status
                self._enqueue("evse.status", status_payload(location_id, evse_uid, status, now), None)
            fault = fault_payload(location_id, evse_uid, state)
            if fault is None:
                watch.error_code = None
            elif state.error_code != watch.error_code:
                watch.error_code = state.error_code
                self._enqueue("fault", fault, None)
        self._sessions.update(watch.sessions, state, now)

    @callback
    def _sharing_changed(self) -> None:
        location_id = self._state.location_id
        if location_id is None:
            return
        chargers = [
            ChargerSharingNow(
                watch.coordinator.device_name, watch.control.sharing.rules, watch.control.sharing.availability
            )
            for watch in self._watches.values()
            if watch.control is not None
        ]
        payload = availability_payload(location_id, chargers, self._zone(), dt_util.utcnow())
        reported = (payload["sharing"], payload["windows"])
        if reported != self._availability:  # a reason that merely counts minutes is no news
            self._availability = reported
            self._enqueue("availability", payload, None)

    @callback
    def _new_day(self, _now: datetime) -> None:
        self._sharing_changed()

    def _zone(self) -> ZoneInfo:
        zone = dt_util.get_time_zone(self._hass.config.time_zone)
        return zone if isinstance(zone, ZoneInfo) else ZoneInfo("UTC")

    # ------------------------------------------------------------------ to the link, in order

    def _enqueue(self, type_: str, payload: dict[str, Any], then: Then) -> None:
        self._queue.put_nowait((type_, payload, then))

    async def _forward(self) -> None:
        while True:
            type_, payload, then = await self._queue.get()
            try:
                await self._send(type_, payload)
                if then is not None:
                    then()
            finally:
                self._queue.task_done()

    async def _send(self, type_: str, payload: dict[str, Any]) -> None:
        """Into the outbox; a Store that cannot be written (a full disk) is tried again, never skipped."""
        while True:
            try:
                await self._link.send(type_, payload)
            except (OSError, HomeAssistantError) as err:  # Home Assistant wraps write errors in WriteError
                LOGGER.error("Hub link: cannot store the %s message (%s); trying again in %d s", type_, err, RETRY_S)
                await asyncio.sleep(RETRY_S)
            else:
                return
