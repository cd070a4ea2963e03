"""The hub's payment settings as the flows use them: when a hold is placed and how large it may be, when an idle
session voids it, and the platform's fee."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

from ..config import HubConfig

BASIS_POINTS = 10_000


@dataclass(frozen=True, slots=True)
class PaymentRules:
    hold_lead: timedelta  # a hold is placed this long before the slot starts
    hold_cap_minor: int  # the most a hold reserves, whatever the estimate
    void_after: timedelta  # a session that drew no energy this long after its start voids the hold
    fee_bps: int  # the platform's share of every charge, in basis points
    fee_flat_minor: int  # and a flat amount per charging session

    @classmethod
    def from_config(cls, config: HubConfig) -> PaymentRules:
        return cls(
            hold_lead=timedelta(minutes=config.payment_hold_lead_minutes),
            hold_cap_minor=config.payment_hold_cap_minor,
            void_after=timedelta(minutes=config.payment_void_after_minutes),
            fee_bps=config.platform_fee_bps,
            fee_flat_minor=config.platform_fee_flat_minor,
        )

    def session_fee(self, amount: int) -> int:
        """The platform's fee on a captured session: the share and the flat amount, never more than the amount."""
        return min(amount, amount * self.fee_bps // BASIS_POINTS + self.fee_flat_minor)

    def booking_fee_share(self, amount: int) -> int:
        """The platform's fee on a booking or no-show fee (or a refund of one): the share only, since the flat
        amount is per charging session."""
        return amount * self.fee_bps // BASIS_POINTS
