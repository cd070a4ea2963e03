"""The link's persistent outbox, and the ids of down messages already applied (docs/hub-link.md, "Exactly once").

Every up message is written to a Home Assistant Store before it may be sent, and leaves the outbox only
when the hub acknowledges it, so a message survives a dropped connection and a restart of Home Assistant
alike. Only a durable prefix of the outbox is handed to the sender, which keeps the order the messages
were made in. Session progress is the one exception to "keep everything": a newer progress of the same
session makes the older ones pointless (the hub shows the latest), so a long outage does not pile them up.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Final

from homeassistant.core import HomeAssistant
from homeassistant.helpers.storage import Store

from ..const import DOMAIN, LOGGER

STORAGE_VERSION: Final = 1
APPLIED_KEPT: Final = 1000  # down message ids remembered, newest last
ACK_SAVE_DELAY_S: Final = 1.0  # a removal lost in a crash only means a resend, which the hub acks again
PROGRESS: Final = "session.progress"


def outbox_key(entry_id: str) -> str:
    return f"{DOMAIN}.hub_link.{entry_id}"


@dataclass(slots=True)
class _Entry:
    frame: dict[str, Any]
    durable: bool


class Outbox:
    """Unacknowledged up messages in order, and applied down message ids."""

    def __init__(self, hass: HomeAssistant, key: str) -> None:
        self._store: Store[dict[str, Any]] = Store(hass, STORAGE_VERSION, key)
        self._entries: list[_Entry] = []
        self._applied: deque[str] = deque(maxlen=APPLIED_KEPT)
        self._applied_set: set[str] = set()
        self._on_durable: Callable[[], None] | None = None

    async def async_load(self) -> None:
        stored = await self._store.async_load() or {}
        for frame in stored.get("pending", []):
            if isinstance(frame, dict) and isinstance(frame.get("id"), str) and isinstance(frame.get("type"), str):
                self._entries.append(_Entry(frame, durable=True))
            else:  # only a hand-edited file gets here: say so rather than send nonsense
                LOGGER.error("Dropping an unreadable message from the hub link's outbox: %r", frame)
        for frame_id in stored.get("applied", []):
            if isinstance(frame_id, str):
                self._remember(frame_id)

    def on_durable(self, callback: Callable[[], None]) -> None:
        """`callback` runs whenever more messages may be sent."""
        self._on_durable = callback

    def __len__(self) -> int:
        return len(self._entries)

    def sendable(self) -> list[dict[str, Any]]:
        """The frames to send, in order: those written to disk, up to the first that is not yet."""
        frames = []
        for entry in self._entries:
            if not entry.durable:
                break
            frames.append(entry.frame)
        return frames

    async def async_append(self, frame: dict[str, Any]) -> None:
        """Add a frame and return once it is on disk."""
        if frame["type"] == PROGRESS:
            session_id = frame["payload"].get("session_id")
            self._entries = [
                entry
                for entry in self._entries
                if entry.frame["type"] != PROGRESS or entry.frame["payload"].get("session_id") != session_id
            ]
        entry = _Entry(frame, durable=False)
        self._entries.append(entry)
        try:
            await self._store.async_save(self._data())
        except Exception:
            self._entries.remove(entry)  # not on disk: the caller keeps it and tries again
            raise
        entry.durable = True
        if self._on_durable is not None:
            self._on_durable()

    def acknowledged(self, frame_id: str) -> dict[str, Any] | None:
        """The hub applied (ack) or refused (nack) the message: it leaves the outbox. Returns it, if it was there."""
        for index, entry in enumerate(self._entries):
            if entry.frame["id"] == frame_id:
                del self._entries[index]
                self._store.async_delay_save(self._data, ACK_SAVE_DELAY_S)
                return entry.frame
        return None

    def applied(self, frame_id: str) -> bool:
        """Whether a down message with this id was applied already (a resend: ack it, apply nothing)."""
        return frame_id in self._applied_set

    async def async_mark_applied(self, frame_id: str) -> None:
        """Remember an applied down message; returns once that is on disk, after which it may be acked."""
        self._remember(frame_id)
        await self._store.async_save(self._data())

    async def async_flush(self) -> None:
        """Write what a delayed save still holds (on unload)."""
        await self._store.async_save(self._data())

    async def async_remove(self) -> None:
        await self._store.async_remove()

    def _remember(self, frame_id: str) -> None:
        if frame_id in self._applied_set:
            return
        if len(self._applied) == APPLIED_KEPT:
            self._applied_set.discard(self._applied[0])
        self._applied.append(frame_id)
        self._applied_set.add(frame_id)

    def _data(self) -> dict[str, Any]:
        return {"pending": [entry.frame for entry in self._entries], "applied": list(self._applied)}
