"""The kinds of ledger account, and the rules each kind brings: whose it is, which side it grows on, whether it
may go below zero.

Amounts are stored signed, a debit positive and a credit negative, so that every posting sums to zero. What an
account holds is read on its own normal side: a driver's wallet and a host's payable are the platform's debts
(credit-normal: a top-up credits the wallet), the processor's clearing account and the driver's receivable are
what it is owed (debit-normal); `holding()` turns a stored sum into that figure.
"""

from __future__ import annotations

from enum import StrEnum


class AccountKind(StrEnum):
    DRIVER_WALLET = "driver_wallet"  # prepaid money a driver has with the platform
    DRIVER_RECEIVABLE = "driver_receivable"  # what a driver owes for charging, until captured
    HOST_PAYABLE = "host_payable"  # what the platform owes a host, until paid out
    PLATFORM_FEE_REVENUE = "platform_fee_revenue"
    PROCESSOR_CLEARING = "processor_clearing"  # money at the payment provider, not yet paid out
    PROCESSOR_FEES = "processor_fees"  # what the provider kept

    @property
    def per_user(self) -> bool:
        """Whether an account of this kind belongs to one user (else there is one per currency)."""
        return self in _PER_USER

    @property
    def credit_normal(self) -> bool:
        return self in _CREDIT_NORMAL

    @property
    def never_negative(self) -> bool:
        """Whether the ledger refuses a posting that would take this account below zero."""
        return self is AccountKind.DRIVER_WALLET

    def holding(self, stored_sum: int) -> int:
        """What an account of this kind holds, given the sum of its signed (debit-positive) amounts."""
        return -stored_sum if self.credit_normal else stored_sum


_PER_USER = frozenset({AccountKind.DRIVER_WALLET, AccountKind.DRIVER_RECEIVABLE, AccountKind.HOST_PAYABLE})
_CREDIT_NORMAL = frozenset({AccountKind.DRIVER_WALLET, AccountKind.HOST_PAYABLE, AccountKind.PLATFORM_FEE_REVENUE})

KINDS_SQL = ", ".join(f"'{kind.value}'" for kind in AccountKind)
PLATFORM_KINDS_SQL = ", ".join(f"'{kind.value}'" for kind in AccountKind if not kind.per_user)
