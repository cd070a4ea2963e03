"""Why the ledger refuses a posting.

A posting that breaks double entry (unbalanced, a zero line, a line in another currency than its account) is a
mistake in the flow that built it, not in anyone's request: `LedgerError`, a ValueError the API answers with 500
and nothing written. What a user can cause is an `ApiError`: too little in a wallet, a second reversal.
"""

from __future__ import annotations

from ..web.errors import ApiError, conflict


class LedgerError(ValueError):
    def __init__(self, code: str, message: str) -> None:
        super().__init__(f"{code}: {message}")
        self.code = code


class InsufficientFunds(ApiError):
    """The posting would take an account that may not go negative (a driver's wallet) below zero."""

    def __init__(self, account_id: int, currency: str, holding: int, needed: int) -> None:
        super().__init__(
            409,
            "insufficient_funds",
            f"The wallet holds {holding} (minor units of {currency}); this needs {needed}.",
            "amount",
        )
        self.account_id = account_id
        self.holding = holding
        self.needed = needed


def already_reversed() -> ApiError:
    return conflict("already_reversed", "This posting was reversed already; a posting is reversed at most once.")


def reversal_of_reversal() -> ApiError:
    return conflict("reversal_of_reversal", "This posting is a reversal; post the correction anew instead.")
