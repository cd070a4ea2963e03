"""An EVSE with an open fault report stays OUTOFORDER whatever else writes its status (the host's listing update,
a live status from Home Assistant), until the host confirms the fix: the report, not the last writer, decides.
Only REMOVED, the host retiring the EVSE, goes further.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from ..listings.rows import set_status
from ..listings.tables import Evse
from .tables import FaultReport

OUT_OF_ORDER = "OUTOFORDER"


async def hold_faulted_evses(session: AsyncSession, location_ids: Sequence[str], now: datetime) -> None:
    """Puts the listings' EVSEs with an open fault (back) to OUTOFORDER; call after writing their statuses."""
    faulted = await session.scalars(
        select(Evse).where(
            Evse.location_id.in_(location_ids),
            Evse.status.not_in((OUT_OF_ORDER, "REMOVED")),
            Evse.id.in_(select(FaultReport.evse_row_id).where(FaultReport.fixed_at.is_(None))),
        )
    )
    for evse in faulted:
        set_status(evse, OUT_OF_ORDER, now, live=False)
    await session.flush()


async def has_open_fault(session: AsyncSession, evse_row_id: int) -> bool:
    found = await session.scalar(
        select(FaultReport.id).where(FaultReport.evse_row_id == evse_row_id, FaultReport.fixed_at.is_(None)).limit(1)
    )
    return found is not None
