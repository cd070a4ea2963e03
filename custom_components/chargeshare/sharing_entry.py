"""Sharing for one charger: the host's rules, evaluated on every cycle of its controller runner.

control/sharing.py decides; this is its Home Assistant side. ChargerControl (control_entry.py) calls
`update` every cycle with the surplus of the decision it just made, in any charging mode: the windows
and the switch matter in manual mode too. The hub link calls `set_guest_session` (the one hook for it).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from datetime import datetime
from typing import Any, Final
from zoneinfo import ZoneInfo

from homeassistant.core import HomeAssistant
from homeassistant.exceptions import ServiceValidationError
from homeassistant.util import dt as dt_util

from .charger import ChargerState, ChargerStatus, Listeners
from .const import DOMAIN
from .control.sharing import NO_SURPLUS_READING, Availability, SharingEvaluator, SharingRules
from .sharing_settings import SharingSettings, canonical_windows
from .storage import ChargerStore

_UTC: Final = ZoneInfo("UTC")


class ChargerSharing:
    """One charger's sharing settings, whether it is available to guests now, and whether a guest charges."""

    def __init__(
        self, hass: HomeAssistant, store: ChargerStore, charger_id: str, request_run: Callable[[], None]
    ) -> None:
        self._hass = hass
        self._store = store
        self._charger_id = charger_id
        self._request_run = request_run
        self.settings = SharingSettings.from_dict(store.sharing_settings(charger_id))
        self._evaluator = SharingEvaluator(self.settings.rules(), self._zone())
        # Until the first cycle: the fail-safe answer.
        self.availability = Availability(False, "starting")
        self.guest_session_active = False
        self._listeners = Listeners()

    @property
    def rules(self) -> SharingRules:
        return self._evaluator.rules

    def add_listener(self, listener: Callable[[], None]) -> Callable[[], None]:
        """Call `listener` when the settings, the availability or the guest session change."""
        return self._listeners.add(listener)

    def set_guest_session(self, active: bool) -> None:
        """The hub link's hook: a guest's session started (True) or ended (False) on this charger.

        While it runs the charger stays available (the guest was promised the charge) and the controller
        charges with the guest power policy instead of the host's own settings. Nothing else sets it:
        until the link exists, no session is a guest's.
        """
        if active != self.guest_session_active:
            self.guest_session_active = active
            self._listeners.notify()
            self._request_run()

    def change(self, **changes: Any) -> None:
        """Change settings (from an entity), save them and evaluate again on the next cycle, started now."""
        if "windows" in changes:
            changes["windows"] = _valid_windows(changes["windows"])
        self.settings = replace(self.settings, **changes)
        self._evaluator.set_rules(self.settings.rules())
        self._store.save_sharing_settings(self._charger_id, self.settings.to_dict())
        self._listeners.notify()
        self._request_run()

    def update(self, now: datetime, surplus_w: float | None, no_surplus_why: str | None, state: ChargerState) -> None:
        """One evaluation. `no_surplus_why`: why no surplus can be known at all (manual mode, no meter)."""
        self._evaluator.zone = self._zone()  # the host may change Home Assistant's time zone at any time
        connected = state.status in (ChargerStatus.CONNECTED, ChargerStatus.CHARGING)
        availability = self._evaluator.update(now, surplus_w, connected, self.guest_session_active)
        if not state.online and not self.guest_session_active:
            availability = Availability(False, "charger offline")
        elif no_surplus_why and availability.reason == NO_SURPLUS_READING:
            availability = Availability(False, f"{NO_SURPLUS_READING}: {no_surplus_why}")
        if availability != self.availability:
            self.availability = availability
            self._listeners.notify()

    def _zone(self) -> ZoneInfo:
        zone = dt_util.get_time_zone(self._hass.config.time_zone)
        return zone if isinstance(zone, ZoneInfo) else _UTC


def _valid_windows(text: str) -> str:
    try:
        return canonical_windows(text)
    except ValueError as err:
        raise ServiceValidationError(
            f"These sharing hours cannot be read: {err}",
            translation_domain=DOMAIN,
            translation_key="invalid_sharing_windows",
            translation_placeholders={"error": str(err)},
        ) from err
