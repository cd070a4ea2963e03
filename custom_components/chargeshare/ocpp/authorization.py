"""Which id tags (RFID cards, remote starts) may charge."""

from __future__ import annotations

from collections.abc import Mapping
import enum


class AuthorizationStatus(enum.StrEnum):
    """OCPP 1.6 idTagInfo.status values we answer with."""

    ACCEPTED = "Accepted"
    INVALID = "Invalid"


class IdTagAuthorizer:
    """An allow-list of id tags with names; an empty list means every tag may charge.

    Tags compare case-insensitively: the same card's UID is written "04a1b2" by one charger and
    "04A1B2" by another. Our own remote-start tag is always accepted.
    """

    def __init__(self, allowed: Mapping[str, str], remote_start_tag: str) -> None:
        self._names = {tag.casefold(): name for tag, name in allowed.items()}
        self._remote_start_tag = remote_start_tag.casefold()

    @property
    def in_use(self) -> bool:
        return bool(self._names)

    def status(self, id_tag: str) -> AuthorizationStatus:
        key = id_tag.casefold()
        if not self._names or key == self._remote_start_tag or key in self._names:
            return AuthorizationStatus.ACCEPTED
        return AuthorizationStatus.INVALID

    def name(self, id_tag: str) -> str | None:
        return self._names.get(id_tag.casefold())
