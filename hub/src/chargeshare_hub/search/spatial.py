"""Where listings are: great-circle distances, the boxes around a search circle, and the spatial index.

SQLite keeps an R*Tree (`search_rtree`) of each listing's point; it stores 32-bit floats, so every point is
stored as a tiny box rounded outward and no listing inside a query box can be missed. PostgreSQL uses
earthdistance's `earth_box` on a GiST index of `ll_to_earth(latitude, longitude)`. Both only narrow the search
down: the exact haversine distance (`distance_m`, the same formula in SQL and Python) decides.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
import math
import struct
from typing import Any

from sqlalchemy import BindParameter, ColumnElement, Float, bindparam, column, func, table
from sqlalchemy.ext.asyncio import AsyncSession

EARTH_RADIUS_M = 6_371_008.8  # the mean radius (IUGG)
# earthdistance's earth() is 6,378,168 m: the same angle is a longer distance there, so boxes are widened to match.
_EARTHDISTANCE_SCALE = 6_378_168 / EARTH_RADIUS_M * 1.0001

RTREE = "search_rtree"
# What migration 0005 makes that table metadata cannot declare: the R*Tree (a virtual table, with shadow tables
# of its own for its nodes) and PostgreSQL's GiST index on an expression.
SPATIAL_INDEX_NAMES = frozenset(
    {RTREE, f"{RTREE}_node", f"{RTREE}_parent", f"{RTREE}_rowid", "ix_search_entries_earth"}
)

rtree = table(RTREE, column("id"), column("min_lat"), column("max_lat"), column("min_lon"), column("max_lon"))


@dataclass(frozen=True, slots=True)
class Box:
    """Latitudes and longitudes in degrees; never across the antimeridian."""

    min_lat: float
    max_lat: float
    min_lon: float
    max_lon: float


def haversine_m(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    phi1, phi2 = math.radians(lat1), math.radians(lat2)
    a = (
        math.sin((phi2 - phi1) / 2) ** 2
        + math.cos(phi1) * math.cos(phi2) * math.sin(math.radians(lon2 - lon1) / 2) ** 2
    )
    return 2 * EARTH_RADIUS_M * math.asin(min(1.0, math.sqrt(a)))


def _parameter(name: str) -> BindParameter[float]:
    return bindparam(name, type_=Float)


# The geometry of a search as bound parameters, so that one statement serves every circle tried (see
# `search.service.find`); `circle_parameters` and `box_parameters` give their values.
_PHI, _LAMBDA, _COS_PHI, _RADIUS = (_parameter(name) for name in ("phi", "lambda", "cos_phi", "radius_m"))
_MIN_LAT, _MAX_LAT, _MIN_LON, _MAX_LON = (_parameter(name) for name in ("min_lat", "max_lat", "min_lon", "max_lon"))
_CUBE_LAT, _CUBE_LON, _CUBE_RADIUS = (_parameter(name) for name in ("cube_lat", "cube_lon", "cube_radius"))


def circle_parameters(lat: float, lon: float, radius_m: float) -> dict[str, float]:
    box = box_around(lat, lon, radius_m)
    phi = math.radians(lat)
    return {
        "phi": phi, "lambda": math.radians(lon), "cos_phi": math.cos(phi), "radius_m": radius_m,
        "min_lat": box.min_lat, "max_lat": box.max_lat, "min_lon": box.min_lon, "max_lon": box.max_lon,
        "cube_lat": lat, "cube_lon": lon, "cube_radius": radius_m * _EARTHDISTANCE_SCALE,
    }  # fmt: skip


def box_parameters(box: Box) -> dict[str, float]:
    lat, lon, radius_m = circle_around_box(box)
    return {
        "min_lat": box.min_lat, "max_lat": box.max_lat, "min_lon": box.min_lon, "max_lon": box.max_lon,
        "cube_lat": lat, "cube_lon": lon, "cube_radius": radius_m * _EARTHDISTANCE_SCALE,
    }  # fmt: skip


def distance_m(latitude: Any, longitude: Any) -> ColumnElement[float]:
    """SQL for the haversine distance from (`latitude`, `longitude`) columns to the circle's centre, in metres."""
    half_dlat = func.sin((func.radians(latitude) - _PHI) / 2, type_=Float)
    half_dlon = func.sin((func.radians(longitude) - _LAMBDA) / 2, type_=Float)
    a = half_dlat * half_dlat + _COS_PHI * func.cos(func.radians(latitude), type_=Float) * half_dlon * half_dlon
    return 2 * EARTH_RADIUS_M * func.asin(func.sqrt(a, type_=Float), type_=Float)


