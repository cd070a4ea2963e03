"""What one seeded host offers: a listing near a real town, its EVSEs and connectors, opening hours and tariff.

Shares are drawn from one `random.Random`, so a seed always gives the same hosts. The mix follows what
private chargers are (reference/hub.md §3.5): in Europe mostly Type 2 wallboxes at 11 kW three-phase or
7.4 kW single-phase, some 22 kW, a few Schuko sockets at 2.3 kW; in North America J1772 at 7.2 kW and some
NEMA 14-50 sockets, both on 240 V split phase (OCPI: 120 V line to neutral, two phases).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal
import random
from typing import Any, NamedTuple
import uuid

from ..tariffs.money import minor_unit_exponent
from .towns import NORTH_AMERICA, Town, jittered


class Kind(NamedTuple):
    """A charger as installed: power = phases x volts (line to neutral) x amps."""

    share: float
    standard: str
    format: str
    power_type: str
    volts: int
    amps: int


EUROPEAN_CONNECTORS = (
    Kind(0.40, "IEC_62196_T2", "SOCKET", "AC_3_PHASE", 230, 16),  # 11 kW
    Kind(0.15, "IEC_62196_T2", "CABLE", "AC_3_PHASE", 230, 16),  # 11 kW
    Kind(0.25, "IEC_62196_T2", "CABLE", "AC_1_PHASE", 230, 32),  # 7.4 kW
    Kind(0.13, "IEC_62196_T2", "SOCKET", "AC_3_PHASE", 230, 32),  # 22 kW
    Kind(0.07, "DOMESTIC_F", "SOCKET", "AC_1_PHASE", 230, 10),  # Schuko, 2.3 kW
)
NORTH_AMERICAN_CONNECTORS = (
    Kind(0.80, "IEC_62196_T1", "CABLE", "AC_2_PHASE_SPLIT", 120, 30),  # J1772, 7.2 kW
    Kind(0.20, "NEMA_14_50", "SOCKET", "AC_2_PHASE_SPLIT", 120, 40),  # 9.6 kW
)
INVITE_ONLY_SHARE = 0.10
FREE_SHARE = 0.15
SESSION_FEE_SHARE = 0.20
IDLE_FEE_SHARE = 0.15
TWO_EVSES_SHARE = 0.20
GREEN_SHARE = 0.35
# Rough units of each currency to the euro, so that 0.20-0.45 EUR a kWh reads right in kronor or forints.
_PER_EURO = {
    "BGN": 1.96, "CAD": 1.5, "CHF": 0.95, "CZK": 25, "DKK": 7.46, "GBP": 0.85, "HUF": 390, "ISK": 150, "NOK": 11.5,
    "PLN": 4.3, "RON": 5.0, "SEK": 11.3, "USD": 1.1,
}  # fmt: skip
_HOURS = {
    "evenings and weekends": [*((day, "18:00", "24:00") for day in range(1, 6)), (6, "08:00", "22:00"),
                              (7, "08:00", "22:00")],
    "nights": [(day, "20:00", "24:00") for day in range(1, 8)] + [(day, "00:00", "07:00") for day in range(1, 8)],
    "weekends": [(6, "08:00", "20:00"), (7, "08:00", "20:00")],
}  # fmt: skip


@dataclass(slots=True)
class SeedListing:
    """Rows to write, keyed by their tables' column names; ids of rows not yet written are left out."""

    email: str
    host_name: str
    tariff_id: str
    tariff_body: dict[str, Any]
    location: dict[str, Any]
    evses: list[tuple[dict[str, Any], list[dict[str, Any]]]] = field(default_factory=list)
    regular_hours: list[tuple[int, str, str]] = field(default_factory=list)


