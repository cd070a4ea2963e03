"""Price (or CO2) forecast slots for scheduled charging, read from another integration's sensor attributes.

Formats understood, by attribute:
- Nord Pool (custom_components/nordpool): `raw_today` / `raw_tomorrow`, lists of {start, end, value};
- Energi Data Service: `raw_today` / `raw_tomorrow`, lists of {hour, price}, each slot lasting until the next;
- ENTSO-e (hass-entso-e): `prices` (or `prices_today` / `prices_tomorrow`), lists of {time, price}.
Times may be datetimes (live state) or ISO strings (restored state); naive times are local. Entries that
cannot be read are skipped rather than failing the whole forecast.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import datetime, timedelta
from typing import Any

from homeassistant.util import dt as dt_util

from .control.model import PriceSlot

# The length of the last slot of a list whose entries give only their start.
_DEFAULT_SLOT = timedelta(hours=1)
# (list attributes, start key, end key or None, value key)
_FORMATS: tuple[tuple[tuple[str, ...], str, str | None, str], ...] = (
    (("raw_today", "raw_tomorrow"), "start", "end", "value"),  # Nord Pool
    (("raw_today", "raw_tomorrow"), "hour", None, "price"),  # Energi Data Service
    (("prices_today", "prices_tomorrow"), "time", None, "price"),  # ENTSO-e, per day
    (("prices",), "time", None, "price"),  # ENTSO-e, today and tomorrow together
)


def price_slots(attributes: Mapping[str, Any]) -> tuple[PriceSlot, ...]:
    """The slots of the first format that yields any, sorted by start time; () when none does."""
    for names, start_key, end_key, value_key in _FORMATS:
        entries = [entry for name in names for entry in _as_list(attributes.get(name))]
        slots = _slots(entries, start_key, end_key, value_key)
        if slots:
            return slots
    return ()


def _as_list(value: Any) -> list[Any]:
    return list(value) if isinstance(value, list | tuple) else []


def _slots(entries: Iterable[Any], start_key: str, end_key: str | None, value_key: str) -> tuple[PriceSlot, ...]:
    read: list[tuple[datetime, datetime | None, float]] = []
    for entry in entries:
        if not isinstance(entry, Mapping):
            continue
        start, value = _time(entry.get(start_key)), _number(entry.get(value_key))
        if start is None or value is None:
            continue
        read.append((start, _time(entry.get(end_key)) if end_key else None, value))
    read.sort(key=lambda slot: slot[0])
    slots = []
    for index, (start, given_end, value) in enumerate(read):
        end = given_end or (read[index + 1][0] if index + 1 < len(read) else start + _DEFAULT_SLOT)
        if end > start:
            slots.append(PriceSlot(start=start, end=end, value=value))
    return tuple(slots)


def _time(value: Any) -> datetime | None:
    if isinstance(value, str):
        value = dt_util.parse_datetime(value)
    if not isinstance(value, datetime):
        return None
    if value.tzinfo is None:
        value = value.replace(tzinfo=dt_util.DEFAULT_TIME_ZONE)
    return dt_util.as_utc(value)


def _number(value: Any) -> float | None:
    if isinstance(value, bool):
        return None
    try:
        return float(value)
    except (TypeError, ValueError):
        return None
