"""How current a listing is: whether its host still stands behind it, and whether its EVSEs' statuses are recent.

Stale listing: a host who has not confirmed a listing (by creating or updating it, by the availability
confirmation, or through a live status from Home Assistant) for `stale_after` may have forgotten it is listed;
it is hidden from everyone but its host and admins until confirmed, and the host is reminded `remind_before`.

Status freshness: a status is an observation, and an old one says nothing about now. A status that claims the
EVSE can be used (AVAILABLE, BLOCKED, CHARGING, RESERVED) shows as UNKNOWN once older than its limit, in every
read, so an old "AVAILABLE" is never shown. Its limit depends on where it came from:

- live, from the host's Home Assistant, which reports every change: `live_fresh` (30 minutes by default), after
  which silence means the link is down;
- manual, typed in by the host (a host without Home Assistant has nothing else): `manual_fresh` (14 days by
  default). Such a status says "in service" rather than "free this minute" (bookings say who uses it when), so
  it stays meaningful far longer; the host renews it with any update or the availability confirmation.

A status saying the EVSE cannot be used (OUTOFORDER, INOPERATIVE, PLANNED, REMOVED) does not expire: turning it
into UNKNOWN would hide what is known without protecting anyone. Both rules are evaluated when read, against
stored timestamps, so nothing rewrites rows on a timer.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from ..config import ConfigError, HubConfig

EXPIRING_STATUSES = frozenset({"AVAILABLE", "BLOCKED", "CHARGING", "RESERVED"})
UNKNOWN = "UNKNOWN"


@dataclass(frozen=True, slots=True)
class HealthRules:
    stale_after: timedelta
    remind_before: timedelta
    live_fresh: timedelta
    manual_fresh: timedelta

    @classmethod
    def from_config(cls, config: HubConfig) -> HealthRules:
        if config.listing_stale_days < 1 or not 0 <= config.listing_reminder_days < config.listing_stale_days:
            raise ConfigError("listing_reminder_days: must be from 0 to less than listing_stale_days (at least 1)")
        if config.status_fresh_minutes < 1 or config.manual_status_fresh_days < 1:
            raise ConfigError("status_fresh_minutes and manual_status_fresh_days: must be at least 1")
        return cls(
            stale_after=timedelta(days=config.listing_stale_days),
            remind_before=timedelta(days=config.listing_reminder_days),
            live_fresh=timedelta(minutes=config.status_fresh_minutes),
            manual_fresh=timedelta(days=config.manual_status_fresh_days),
        )

    def stale_before(self, now: datetime) -> datetime:
        """A listing last confirmed before this moment is stale."""
        return now - self.stale_after

    def is_stale(self, confirmed_at: datetime, now: datetime) -> bool:
        return confirmed_at < self.stale_before(now)

    def hidden_at(self, confirmed_at: datetime) -> datetime:
        return confirmed_at + self.stale_after

    def remind_from(self, confirmed_at: datetime) -> datetime:
        return self.hidden_at(confirmed_at) - self.remind_before

    def fresh_since(self, now: datetime, *, live: bool) -> datetime:
        """A status of that origin written before this moment is too old to show."""
        return now - (self.live_fresh if live else self.manual_fresh)

    def shown_status(self, status: str, updated_at: datetime, live: bool, now: datetime) -> str:
        if status in EXPIRING_STATUSES and updated_at < self.fresh_since(now, live=live):
            return UNKNOWN
        return status


DEFAULT_RULES = HealthRules.from_config(HubConfig())
