"""The links' status reports (`evse.status`, and `fault`: OUTOFORDER), applied in batches.

Statuses are most of what thousands of links send. All the reports that arrive while a batch is being written
make the next one: one transaction, a few statements (`listings.live_statuses`), one commit. A quiet hub writes
batches of one, as soon as a report arrives; a busy one writes bigger ones and keeps up. Each report keeps the
guarantees of every up message (`receiver`): applied exactly once with its `link_received` row, acked after the
commit, nacked when refused (which changes nothing, for it or for the others of its batch), left unanswered (to
be resent) when the database fails. A batch that fails as a whole is tried again report by report, so one report's
trouble (another hub process applying the same message first) does not hold back the others.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
import contextlib
from dataclasses import dataclass, field
from datetime import datetime
import logging

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from ..accounts.principal import Principal
from ..listings.live_statuses import LiveReport
from ..web.context import Hub
from ..web.errors import ApiError
from .frames import Frame, ack_text, database_refusal, link_time, nack_text, parse_time, refusal
from .sharing import report_statuses
from .tables import LinkReceived

_LOGGER = logging.getLogger(__name__)
STATUS_TYPES = frozenset({"evse.status", "fault"})
FAULT_STATUS = "OUTOFORDER"
MAX_BATCH = 500  # reports in one transaction: a batch still commits in well under a second


@dataclass(slots=True)
class _Waiting:
    host: Principal
    frame: Frame
    answer: asyncio.Future[str | None] = field(default_factory=lambda: asyncio.get_running_loop().create_future())

    @property
    def key(self) -> tuple[int, str]:
        assert self.frame.id is not None  # parse_frame refuses an up message without one
        return self.host.user_id, self.frame.id


class StatusBatches:
    def __init__(self, hub: Hub, clock: Callable[[], datetime], turns: asyncio.Semaphore) -> None:
        self._hub = hub
        self._clock = clock
        self._turns = turns  # shared with the receiver's other messages
        self._waiting: list[_Waiting] = []
        self._writing: asyncio.Task[None] | None = None

    async def apply(self, host: Principal, frame: Frame) -> str | None:
        """The answer to send once the report's batch is written: an ack or a nack; None to leave it resent."""
        waiting = _Waiting(host, frame)
        self._waiting.append(waiting)
        if self._writing is None:
            self._writing = asyncio.create_task(self._write_batches(), name="link status batches")
        return await waiting.answer

    async def stopped(self) -> None:
        """Returns once the batches under way are written: the database may be closed then."""
        if self._writing is not None:
            with contextlib.suppress(Exception):
                await asyncio.shield(self._writing)

    async def _write_batches(self) -> None:
        batch: list[_Waiting] = []
        try:
            while self._waiting:
                batch, self._waiting = self._waiting[:MAX_BATCH], self._waiting[MAX_BATCH:]
                for waiting, answer in zip(batch, await self._answers(batch), strict=True):
                    if not waiting.answer.done():  # its connection may have stopped waiting
                        waiting.answer.set_result(answer)
        finally:
            self._writing = None
            for waiting in [*batch, *self._waiting]:  # only when cancelled: unanswered, so resent
                if not waiting.answer.done():
                    waiting.answer.set_result(None)

    async def _answers(self, batch: list[_Waiting], attempt: int = 1) -> list[str | None]:
        try:
            async with self._turns:
                return await self._write(batch)
        except Exception as err:
            if len(batch) > 1:
                return [answer for waiting in batch for answer in await self._answers([waiting])]
            message_id = batch[0].key[1]
            if isinstance(err, IntegrityError):
                # Another hub process won the race to the message's row: the second attempt finds it. Twice means
                # a rule of the database refused the change itself.
                if attempt == 1:
                    return await self._answers(batch, 2)
                _LOGGER.warning("Link message %s of host %s refused by the database", message_id, batch[0].key[0])
                return [nack_text(database_refusal(message_id))]
            _LOGGER.exception("Link message %s of host %s not applied", message_id, batch[0].key[0])
            return [None]

    async def _write(self, batch: list[_Waiting]) -> list[str | None]:
        now = self._clock()
        answers: dict[tuple[int, str], str] = {}
        reports: list[tuple[_Waiting, LiveReport]] = []
        seen: set[tuple[int, str]] = set()
        async with self._hub.db.write() as session:
            applied = await _applied_before(session, batch)
            for waiting in batch:
                message_id = waiting.key[1]
                if waiting.key in seen:  # twice in one batch: one effect, one answer
                    continue
                seen.add(waiting.key)
                if waiting.key in applied:  # a resend: acknowledged again, without a second effect
                    answers[waiting.key] = ack_text(message_id)
                    continue
                try:
                    reports.append((waiting, _report(waiting, now)))
                except ApiError as err:
                    answers[waiting.key] = nack_text(refusal(err, message_id))
            outcomes = await report_statuses(session, [report for _, report in reports], now)
            for (waiting, _), outcome in zip(reports, outcomes, strict=True):
                host_id, message_id = waiting.key
                if isinstance(outcome, ApiError):
                    answers[waiting.key] = nack_text(refusal(outcome, message_id))
                else:
                    session.add(LinkReceived(host_id=host_id, message_id=message_id, applied_at=now))
                    answers[waiting.key] = ack_text(message_id)
            await session.flush()
        return [answers[waiting.key] for waiting in batch]


def _report(waiting: _Waiting, now: datetime) -> LiveReport:
    payload = waiting.frame.payload
    if waiting.frame.type == "fault":  # the charger said so now: OUTOFORDER until a later status says otherwise
        status, at = FAULT_STATUS, link_time(now)
    else:
        status, at = payload["status"], parse_time(payload["changed_at"], "changed_at")
    return LiveReport(waiting.host.user_id, payload["location_id"], payload["evse_uid"], status, at)


async def _applied_before(session: AsyncSession, batch: list[_Waiting]) -> set[tuple[int, str]]:
    """The batch's messages applied already (their resends)."""
    rows = await session.execute(
        select(LinkReceived.host_id, LinkReceived.message_id).where(
            LinkReceived.message_id.in_(sorted({waiting.key[1] for waiting in batch}))
        )
    )
    return set(rows.tuples())
