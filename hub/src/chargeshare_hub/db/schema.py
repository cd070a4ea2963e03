"""Every table of the hub, gathered on one metadata (what migrations are checked against)."""

from __future__ import annotations

from ..accounts import tables as accounts_tables
from ..listings import tables as listings_tables
from .base import Base

metadata = Base.metadata

__all__ = ["accounts_tables", "listings_tables", "metadata"]
