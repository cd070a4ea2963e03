"""What the search rows of one listing say, worked out from the listing's own rows and its tariffs' prices.

Pure, so that a listing write (`read_model`) and the bulk seed compute the very same rows.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping, Sequence
from datetime import UTC, datetime
from typing import Any

from ..listings.health import HealthRules
from ..listings.power import max_power_w

Row = dict[str, Any]


def entry_values(
    location: Mapping[str, Any],
    evses: Sequence[tuple[Mapping[str, Any], Sequence[Mapping[str, Any]]]],
    prices: Mapping[str, tuple[int, str]],
    *,
    has_exceptional_periods: bool,
) -> tuple[Row, list[Row]]:
    """The `search_entries` values (without id and rating) and the `search_connectors` rows (without entry_id).

    The location, each EVSE and its connectors are mappings of their tables' column names; `prices` gives each
    live tariff of the host its indicative price per kWh and currency.
    """
    per_evse: dict[tuple[int, str], int] = {}
    summary: set[tuple[str, str, int]] = set()
    named: list[tuple[int, str]] = []
    for evse, connectors in evses:
        for connector in connectors:
            power = max_power_w(
                connector["power_type"],
                connector["max_voltage"],
                connector["max_amperage"],
                connector["max_electric_power"],
            )
            key = (evse["id"], connector["standard"])
            per_evse[key] = max(power, per_evse.get(key, 0))
            summary.add((connector["standard"], connector["power_type"], power))
            named += [prices[tariff_id] for tariff_id in connector["tariff_ids"] if tariff_id in prices]
    cheapest = min(named, default=None)
    energy_mix = location.get("energy_mix")
    entry = {
        "location_id": location["id"],
        "host_id": location["host_id"],
        "publish": location["publish"],
        "name": location["name"],
        "city": location["city"],
        "latitude": float(location["latitude"]),
        "longitude": float(location["longitude"]),
        "time_zone": location["time_zone"],
        "always_open": location["twentyfourseven"] is not False and not has_exceptional_periods,
        "connectors": [
            {"standard": standard, "power_type": power_type, "max_power": power}
            for standard, power_type, power in sorted(summary)
        ],
        "max_power": max(per_evse.values(), default=0),
        "price_per_kwh": None if cheapest is None else cheapest[0],
        "currency": None if cheapest is None else cheapest[1],
        "green": bool(energy_mix and energy_mix.get("is_green_energy")),
        "evse_states": [
            evse_state(evse["status"], evse["status_updated_at"], evse["status_live"]) for evse, _ in evses
        ],
        "availability_confirmed_at": location["availability_confirmed_at"],
    }
    connector_rows = [
        {"evse_row_id": evse_row_id, "standard": standard, "max_power": power}
        for (evse_row_id, standard), power in sorted(per_evse.items())
    ]
    return entry, connector_rows


def evse_state(status: str, at: datetime, live: bool) -> Row:
    """An EVSE's status as the search row keeps it, to show it as its age has it (`shown_statuses`)."""
    return {"status": status, "at": at.astimezone(UTC).isoformat(), "live": live}


def shown_statuses(states: Sequence[Mapping[str, Any]], rules: HealthRules, now: datetime) -> dict[str, int]:
    """EVSE status -> how many, as they show at `now`: too old a status counts as UNKNOWN."""
    shown = Counter(
        rules.shown_status(state["status"], datetime.fromisoformat(state["at"]), state["live"], now) for state in states
    )
    return dict(sorted(shown.items()))
