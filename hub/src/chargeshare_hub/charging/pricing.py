"""Which tariff prices a session, and what the session costs under it.

A connector may name several tariffs, at most one per Tariff.type at a time (see tariff_catalog.checks). The
hub prices its own sessions with the connector's REGULAR tariff, or its untyped one (valid for all sessions),
whichever comes first; failing both, with the first tariff named. The tariffs valid at the start are copied
into the session then, and only those copies are used: OCPI forbids changing the tariff mid-session.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from ..tariffs import Cost, Tariff, TariffType, Usage, price
from .metering import Stretch

# The currency of a session no tariff prices; it costs nothing in any currency.
FREE_CURRENCY = "EUR"


def valid_at(documents: Sequence[dict[str, Any]], at: datetime) -> list[dict[str, Any]]:
    """The tariffs (OCPI documents) whose validity period contains `at`."""
    return [document for document in documents if _valid(Tariff.from_ocpi(document), at)]


def pricing_tariff(documents: Sequence[dict[str, Any]]) -> Tariff | None:
    tariffs = [Tariff.from_ocpi(document) for document in documents]
    regular = (tariff for tariff in tariffs if tariff.type in (None, TariffType.REGULAR))
    return next(regular, tariffs[0] if tariffs else None)


def session_cost(tariff: Tariff, time_zone: str, start: datetime, pieces: Sequence[Stretch]) -> Cost:
    return price(tariff, Usage(time_zone, start, tuple(piece.period for piece in pieces)))


def _valid(tariff: Tariff, at: datetime) -> bool:
    after_start = tariff.start_date_time is None or tariff.start_date_time <= at
    return after_start and (tariff.end_date_time is None or at < tariff.end_date_time)
