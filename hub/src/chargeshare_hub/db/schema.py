"""Every table of the hub, gathered on one metadata (what migrations are checked against)."""

from __future__ import annotations

from ..accounts import tables as accounts_tables
from ..bookings import tables as bookings_tables
from ..charging import tables as charging_tables
from ..listings import tables as listings_tables
from ..search import tables as search_tables
from ..tariff_catalog import tables as tariff_catalog_tables
from .base import Base

metadata = Base.metadata

__all__ = [
    "accounts_tables",
    "bookings_tables",
    "charging_tables",
    "listings_tables",
    "metadata",
    "search_tables",
    "tariff_catalog_tables",
]
