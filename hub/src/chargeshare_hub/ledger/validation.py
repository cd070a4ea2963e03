"""Money as requests send it, checked before it reaches the ledger: an amount is a positive whole number of minor
units, a currency an ISO 4217 code. The refusals are 400s naming the field."""

from __future__ import annotations

from typing import Any

from ..tariffs.money import minor_unit_exponent
from ..web.errors import bad_request

# 10^12 minor units (ten billion euros) is far beyond any charge; the bound keeps every running balance well
# inside the 64-bit integers both databases store.
MAX_AMOUNT = 10**12


def check_amount(value: Any, field: str = "amount") -> int:
    if isinstance(value, bool) or not isinstance(value, int) or not 1 <= value <= MAX_AMOUNT:
        raise bad_request("invalid_amount", f"{field} is a whole number of minor units, 1 to {MAX_AMOUNT}.", field)
    return value


def check_currency(value: Any, field: str = "currency") -> str:
    if isinstance(value, str) and len(value) == 3 and value.isascii() and value.isupper():
        try:
            minor_unit_exponent(value)
        except ValueError:
            pass
        else:
            return value
    raise bad_request("invalid_currency", f"{field} is an ISO 4217 currency code, such as EUR.", field)
