"""Runs the charging controller for one charger: site and charger readings in, decisions to the charger.

The controller (control/) is pure; this is its Home Assistant side. It runs on every change of the grid
meter and at least every CONTROL_INTERVAL (a meter whose value does not change sends no state change on
Home Assistant 2024.3, and delays in the controller must elapse without one). In `manual` mode the
controller does not run: the host's own current limit and charging-allowed switch decide. The sharing
rules (sharing_entry.py) are evaluated every cycle in every mode, with the surplus the controller saw.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import replace
from datetime import datetime, timedelta
from typing import Any, Final

from homeassistant.core import Event, HomeAssistant, callback
from homeassistant.exceptions import ServiceValidationError
from homeassistant.helpers.event import async_track_state_change_event, async_track_time_interval
from homeassistant.util import dt as dt_util

from .charger import Capability, ChargerError, ChargerState, ChargerStatus, Listeners
from .const import DOMAIN, LOGGER, MIN_CURRENT
from .control.controller import Controller
from .control.model import ChargerLimits, ChargerReading, Decision, Mode
from .control.sharing import guest_charging
from .control_settings import MODES_NEEDING_GRID, ControlSettings
from .control_site import SiteInputs, read_prices, read_site
from .coordinator import ChargerCoordinator
from .sharing_entry import ChargerSharing
from .storage import ChargerStore

CONTROL_INTERVAL: Final = timedelta(seconds=10)


class ChargerControl:
    """One charger's controller, its settings and its last decision, which the control entities show."""

    def __init__(
        self, hass: HomeAssistant, coordinator: ChargerCoordinator, store: ChargerStore, options: Mapping[str, Any]
    ) -> None:
        self._hass = hass
        self.coordinator = coordinator
        self._store = store
        self._charger_id = coordinator.charger.charger_id
        self.settings = ControlSettings.from_dict(store.control_settings(self._charger_id))
        self.site = SiteInputs.from_options(options)
        self.decision: Decision | None = None
        self.sharing = ChargerSharing(hass, store, self._charger_id, self._schedule)
        self._controller: Controller | None = None
        self._listeners = Listeners()
        self._stop_timer: Callable[[], None] | None = None
        self._stop_watching_grid: Callable[[], None] | None = None
        self._running = False
        self._run_again = False
        self._failing = False

    def add_listener(self, listener: Callable[[], None]) -> Callable[[], None]:
        """Call `listener` when the settings or the decision change."""
        return self._listeners.add(listener)

    def start(self) -> None:
        self._stop_timer = async_track_time_interval(self._hass, self._on_tick, CONTROL_INTERVAL)
        self._watch_grid()

    def stop(self) -> None:
        for stop in (self._stop_timer, self._stop_watching_grid):
            if stop is not None:
                stop()
        self._stop_timer = self._stop_watching_grid = None

    def apply_options(self, options: Mapping[str, Any]) -> None:
        """The entry's site inputs changed: read the new entities from now on."""
        site = SiteInputs.from_options(options)
        if site != self.site:
            self.site = site
            self._watch_grid()
            self._schedule()

    async def async_change(self, **changes: Any) -> None:
        """Change settings (from an entity), save them and let the controller act on them at once."""
        settings = replace(self.settings, **changes)
        if "mode" in changes and settings.mode in MODES_NEEDING_GRID and self.site.grid_power is None:
            raise ServiceValidationError(
                f"Charging mode {settings.mode} needs a grid power meter: add one in the integration's options",
                translation_domain=DOMAIN,
                translation_key="mode_needs_grid_meter",
                translation_placeholders={"mode": settings.mode},
            )
        if settings.min_current_a > settings.max_current_a:
            raise ServiceValidationError(
                f"The minimum current ({settings.min_current_a:g} A) is above the maximum"
                f" ({settings.max_current_a:g} A)",
                translation_domain=DOMAIN,
                translation_key="min_current_above_max",
                translation_placeholders={
                    "minimum": f"{settings.min_current_a:g}",
                    "maximum": f"{settings.max_current_a:g}",
                },
            )
        self.settings = settings
        self._store.save_control_settings(self._charger_id, settings.to_dict())
        if not settings.controlled:
            self.decision = None
        self._listeners.notify()
        await self.async_run()

    async def async_run(self) -> None:
        """One controller cycle; a request while one runs makes it run once more afterwards."""
        if self._running:
            self._run_again = True
            return
        self._running = True
        try:
            self._run_again = True
            while self._run_again:
                self._run_again = False
                await self._async_cycle()
        finally:
            self._running = False

    async def _async_cycle(self) -> None:
        state = self.coordinator.charger.state
        surplus_w = None
        if self.settings.controlled and state.online:
            surplus_w = (await self._async_control(dt_util.utcnow(), state)).surplus_w
        self._update_sharing(surplus_w)

    def _update_sharing(self, surplus_w: float | None) -> None:
        self.sharing.update(dt_util.utcnow(), surplus_w, self._no_surplus_why(), self.coordinator.charger.state)

    def _no_surplus_why(self) -> str | None:
        """Why this charger has no surplus to share on at all; None: it has, when the meter reports."""
        if not self.settings.controlled:
            return "the charging mode is manual"
        if self.site.grid_power is None:
            return "no grid power meter"
        return None

    async def _async_control(self, now: datetime, state: ChargerState) -> Decision:
        # Only scheduled mode plans with prices; the cycle runs on every grid meter change, so the (often long)
        # forecast attributes are not parsed for the other modes.
        prices = read_prices(self._hass, self.site) if self.settings.mode == Mode.SCHEDULED else ()
        settings = self.settings.controller_settings(self.site, prices, now)
        if self.sharing.guest_session_active:
            settings = guest_charging(self.sharing.rules).apply(settings)
        limits = charger_limits(state)
        if self._controller is None:
            self._controller = Controller(settings, limits)
        else:
            self._controller.settings = settings
            self._controller.limits = limits
        decision = self._controller.update(now, read_site(self._hass, self.site), charger_reading(state))
        if decision != self.decision:
            self.decision = decision
            self._listeners.notify()
        if decision.write:
            await self._async_apply(decision, state)
        return decision

    async def _async_apply(self, decision: Decision, state: ChargerState) -> None:
        charger = self.coordinator.charger
        try:
            if decision.enabled:
                switch = Capability.PHASE_SWITCHING in state.capabilities and decision.phases != state.phases
                await charger.async_set_current(decision.current_a, decision.phases if switch else None)
                if not state.enabled:
                    await charger.async_enable(True)
            elif state.enabled:
                await charger.async_enable(False)
        except ChargerError as err:
            # The next cycle tries again; a charger that keeps refusing should not fill the log every 10 s.
            if not self._failing:
                self._failing = True
                LOGGER.warning("Charger %s did not take the controller's setting: %s", self._charger_id, err)
            return
        if self._failing:
            self._failing = False
            LOGGER.info("Charger %s takes the controller's settings again", self._charger_id)

    def _watch_grid(self) -> None:
        if self._stop_watching_grid is not None:
            self._stop_watching_grid()
            self._stop_watching_grid = None
        if self.site.grid_power is not None:
            self._stop_watching_grid = async_track_state_change_event(
                self._hass, [self.site.grid_power], self._on_grid_change
            )

    @callback
    def _on_grid_change(self, event: Event) -> None:
        self._schedule()

    @callback
    def _on_tick(self, now: datetime) -> None:
        self._schedule()

    def _schedule(self) -> None:
        if self.settings.controlled:
            self._hass.async_create_task(self.async_run())
        else:  # no controller to run: the sharing rules need no surplus from it
            self._update_sharing(None)


def charger_limits(state: ChargerState) -> ChargerLimits:
    switching = Capability.PHASE_SWITCHING in state.capabilities
    return ChargerLimits(
        min_a=MIN_CURRENT,
        max_a=state.max_current_a,
        resolution_a=0.1 if Capability.MILLIAMP_RESOLUTION in state.capabilities else 1.0,
        max_phases=3 if switching else state.phases,  # a switching charger may be on one phase right now
        phase_switching=switching,
    )


def charger_reading(state: ChargerState) -> ChargerReading:
    limit = state.max_current_a if state.current_limit_a is None else state.current_limit_a
    session = state.session
    currents = state.meter.current_a
    return ChargerReading(
        connected=state.status in (ChargerStatus.CONNECTED, ChargerStatus.CHARGING),
        charging=state.status is ChargerStatus.CHARGING,
        enabled=state.enabled,
        offered_a=limit if state.enabled else 0.0,
        phases=state.phases,
        currents_a=(currents[0] or 0.0, currents[1] or 0.0, currents[2] or 0.0),
        power_w=state.meter.power_w or 0.0,
        session_energy_kwh=session.energy_kwh if session is not None and session.active else 0.0,
    )
