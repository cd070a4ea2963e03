"""The search as SQL, built once per shape of question and then reused with the question's values bound.

A shape is what a query asks (around a point or in a box, which filters, which order, signed in or not) without
the values: the point, the standards, the price, the window and the page are bound parameters. So a statement is
built, and compiled by SQLAlchemy, once per shape and process; a search only looks it up. The statement is Core
over the tables, and its rows are the search's results as they are (`Found`), with no ORM objects loaded.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
import functools
from typing import Any, NamedTuple

from sqlalchemy import (
    ColumnElement,
    Integer,
    Select,
    SQLColumnExpression,
    and_,
    bindparam,
    case,
    exists,
    false,
    null,
    or_,
    select,
    true,
)  # fmt: skip

from ..accounts.principal import Principal
from ..db.base import UtcDateTime
from ..listings.health import HealthRules
from ..listings.tables import LocationInvite
from . import spatial
from .availability import free_evse
from .query import SearchQuery
from .tables import SearchConnector, SearchEntry

_entry = SearchEntry.__table__.c
_connector = SearchConnector.__table__.c
_invite = LocationInvite.__table__.c
_PENALISED = case((_entry.fault_penalty_until > bindparam("now", type_=UtcDateTime), true()), else_=false())


class Found(NamedTuple):
    """One listing as a search gives it: columns of its search row, and how far it is (with a point only)."""

    location_id: str
    name: str | None
    city: str
    latitude: float
    longitude: float
    max_power: int
    connectors: list[dict[str, Any]]
    price_per_kwh: int | None
    currency: str | None
    rating: float | None
    rating_count: int
    green: bool
    publish: bool
    evse_states: list[dict[str, Any]]
    always_open: bool
    repeated_faults: bool  # under the fault penalty now: sorted after the others (see `faults.penalty`)
    distance_m: float | None


@dataclass(frozen=True, slots=True)
class Shape:
    around_point: bool
    sort: str
    signed_in: bool
    standards: bool
    min_power: bool
    max_price: bool
    currency: bool
    min_rating: bool
    green: bool
    free: bool
    sqlite: bool
    use_index: bool


def shape_of(query: SearchQuery, principal: Principal | None, *, sqlite: bool, use_index: bool) -> Shape:
    return Shape(
        around_point=query.point is not None,
        sort=query.sort,
        signed_in=principal is not None,
        standards=bool(query.standards),
        min_power=query.min_power is not None,
        max_price=query.max_price is not None,
        currency=query.currency is not None,
        min_rating=query.min_rating is not None,
        green=query.green,
        free=query.free is not None,
        sqlite=sqlite,
        use_index=use_index,
    )


def bound_values(
    query: SearchQuery, principal: Principal | None, *, rules: HealthRules, now: datetime
) -> dict[str, Any]:
    """The values of the statement's parameters but for the circle or box and the page; `now` decides which
    listings are stale, which statuses too old to count as free and which penalties hold."""
    values: dict[str, Any] = {
        "now": now,
        "confirmed_since": rules.stale_before(now),
        "user_id": None if principal is None else principal.user_id,
        "standards": list(query.standards),
        "min_power": query.min_power,
        "max_price": query.max_price,
        "currency": query.currency,
        "min_rating": query.min_rating,
    }
    if query.free is not None:
        values["free_from"], values["free_until"] = query.free
        values["live_fresh_since"] = rules.fresh_since(now, live=True)
        values["manual_fresh_since"] = rules.fresh_since(now, live=False)
    return values


@functools.cache  # shapes are finitely many: a few thousand combinations at most
def search_statement(shape: Shape) -> Select[Any]:
    """The page of the whole ordered answer that the parameters `offset` and `limit` ask for."""
    distance = spatial.distance_m(_entry.latitude, _entry.longitude) if shape.around_point else None
    columns = [_entry[name] for name in Found._fields[:-2]]
    statement = select(
        *columns, _PENALISED.label("repeated_faults"), (null() if distance is None else distance).label("distance_m")
    )
    statement = statement.where(_visible(shape), *_where(distance, sqlite=shape.sqlite, use_index=shape.use_index))
    if shape.standards or (shape.min_power and not shape.free):
        statement = statement.where(_connector_fits(shape))
    if shape.max_price:
        statement = statement.where(_entry.price_per_kwh <= bindparam("max_price", type_=Integer))
    if shape.currency:
        statement = statement.where(_entry.currency == bindparam("currency"))
    if shape.min_rating:
        statement = statement.where(_entry.rating >= bindparam("min_rating"))
    if shape.green:
        statement = statement.where(_entry.green.is_(True))
    if shape.free:
        statement = statement.where(free_evse(standards=shape.standards, min_power=shape.min_power))
    statement = statement.order_by(*_order(shape.sort, distance))
    return statement.offset(bindparam("offset", type_=Integer)).limit(bindparam("limit", type_=Integer))


def _visible(shape: Shape) -> ColumnElement[bool]:
    """Published listings; invite-only ones for their host and the drivers invited; stale ones for nobody."""
    confirmed = _entry.availability_confirmed_at >= bindparam("confirmed_since", type_=UtcDateTime)
    published = _entry.publish.is_(True)
    if not shape.signed_in:
        return and_(confirmed, published)
    user_id = bindparam("user_id", type_=Integer)
    invited = exists().where(_invite.location_id == _entry.location_id, _invite.user_id == user_id)
    return and_(confirmed, or_(published, _entry.host_id == user_id, invited))


def _where(distance: ColumnElement[float] | None, *, sqlite: bool, use_index: bool) -> list[ColumnElement[bool]]:
    latitude, longitude = _entry.latitude, _entry.longitude
    exact = spatial.within_box(latitude, longitude) if distance is None else spatial.within_radius(distance)
    if not use_index:
        return [exact]
    if sqlite:
        return [_entry.id.in_(select(spatial.rtree.c.id).where(spatial.rtree_hits())), exact]
    return [spatial.postgres_near(latitude, longitude), exact]


def _connector_fits(shape: Shape) -> ColumnElement[bool]:
    """Standard and power hold on one connector (with no standard asked for: the listing's most powerful)."""
    min_power = bindparam("min_power", type_=Integer)
    if not shape.standards:
        return _entry.max_power >= min_power
    conditions = [_connector.entry_id == _entry.id, _connector.standard.in_(bindparam("standards", expanding=True))]
    if shape.min_power:
        conditions.append(_connector.max_power >= min_power)
    return exists().where(*conditions)


def _order(sort: str, distance: ColumnElement[float] | None) -> list[SQLColumnExpression[Any]]:
    """Penalised listings after all others, in every sort; then the sort's own keys."""
    nearest: list[SQLColumnExpression[Any]] = [] if distance is None else [distance]
    keys: list[SQLColumnExpression[Any]] = nearest
    if sort == "price":
        keys = [_entry.price_per_kwh.is_(None), _entry.price_per_kwh, *nearest]
    elif sort == "rating":
        keys = [_entry.rating.is_(None), _entry.rating.desc(), _entry.rating_count.desc(), *nearest]
    return [_PENALISED, *keys, _entry.location_id]
