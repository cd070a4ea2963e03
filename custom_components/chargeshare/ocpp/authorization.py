"""Which id tags (RFID cards, remote starts, booked drivers) may charge, and when."""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
import enum


class AuthorizationStatus(enum.StrEnum):
    """OCPP 1.6 idTagInfo.status values we answer with."""

    ACCEPTED = "Accepted"
    INVALID = "Invalid"


@dataclass(frozen=True, slots=True)
class TagWindow:
    """When one booking's id tag may charge: from `opens` until `closes`; never once the booking is cancelled."""

    opens: datetime
    closes: datetime
    cancelled: bool = False
    name: str | None = None  # whose booking it is, shown as the tag's name

    def open_at(self, now: datetime) -> bool:
        return not self.cancelled and self.opens <= now <= self.closes


# The windows of every booking (cancelled ones too) that uses an id tag; empty for a tag no booking uses.
BookedTags = Callable[[str], Sequence[TagWindow]]


def _no_bookings(_id_tag: str) -> Sequence[TagWindow]:
    return ()


def _utcnow() -> datetime:
    return datetime.now(UTC)


class IdTagAuthorizer:
    """An allow-list of id tags with names, and the id tags of bookings with their windows.

    An empty list means every tag may charge, except a booking's tag: that one only inside its window, and
    never once its booking is cancelled. The host's own tags (the list, our remote-start tag) always may.
    Tags compare case-insensitively: the same card's UID is written "04a1b2" by one charger and "04A1B2"
    by another.
    """

    def __init__(
        self,
        allowed: Mapping[str, str],
        remote_start_tag: str,
        *,
        booked: BookedTags = _no_bookings,
        now: Callable[[], datetime] = _utcnow,
    ) -> None:
        self._names = {tag.casefold(): name for tag, name in allowed.items()}
        self._remote_start_tag = remote_start_tag.casefold()
        self._booked = booked
        self._now = now

    @property
    def in_use(self) -> bool:
        return bool(self._names)

    def status(self, id_tag: str) -> AuthorizationStatus:
        key = id_tag.casefold()
        if key == self._remote_start_tag or key in self._names:
            return AuthorizationStatus.ACCEPTED
        windows = self._booked(id_tag)
        if windows:
            now = self._now()
            return AuthorizationStatus.ACCEPTED if any(w.open_at(now) for w in windows) else AuthorizationStatus.INVALID
        return AuthorizationStatus.INVALID if self._names else AuthorizationStatus.ACCEPTED

    def name(self, id_tag: str) -> str | None:
        name = self._names.get(id_tag.casefold())
        if name is None:
            name = next((w.name for w in self._booked(id_tag) if w.name), None)
        return name