def within_radius(distance: ColumnElement[float]) -> ColumnElement[bool]:
    return distance <= _RADIUS


def box_around(lat: float, lon: float, radius_m: float) -> Box:
    """The smallest latitude/longitude box holding every point within `radius_m` of (lat, lon)."""
    angle = radius_m / EARTH_RADIUS_M
    dlat = math.degrees(angle)
    if abs(lat) + dlat >= 90 or angle >= math.pi / 2:
        return Box(max(-90.0, lat - dlat), min(90.0, lat + dlat), -180.0, 180.0)
    dlon = math.degrees(math.asin(min(1.0, math.sin(angle) / math.cos(math.radians(lat)))))
    return Box(lat - dlat, lat + dlat, max(-180.0, lon - dlon), min(180.0, lon + dlon))


def within_box(latitude: Any, longitude: Any) -> ColumnElement[bool]:
    return latitude.between(_MIN_LAT, _MAX_LAT) & longitude.between(_MIN_LON, _MAX_LON)


def circle_around_box(box: Box) -> tuple[float, float, float]:
    """A circle (lat, lon, radius in metres) holding the whole box: along a parallel or a meridian, distance from
    the centre grows towards the ends, so the farthest point is a corner."""
    lat, lon = (box.min_lat + box.max_lat) / 2, (box.min_lon + box.max_lon) / 2
    corners = ((a, b) for a in (box.min_lat, box.max_lat) for b in (box.min_lon, box.max_lon))
    return lat, lon, max(haversine_m(lat, lon, a, b) for a, b in corners) * 1.0001 + 1


def postgres_near(latitude: Any, longitude: Any) -> ColumnElement[bool]:
    """The GiST-indexed condition: the point is in the cube around the search circle (a superset of it)."""
    around = func.earth_box(func.ll_to_earth(_CUBE_LAT, _CUBE_LON), _CUBE_RADIUS)
    return around.op("@>")(func.ll_to_earth(latitude, longitude))


def rtree_hits() -> ColumnElement[bool]:
    return (
        (rtree.c.min_lat <= _MAX_LAT)
        & (rtree.c.max_lat >= _MIN_LAT)
        & (rtree.c.min_lon <= _MAX_LON)
        & (rtree.c.max_lon >= _MIN_LON)
    )


def rtree_row(entry_id: int, latitude: float, longitude: float) -> dict[str, float]:
    """The point as a box of 32-bit floats, rounded outward so that it still holds the exact point."""
    return {
        "id": entry_id,
        "min_lat": _float32_down(latitude),
        "max_lat": _float32_up(latitude),
        "min_lon": _float32_down(longitude),
        "max_lon": _float32_up(longitude),
    }


async def put_rtree_rows(session: AsyncSession, rows: Iterable[dict[str, float]]) -> None:
    batch = list(rows)
    if batch:
        await session.execute(rtree.insert().prefix_with("OR REPLACE"), batch)


async def delete_rtree_row(session: AsyncSession, entry_id: int) -> None:
    await session.execute(rtree.delete().where(rtree.c.id == entry_id))


def _float32(value: float) -> float:
    result: float = struct.unpack("f", struct.pack("f", value))[0]
    return result


def _float32_down(value: float) -> float:
    rounded = _float32(value)
    return rounded if rounded <= value else _next32(rounded, -1)


def _float32_up(value: float) -> float:
    rounded = _float32(value)
    return rounded if rounded >= value else _next32(rounded, 1)


def _next32(value: float, direction: int) -> float:
    """The neighbouring 32-bit float of `value` (itself a 32-bit float) towards +inf (1) or -inf (-1)."""
    bits: int = struct.unpack("I", struct.pack("f", value))[0]
    if value == 0:
        return _float32(math.copysign(1e-45, direction))
    step = direction if value > 0 else -direction
    result: float = struct.unpack("f", struct.pack("I", bits + step))[0]
    return result
