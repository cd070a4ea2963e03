"""What ties tariffs to connectors: a connector names only its host's live tariffs, and at most one active
tariff per Tariff.type (OCPI 2.2.1) - two of one type may both be named when their validity periods do not
overlap, which is how a host schedules a price change. A tariff without a type counts as a type of its own."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from ..listings.tables import Connector, Evse, Location
from ..tariffs import Tariff
from ..web.errors import bad_request, conflict
from .documents import stored_tariff
from .tables import HostTariff


async def check_connector_tariffs(session: AsyncSession, host_id: int, evses: Sequence[Mapping[str, Any]]) -> None:
    """Refuses (400) a listing's tariff id that is not a live tariff of the host, or that competes with an
    earlier one of the same connector; the field is `evses[0].connectors[1].tariff_ids[0]`."""
    named = {tariff_id for evse in evses for connector in evse["connectors"] for tariff_id in _ids(connector)}
    rows = {row.id: row for row in await session.scalars(select(HostTariff).where(HostTariff.id.in_(named)))}
    for evse_index, evse in enumerate(evses):
        for connector_index, connector in enumerate(evse["connectors"]):
            accepted: list[Tariff] = []
            for index, tariff_id in enumerate(_ids(connector)):
                field = f"evses[{evse_index}].connectors[{connector_index}].tariff_ids[{index}]"
                row = rows.get(tariff_id)
                if row is None or row.host_id != host_id or row.removed_at is not None:
                    raise bad_request("unknown_tariff", f"You have no tariff {tariff_id!r}.", field)
                tariff = stored_tariff(row)
                rival = _rival(tariff, accepted)
                if rival is not None:
                    raise bad_request("tariff_type_taken", _rivalry(tariff, rival), field)
                accepted.append(tariff)


async def check_replacement_fits(session: AsyncSession, host_id: int, tariff: Tariff) -> None:
    """Refuses (409) a new version of a tariff that would compete with another tariff on a connector naming it."""
    connectors = await live_connectors_naming(session, host_id, tariff.id)
    others = {tariff_id for connector in connectors for tariff_id in connector.tariff_ids} - {tariff.id}
    rows = {row.id: row for row in await session.scalars(select(HostTariff).where(HostTariff.id.in_(others)))}
    for connector in connectors:
        rivals = [stored_tariff(rows[tariff_id]) for tariff_id in connector.tariff_ids if tariff_id in rows]
        rival = _rival(tariff, rivals)
        if rival is not None:
            raise conflict("tariff_type_taken", _rivalry(tariff, rival), "type")


async def live_connectors_naming(session: AsyncSession, host_id: int, tariff_id: str) -> list[Connector]:
    """The connectors of the host's live (not removed) listings that name the tariff."""
    connectors = await session.scalars(
        select(Connector)
        .join(Evse, Connector.evse_row_id == Evse.id)
        .join(Location, Evse.location_id == Location.id)
        .where(Location.host_id == host_id, Location.removed_at.is_(None))
    )
    return [connector for connector in connectors if tariff_id in connector.tariff_ids]


def _ids(connector: Mapping[str, Any]) -> list[str]:
    ids: list[str] = connector.get("tariff_ids", [])
    return ids


def _rival(tariff: Tariff, others: Iterable[Tariff]) -> Tariff | None:
    return next(
        (other for other in others if other.type == tariff.type and _overlap(other, tariff) and other.id != tariff.id),
        None,
    )


def _overlap(one: Tariff, other: Tariff) -> bool:
    return _before(one.start_date_time, other.end_date_time) and _before(other.start_date_time, one.end_date_time)


def _before(start: datetime | None, end: datetime | None) -> bool:
    return start is None or end is None or start < end


def _rivalry(tariff: Tariff, rival: Tariff) -> str:
    kind = "without a type" if tariff.type is None else f"of type {tariff.type.value}"
    return f"Tariffs {tariff.id!r} and {rival.id!r} are both {kind} and valid at the same time on one connector."
