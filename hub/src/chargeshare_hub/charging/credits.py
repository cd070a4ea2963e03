"""Refunds as credit CDRs (OCPI 2.2.1): a new, immutable CDR with `credit: true`, `credit_reference_id` naming
the original and negative totals. Credits never add up to more than the driver paid: the total incl. VAT, or
excl. VAT when the VAT was not known."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from ..listings.ocpi_json import ocpi_time
from ..web.errors import conflict
from .ocpi_json import price_json
from .tables import Cdr

MAX_CREDITS = 9  # ids `-C1` to `-C9` fit OCPI's 39 characters after a 36-character CDR id
_MIRRORED = ("total_energy", "total_time", "total_parking_time")
_COSTS = ("total_fixed_cost", "total_energy_cost", "total_time_cost", "total_parking_cost", "total_reservation_cost")


@dataclass(frozen=True, slots=True)
class CreditAmounts:
    """What one credit gives back, in minor units, as positive numbers."""

    excl_vat: int
    incl_vat: int | None
    whole: bool  # the credit reverses the whole charge at once


def paid(cdr: Cdr) -> int:
    return cdr.total_cost_excl_minor if cdr.total_cost_incl_minor is None else cdr.total_cost_incl_minor


def credit_amounts(original: Cdr, earlier: Sequence[Cdr], amount: int | None) -> CreditAmounts:
    """The next credit of `amount` (None: all that is left); 409 when that is more than is left."""
    if len(earlier) >= MAX_CREDITS:
        raise conflict("too_many_credits", f"A CDR takes at most {MAX_CREDITS} credits.")
    left = paid(original) + sum(paid(credit) for credit in earlier)  # credits are negative
    wanted = left if amount is None else amount
    if wanted <= 0 or wanted > left:
        raise conflict("over_refund", f"At most {left} (minor units) of this CDR can still be credited.", "amount")
    if wanted == left:  # the rest, exactly: excl. VAT too, so that the credits cancel the charge to the unit
        excl = original.total_cost_excl_minor + sum(credit.total_cost_excl_minor for credit in earlier)
    elif original.total_cost_incl_minor is None:
        excl = wanted
    else:
        share = Decimal(wanted) * original.total_cost_excl_minor / original.total_cost_incl_minor
        excl = int(share.quantize(Decimal(1), rounding=ROUND_HALF_UP))
    incl = None if original.total_cost_incl_minor is None else wanted
    return CreditAmounts(excl, incl, whole=not earlier and wanted == paid(original))


def credit_document(
    original: Cdr, credit_id: str, amounts: CreditAmounts, reason: str, now: datetime
) -> dict[str, Any]:
    """The credit CDR: the original's session, token, location, tariffs and periods, with negative totals.
    A whole reversal mirrors every total; a partial one gives back money only."""
    document = {key: value for key, value in original.document.items() if key not in _COSTS}
    incl = None if amounts.incl_vat is None else -amounts.incl_vat
    document |= {
        "id": credit_id,
        "total_cost": price_json(-amounts.excl_vat, incl, original.currency),
        "remark": reason,
        "credit": True,
        "credit_reference_id": original.id,
        "last_updated": ocpi_time(now),
    }
    for key in (*_MIRRORED, *_COSTS):
        if key in original.document and amounts.whole:
            document[key] = _negated(original.document[key])
        elif key in _MIRRORED and key in document:
            document[key] = 0
    return document


def _negated(value: Any) -> Any:
    if isinstance(value, dict):
        return {key: _negated(item) for key, item in value.items()}
    return -value if value else value
