"""Repair issues about the hub link: down for more than 30 minutes, or a hub that speaks another protocol.

A short outage is normal (the hub restarts, the home's internet hiccups) and the outbox rides it out, so
the host hears of it only when it lasts; the issue names the last error and goes away by itself once the
link is back.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Final

from homeassistant.core import CALLBACK_TYPE, HomeAssistant, callback
from homeassistant.helpers import issue_registry as ir
from homeassistant.helpers.event import async_call_later

from ..const import DOMAIN

DOWN_ISSUE_AFTER: Final = timedelta(minutes=30)
ISSUE_DOWN: Final = "hub_link_down"
ISSUE_INCOMPATIBLE: Final = "hub_link_incompatible"


class LinkHealth:
    """Raises and clears the link's repair issues; the link reports what happens to it."""

    def __init__(self, hass: HomeAssistant, hub_url: str) -> None:
        self._hass = hass
        self._hub_url = hub_url
        self._last_error = "not connected yet"
        self._timer: CALLBACK_TYPE | None = None
        self._down_shown = False

    @callback
    def link_down(self) -> None:
        """The link is not connected from now on (also: it has not connected yet)."""
        if self._timer is None and not self._down_shown:
            self._timer = async_call_later(self._hass, DOWN_ISSUE_AFTER, self._on_down_too_long)

    @callback
    def failed(self, error: str) -> None:
        """A connection attempt or a connection failed with `error`."""
        self._last_error = error
        if self._down_shown:
            self._show_down()

    @callback
    def link_up(self) -> None:
        self._cancel_timer()
        self._down_shown = False
        ir.async_delete_issue(self._hass, DOMAIN, ISSUE_DOWN)
        ir.async_delete_issue(self._hass, DOMAIN, ISSUE_INCOMPATIBLE)

    @callback
    def incompatible(self, detail: str) -> None:
        """The hub does not speak this integration's protocol version."""
        self.failed(detail)
        ir.async_create_issue(
            self._hass,
            DOMAIN,
            ISSUE_INCOMPATIBLE,
            is_fixable=False,
            severity=ir.IssueSeverity.ERROR,
            translation_key=ISSUE_INCOMPATIBLE,
            translation_placeholders={"url": self._hub_url, "error": detail},
        )

    @callback
    def stop(self) -> None:
        """The link stops (unload); its issues stay until it runs again and connects."""
        self._cancel_timer()

    @callback
    def remove(self) -> None:
        """The link is gone for good."""
        self.stop()
        ir.async_delete_issue(self._hass, DOMAIN, ISSUE_DOWN)
        ir.async_delete_issue(self._hass, DOMAIN, ISSUE_INCOMPATIBLE)

    @callback
    def _on_down_too_long(self, _now: datetime) -> None:
        self._timer = None
        self._down_shown = True
        self._show_down()

    def _show_down(self) -> None:
        ir.async_create_issue(
            self._hass,
            DOMAIN,
            ISSUE_DOWN,
            is_fixable=False,
            severity=ir.IssueSeverity.ERROR,
            translation_key=ISSUE_DOWN,
            translation_placeholders={
                "url": self._hub_url,
                "error": self._last_error,
                "minutes": str(int(DOWN_ISSUE_AFTER.total_seconds() // 60)),
            },
        )

    def _cancel_timer(self) -> None:
        if self._timer is not None:
            self._timer()
            self._timer = None