def seed_listing(rng: random.Random, seed: int, index: int, town: Town) -> SeedListing:
    latitude, longitude = jittered(rng, town)
    american = town.country in NORTH_AMERICA
    kind = _share(rng, NORTH_AMERICAN_CONNECTORS if american else EUROPEAN_CONNECTORS)  # a household's EVSEs match
    evse_count = 2 if rng.random() < TWO_EVSES_SHARE else 1
    tariff_id = f"seed-{seed}-{index}"
    schedule = rng.choice(list(_HOURS)) if rng.random() < 0.25 else None
    green = rng.random() < GREEN_SHARE
    location = {
        "id": str(uuid.UUID(int=rng.getrandbits(128), version=4)),
        "publish": rng.random() >= INVITE_ONLY_SHARE,
        "name": f"Home charger in {town.name}"[:255],
        "address": f"{rng.randint(1, 199)} Example Street",
        "city": town.name,
        "postal_code": None,
        "state": None,
        "country": town.country_alpha3,
        "latitude": f"{latitude:.6f}",
        "longitude": f"{longitude:.6f}",
        "parking_type": rng.choice(("ON_DRIVEWAY", "ON_DRIVEWAY", "ON_DRIVEWAY", "PARKING_LOT", "ON_STREET")),
        "facilities": [],
        "directions": [],
        "operator": None,
        "time_zone": town.time_zone,
        "twentyfourseven": schedule is None,
        "charging_when_closed": None if schedule is None else False,
        "access_instructions": None,
        "house_rules": None,
        "removed_at": None,
        "energy_mix": {"is_green_energy": True, "energy_product_name": "Green tariff"}
        if green
        else (None if rng.random() < 0.6 else {"is_green_energy": False}),
    }
    listing = SeedListing(
        email=f"host{seed}-{index}@seed.chargeshare.example",
        host_name=f"Seed host {seed}-{index}",
        tariff_id=tariff_id,
        tariff_body=_tariff_body(rng, town.currency),
        location=location,
        regular_hours=[] if schedule is None else list(_HOURS[schedule]),
    )
    for position in range(evse_count):
        evse = {
            "position": position,
            "uid": f"evse-{position + 1}",
            "evse_id": None,
            "status": "AVAILABLE" if rng.random() < 0.93 else rng.choice(("CHARGING", "OUTOFORDER", "UNKNOWN")),
            "capabilities": ["RESERVABLE"],
            "floor_level": None,
            "physical_reference": None,
            "parking_restrictions": [],
            "directions": [],
        }
        connector = {
            "position": 0,
            "connector_id": "1",
            "standard": kind.standard,
            "format": kind.format,
            "power_type": kind.power_type,
            "max_voltage": kind.volts,
            "max_amperage": kind.amps,
            "max_electric_power": None,
            "tariff_ids": [tariff_id],
            "terms_and_conditions": None,
        }
        listing.evses.append((evse, [connector]))
    return listing


def _share(rng: random.Random, kinds: tuple[Kind, ...]) -> Kind:
    return rng.choices(kinds, weights=[kind.share for kind in kinds])[0]


def _tariff_body(rng: random.Random, currency: str) -> dict[str, Any]:
    """An OCPI Tariff as a host would send it: free, or per kWh with perhaps a session fee or an idle fee."""
    if rng.random() < FREE_SHARE:
        return {"currency": currency, "type": "REGULAR",
                "elements": [{"price_components": [{"type": "FLAT", "price": 0, "step_size": 0}]}]}  # fmt: skip
    per_euro = _PER_EURO.get(currency, 1.0)
    elements: list[dict[str, Any]] = [
        {"price_components": [{"type": "ENERGY", "price": _amount(rng.uniform(0.20, 0.45) * per_euro, currency),
                               "step_size": 1}]}
    ]  # fmt: skip
    if rng.random() < SESSION_FEE_SHARE:
        fee = _amount(rng.choice((0.5, 1.0, 1.5, 2.0)) * per_euro, currency)
        elements[0]["price_components"].append({"type": "FLAT", "price": fee, "step_size": 0})
    if rng.random() < IDLE_FEE_SHARE:
        idle = _amount(rng.choice((1.0, 2.0, 3.0)) * per_euro, currency)
        elements.append({"price_components": [{"type": "PARKING_TIME", "price": idle, "step_size": 60}]})
    return {"currency": currency, "type": "REGULAR", "elements": elements}


def _amount(value: float, currency: str) -> float | int:
    exponent = minor_unit_exponent(currency)
    rounded = Decimal(str(value)).quantize(Decimal(1).scaleb(-exponent))
    return int(rounded) if exponent == 0 else float(rounded)
