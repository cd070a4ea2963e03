"""Finding listings: near a point or in a box, filtered, sorted and paged, on the spatial index.

Everything but opening hours is one SQL statement over the read model (`statements`): the spatial index narrows
the rows down, the exact haversine distance decides a radius, and the sort ends on the location id so that pages
are stable. Listings under the fault penalty come after all others, in every sort (see `faults.penalty`).
Nearest first, a smaller circle is tried before the one asked for (see `find`). A page is a slice of that order;
with a free-in-window filter, rows closed at the time are skipped and the cursor points past the last row looked
at. Stale listings, old statuses and penalties are judged at the time of the search (`listings.health`).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import datetime
import math
from typing import Any

from sqlalchemy import Select
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncSession

from ..accounts.principal import Principal
from ..config import HubConfig
from ..db.base import utcnow
from ..db.engine import Database
from ..listings.health import DEFAULT_RULES, HealthRules
from ..vehicles.charging_time import CarLimits
from ..vehicles.params import check_fits_battery
from ..vehicles.service import car_limits, owned_vehicle
from . import spatial
from .availability import open_throughout_window
from .query import SearchQuery
from .statements import Found, bound_values, search_statement, shape_of

_MIN_CHUNK = 50
_FIRST_CIRCLE = 1 / 16  # of the radius asked for, tried first when sorting by distance
_EMPTY_CIRCLE_GROWTH = 4  # a circle with no result: nothing to estimate the density from
_MARGIN = 1.25  # on the radius a circle's density asks for, so that one more try seldom falls short


@dataclass(frozen=True, slots=True)
class SearchPage:
    results: list[Found]
    next_offset: int | None  # None: this is the last page
    car: CarLimits | None = None  # of the vehicle searched with


class Search:
    def __init__(self, db: Database, config: HubConfig, clock: Callable[[], datetime] = utcnow) -> None:
        self._db = db
        self.rules = HealthRules.from_config(config)
        self.clock = clock

    async def find(self, principal: Principal | None, query: SearchQuery, now: datetime) -> SearchPage:
        """With a vehicle (the caller's own, else 404), the connectors it takes are the standards searched for."""
        async with self._db.read() as session:
            if query.vehicle_id is None:
                return await find(session, principal, query, now=now, rules=self.rules)
            vehicle = await owned_vehicle(session, principal, query.vehicle_id)
            if query.energy_wh is not None:
                check_fits_battery(vehicle, query.energy_wh)
            car = car_limits(vehicle)
            page = await find(session, principal, replace(query, standards=tuple(sorted(car.standards))), now=now,
                              rules=self.rules)  # fmt: skip
            return replace(page, car=car)


async def find(
    session: AsyncSession,
    principal: Principal | None,
    query: SearchQuery,
    *,
    now: datetime | None = None,
    rules: HealthRules = DEFAULT_RULES,
    use_index: bool = True,
) -> SearchPage:
    """The page, as of `now` (default: the present); `use_index=False` finds the same by one full scan, for
    benchmarks to compare against.

    Nearest first, the listings within a smaller radius are the beginning of the whole answer: when that
    beginning already holds this page and one more result, the page is the same as the whole answer's, and
    a city centre's thousands of listings within the radius are never all looked at. A circle that falls
    short tells how dense the results are around the point, and so how large the next one must be: each
    listing in the spatial index's box costs a row read, so the circle grows no more than it needs to.
    Penalised listings sort after every other within the whole radius, so a smaller circle settles a page only
    while the page and the one more are all unpenalised.
    """
    connection = await session.connection()
    sqlite = connection.dialect.name == "sqlite"
    statement = search_statement(shape_of(query, principal, sqlite=sqlite, use_index=use_index))
    values = bound_values(query, principal, rules=rules, now=utcnow() if now is None else now)
    if query.point is None or query.radius_m is None:
        assert query.box is not None
        page = await _page(
            session, connection, statement, values | spatial.box_parameters(query.box), query, final=True
        )
        assert isinstance(page, SearchPage)  # the final circle, or the box, always gives its page
        return page
    radius = query.radius_m * _FIRST_CIRCLE if use_index and query.sort == "distance" else query.radius_m
    while True:
        circle = values | spatial.circle_parameters(*query.point, radius)
        page = await _page(session, connection, statement, circle, query, final=radius == query.radius_m)
        if isinstance(page, SearchPage):
            return page
        radius = min(query.radius_m, _next_radius(radius, page.matched, query))


@dataclass(frozen=True, slots=True)
class _Short:
    """A circle too small for the page: `matched` is how many rows in it, from the first, fit the query."""

    matched: int


def _matched(offset: int, found: list[Found]) -> int:
    """How many rows from the first fit the query in a circle, as far as `found` (the rows from `offset` on) tells:
    only unpenalised ones count, since unpenalised rows outside the circle come before its penalised ones."""
    unpenalised = sum(not row.repeated_faults for row in found)
    return offset + unpenalised if unpenalised else 0


def _next_radius(radius: float, matched: int, query: SearchQuery) -> float:
    """A radius holding, at the density the rows `matched` within `radius` show, the page and one more."""
    if matched == 0:
        return radius * _EMPTY_CIRCLE_GROWTH
    return radius * math.sqrt((query.offset + query.limit + 1) / matched) * _MARGIN


async def _page(
    session: AsyncSession, connection: AsyncConnection, statement: Select[Any], values: dict[str, Any],
    query: SearchQuery, *, final: bool,
) -> SearchPage | _Short:  # fmt: skip
    """The page `query` asks for, of the statement's answer with the parameters `values`; unless this is the
    `final` circle, `_Short` as soon as it is clear that the circle cannot hold the page and one more."""
    wanted = query.limit + 1
    if query.free is None:
        parameters = values | {"offset": query.offset, "limit": wanted}
        found = [Found(*row) for row in await connection.execute(statement, parameters)]
        if not final and (len(found) < wanted or found[-1].repeated_faults):
            return _Short(_matched(query.offset, found))
        return SearchPage(found[: query.limit], query.offset + query.limit if len(found) == wanted else None)
    start, end = query.free
    chunk = max(_MIN_CHUNK, 2 * wanted)
    position, page = query.offset, list[Found]()
    while True:
        parameters = values | {"offset": position, "limit": chunk}
        rows = [Found(*row) for row in await connection.execute(statement, parameters)]
        if len(page) + len(rows) < wanted and not final:
            return _Short(position + len(rows) if rows else 0)
        open_ids: set[str] = set()
        checked = 0  # the hours of rows[:checked] are known: only those of rows that may make the page are read
        for index, row in enumerate(rows):
            if not row.always_open and index >= checked:
                checked = index + 2 * (wanted - len(page))
                hours_apply = [later.location_id for later in rows[index:checked] if not later.always_open]
                open_ids |= await open_throughout_window(session, hours_apply, start, end)
            if row.always_open or row.location_id in open_ids:
                if len(page) == query.limit:
                    if row.repeated_faults and not final:
                        return _Short(_matched(query.offset, page))
                    return SearchPage(page, position + index)
                page.append(row)
        if len(rows) < chunk:
            return SearchPage(page, None) if final else _Short(query.offset + len(page))
        position += chunk
