"""What the link remembers across restarts besides its outbox: the listing's id on the hub, and the guest
sessions it has reported as started but not yet as ended (so a restart neither repeats nor loses them)."""

from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import Any, Final

from homeassistant.core import HomeAssistant
from homeassistant.helpers.storage import Store

from ..const import DOMAIN, LOGGER

STORAGE_VERSION: Final = 1
SAVE_DELAY_S: Final = 1.0


def state_key(entry_id: str) -> str:
    return f"{DOMAIN}.hub_link_state.{entry_id}"


@dataclass(frozen=True, slots=True)
class OpenSession:
    """A guest session reported to the hub with session.start, and not yet with session.end."""

    local_id: str  # the charger's session (transaction) id
    session_id: str  # its id at the hub
    location_id: str
    meter_start_wh: int


class LinkState:
    def __init__(self, hass: HomeAssistant, key: str) -> None:
        self._store: Store[dict[str, Any]] = Store(hass, STORAGE_VERSION, key)
        self.location_id: str | None = None
        self.listing_url: str | None = None
        self._sessions: dict[str, OpenSession] = {}  # by EVSE uid

    async def async_load(self) -> None:
        stored = await self._store.async_load() or {}
        location_id, listing_url = stored.get("location_id"), stored.get("listing_url")
        self.location_id = location_id if isinstance(location_id, str) else None
        self.listing_url = listing_url if isinstance(listing_url, str) else None
        for evse_uid, session in (stored.get("sessions") or {}).items():
            try:
                self._sessions[evse_uid] = OpenSession(**session)
            except TypeError:
                LOGGER.error(
                    "Forgetting an unreadable open session of %s in the hub link's state: %r", evse_uid, session
                )

    def open_session(self, evse_uid: str) -> OpenSession | None:
        return self._sessions.get(evse_uid)

    def session_opened(self, evse_uid: str, session: OpenSession) -> None:
        self._sessions[evse_uid] = session
        self._save()

    def session_closed(self, evse_uid: str) -> None:
        self._sessions.pop(evse_uid, None)
        self._save()

    def listing_saved(self, location_id: str, listing_url: str | None) -> None:
        self.location_id, self.listing_url = location_id, listing_url
        self._save()

    async def async_flush(self) -> None:
        await self._store.async_save(self._data())

    async def async_remove(self) -> None:
        await self._store.async_remove()

    def _save(self) -> None:
        self._store.async_delay_save(self._data, SAVE_DELAY_S)

    def _data(self) -> dict[str, Any]:
        return {
            "location_id": self.location_id,
            "listing_url": self.listing_url,
            "sessions": {evse_uid: asdict(session) for evse_uid, session in self._sessions.items()},
        }
