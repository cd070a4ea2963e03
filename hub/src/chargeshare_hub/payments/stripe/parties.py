"""Reading and saving an account's Stripe ids (parties_tables.py), each save in the caller's transaction."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy.ext.asyncio import AsyncSession

from ...db.dialects import conflict_insert
from .parties_tables import StripeParty


async def party_of(session: AsyncSession, user_id: int) -> StripeParty | None:
    return await session.get(StripeParty, user_id)


async def save_card(session: AsyncSession, user_id: int, customer: str, payment_method: str, at: datetime) -> None:
    """The driver's card from now on, in place of any saved before."""
    await _save(session, user_id, {"customer_id": customer, "payment_method_id": payment_method}, at)


async def save_account(session: AsyncSession, user_id: int, account: str, at: datetime) -> None:
    """The host's Connect account from now on."""
    await _save(session, user_id, {"connected_account_id": account}, at)


async def _save(session: AsyncSession, user_id: int, values: dict[str, str], at: datetime) -> None:
    # One statement: two saves of one account at once (two tabs) both land, neither fails on the primary key.
    changes = {**values, "updated_at": at}
    await session.execute(
        conflict_insert(session, StripeParty)
        .values(user_id=user_id, **changes)
        .on_conflict_do_update(index_elements=[StripeParty.user_id], set_=changes)
    )
