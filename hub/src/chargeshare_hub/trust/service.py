"""Trust as the API uses it: verifying email addresses, and the host badge and profile shown with listings."""

from __future__ import annotations

from collections.abc import Callable, Collection
from datetime import datetime

from ..accounts.principal import Principal
from ..accounts.tables import User
from ..config import HubConfig
from ..db.base import utcnow
from ..db.engine import Database
from .badge import HostProfile, host_profile, verified_listings
from .verification import SentLink, resend_verification, verify_email


class Trust:
    def __init__(self, db: Database, config: HubConfig, clock: Callable[[], datetime] = utcnow) -> None:
        self._db = db
        self._config = config
        self.clock = clock

    async def resend_verification(self, principal: Principal) -> SentLink:
        async with self._db.write() as session:
            return await resend_verification(session, principal.user_id, self.clock())

    async def verify_email(self, token: str) -> User:
        async with self._db.write() as session:
            return await verify_email(session, token, self.clock())

    async def host_profile(self, host_id: int) -> HostProfile:
        async with self._db.read() as session:
            return await host_profile(session, host_id, self._config.verified_host_bookings)

    async def verified_listings(self, location_ids: Collection[str]) -> set[str]:
        """Those of the listings whose host has the verified-host badge."""
        async with self._db.read() as session:
            return await verified_listings(session, location_ids, self._config.verified_host_bookings)
