"""The verified-host badge: a host whose email address is verified and at whose listings at least
`verified_host_bookings` (config) bookings were fulfilled.

Worked out when shown, from the accounts and bookings themselves, so it is never stale: a search page asks
once for all its listings' hosts.
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from ..accounts.tables import User
from ..bookings.lifecycle import Status
from ..bookings.tables import Booking
from ..listings.tables import Location
from ..reviews.scores import Rating, host_rating, rating_json


@dataclass(frozen=True, slots=True)
class HostProfile:
    """A listing's host as drivers see them."""

    name: str
    verified: bool
    rating: Rating | None  # drivers' scores of the host, over all the host's listings


async def verified_hosts(session: AsyncSession, host_ids: Collection[int], bookings_needed: int) -> set[int]:
    if not host_ids:
        return set()
    verified = set(
        await session.scalars(select(User.id).where(User.id.in_(host_ids), User.email_verified_at.is_not(None)))
    )
    if bookings_needed <= 0 or not verified:
        return verified
    fulfilled = await session.execute(
        select(Location.host_id)
        .join(Booking, Booking.location_id == Location.id)
        .where(Location.host_id.in_(verified), Booking.reservation_status == Status.FULFILLED)
        .group_by(Location.host_id)
        .having(func.count() >= bookings_needed)
    )
    return set(fulfilled.scalars())


async def verified_listings(session: AsyncSession, location_ids: Collection[str], bookings_needed: int) -> set[str]:
    """Those of the listings whose host has the badge."""
    if not location_ids:
        return set()
    rows = await session.execute(select(Location.id, Location.host_id).where(Location.id.in_(location_ids)))
    hosts = dict(rows.tuples().all())
    verified = await verified_hosts(session, set(hosts.values()), bookings_needed)
    return {location_id for location_id, host_id in hosts.items() if host_id in verified}


async def host_profile(session: AsyncSession, host_id: int, bookings_needed: int) -> HostProfile:
    name = await session.scalar(select(User.name).where(User.id == host_id))
    assert name is not None  # a listing's host account is kept (anonymised) even when deleted
    return HostProfile(
        name=name,
        verified=host_id in await verified_hosts(session, (host_id,), bookings_needed),
        rating=await host_rating(session, host_id),
    )


def host_json(profile: HostProfile) -> dict[str, object]:
    return {"name": profile.name, "verified": profile.verified, "rating": rating_json(profile.rating)}
