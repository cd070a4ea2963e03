"""Who pays whom at Stripe: each account's Stripe ids, as the hub's pages and Stripe.js gave them.

A driver's saved card is a Customer with a PaymentMethod (a SetupIntent confirmed in the browser), which holds are
placed with off session; a host's Connect account is where Stripe transfers their share of each captured hold.
An account has one row, with either or both.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import CheckConstraint, ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column

from ...db.base import Base, UtcDateTime

STRIPE_ID_MAX = 255


class StripeParty(Base):
    __tablename__ = "stripe_parties"
    # A card is a customer's payment method: saved together or not at all.
    __table_args__ = (CheckConstraint("(customer_id IS NULL) = (payment_method_id IS NULL)", name="card"),)

    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), primary_key=True)
    customer_id: Mapped[str | None] = mapped_column(String(STRIPE_ID_MAX))  # cus_...
    payment_method_id: Mapped[str | None] = mapped_column(String(STRIPE_ID_MAX))  # pm_...
    connected_account_id: Mapped[str | None] = mapped_column(String(STRIPE_ID_MAX))  # acct_...
    updated_at: Mapped[datetime] = mapped_column(UtcDateTime)
