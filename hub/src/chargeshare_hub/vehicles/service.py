"""Vehicle profiles: each driver keeps their own; anyone else's looks exactly like none (404).

Whenever a driver has vehicles, exactly one is the default: the first one made, then the one last marked
`default`; deleting the default makes the oldest remaining vehicle the default.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import Any
import uuid

from sqlalchemy import Select, func, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from ..accounts.principal import Principal
from ..db.base import utcnow
from ..db.engine import Database
from ..web.errors import bad_request, conflict, not_found
from .charging_time import CarLimits
from .documents import check_vehicle, write_vehicle
from .tables import Vehicle

MAX_VEHICLES = 20


class Vehicles:
    def __init__(self, db: Database, clock: Callable[[], datetime] = utcnow) -> None:
        self._db = db
        self.clock = clock

    async def list(self, principal: Principal) -> list[Vehicle]:
        async with self._db.read() as session:
            return list(await session.scalars(_of_owner(principal.user_id)))

    async def get(self, principal: Principal, vehicle_id: str) -> Vehicle:
        async with self._db.read() as session:
            return await owned_vehicle(session, principal, vehicle_id)

    async def create(self, principal: Principal, body: dict[str, Any]) -> Vehicle:
        check_vehicle(body)
        now = self.clock()
        async with self._db.write() as session:
            count = await session.scalar(select(func.count()).where(Vehicle.owner_id == principal.user_id)) or 0
            if count >= MAX_VEHICLES:
                raise conflict("too_many_vehicles", f"A driver keeps at most {MAX_VEHICLES} vehicles.")
            vehicle = Vehicle(id=str(uuid.uuid4()), owner_id=principal.user_id, created_at=now, last_updated=now)
            write_vehicle(vehicle, body)
            vehicle.is_default = count == 0 or bool(body.get("default"))
            if vehicle.is_default:
                await _clear_default(session, principal.user_id)
            session.add(vehicle)
        return vehicle

    async def replace(self, principal: Principal, vehicle_id: str, body: dict[str, Any]) -> Vehicle:
        """The whole profile, as sent; `default` left out leaves it as it was."""
        check_vehicle(body)
        async with self._db.write() as session:
            vehicle = await owned_vehicle(session, principal, vehicle_id)
            if body.get("default") is False and vehicle.is_default:
                raise bad_request("invalid", "Make another vehicle the default instead.", "default")
            write_vehicle(vehicle, body)
            if body.get("default") and not vehicle.is_default:
                await _clear_default(session, principal.user_id)
                vehicle.is_default = True
            vehicle.last_updated = self.clock()
        return vehicle

    async def delete(self, principal: Principal, vehicle_id: str) -> None:
        async with self._db.write() as session:
            vehicle = await owned_vehicle(session, principal, vehicle_id)
            await session.delete(vehicle)
            await session.flush()
            if vehicle.is_default:
                oldest = await session.scalar(_of_owner(principal.user_id).limit(1))
                if oldest is not None:
                    oldest.is_default = True


async def owned_vehicle(session: AsyncSession, principal: Principal | None, vehicle_id: str) -> Vehicle:
    """The caller's vehicle; another driver's, or one asked for by nobody signed in, is not found."""
    vehicle = await session.get(Vehicle, vehicle_id)
    if vehicle is None or principal is None or vehicle.owner_id != principal.user_id:
        raise not_found("vehicle")
    return vehicle


def car_limits(vehicle: Vehicle) -> CarLimits:
    return CarLimits(
        frozenset(vehicle.connector_standards), vehicle.max_ac_power_w, vehicle.ac_phases, vehicle.max_dc_power_w
    )


def _of_owner(owner_id: int) -> Select[tuple[Vehicle]]:
    return select(Vehicle).where(Vehicle.owner_id == owner_id).order_by(Vehicle.created_at, Vehicle.id)


async def _clear_default(session: AsyncSession, owner_id: int) -> None:
    # Before the new default is written: the partial unique index allows one default per driver at any time.
    await session.execute(
        update(Vehicle).where(Vehicle.owner_id == owner_id, Vehicle.is_default.is_(True)).values(is_default=False)
    )
