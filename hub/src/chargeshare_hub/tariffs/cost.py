"""The price of a session: totals, and how each dimension contributed."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from .model import Dimension


@dataclass(frozen=True, slots=True)
class DimensionCost:
    """One dimension of the reservation or of the session, after rounding up to the step size.

    `quantity` is in the unit step_size counts: Wh for ENERGY, seconds for TIME and PARKING_TIME, 1 for FLAT.
    """

    dimension: Dimension
    reservation: bool  # priced the reservation rather than the charging session
    quantity: Decimal
    excl_vat: Decimal
    incl_vat: Decimal | None  # None when a component used has no VAT given


@dataclass(frozen=True, slots=True)
class Cost:
    """Amounts in `currency`, unrounded: see `to_minor_units` for what gets stored."""

    currency: str
    excl_vat: Decimal
    incl_vat: Decimal | None
    dimensions: tuple[DimensionCost, ...]
    min_price_applied: bool = False
    max_price_applied: bool = False
