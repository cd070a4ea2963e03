"""Applying what a host's Home Assistant sends, exactly once.

An up message is applied in one transaction together with its `link_received` row: either both are committed
(and the message is acknowledged) or neither is (and Home Assistant resends it). A resend of an applied message
finds the row and is acknowledged again without a second effect. A refusal (an `ApiError` from a service, a
transition the booking lifecycle does not allow) is a nack, which the sender drops; any other failure (the
database away) is answered with nothing, so the message is resent.

Status reports go in batches (`status_batches`), under the same guarantees. Acks and nacks of down messages
settle their `link_outbox` rows; a refused command tells its driver.

At most `AT_ONCE` messages of all the links are applied at a time: the others wait their turn here rather than in
the database pool, whose timeout would leave them unanswered under load, and whose last connections are kept for
the event log and the API.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
import logging

from sqlalchemy.exc import IntegrityError

from ..accounts.principal import Principal
from ..bookings.lifecycle import TransitionError
from ..web.context import Hub
from ..web.errors import ApiError, conflict
from .commands import DOWN_TYPES, command_refused
from .frames import Frame, ack_text, database_refusal, nack_text, refusal
from .status_batches import STATUS_TYPES, StatusBatches
from .tables import LinkOutbox, LinkReceived
from .up_messages import HANDLERS, Arrival

_LOGGER = logging.getLogger(__name__)
_REFUSAL_LENGTH = 300
AT_ONCE = 3


@dataclass(frozen=True, slots=True)
class Settled:
    """A down message the host answered: its sequence number, and whether it was refused."""

    seq: int
    refused: bool


class Receiver:
    def __init__(self, hub: Hub, clock: Callable[[], datetime]) -> None:
        self._hub = hub
        self._clock = clock
        self._turns = asyncio.Semaphore(AT_ONCE)
        self._statuses = StatusBatches(hub, clock, self._turns)

    async def apply(self, host: Principal, frame: Frame) -> str | None:
        """The answer to send: an ack or a nack; None when a passing failure left the message to be resent."""
        assert frame.id is not None  # parse_frame refuses an up message without one
        if frame.type in STATUS_TYPES:
            return await self._statuses.apply(host, frame)
        for attempt in (1, 2):
            try:
                async with self._turns:
                    await self._apply_once(host, frame)
            except ApiError as err:
                return nack_text(refusal(err, frame.id))
            except TransitionError as err:
                return nack_text(refusal(conflict("conflict", f"{str(err).capitalize()}."), frame.id))
            except IntegrityError:
                # Another delivery of the same message (another hub process) won the race to its row: the second
                # attempt finds the row. Twice means a rule of the database refused the change itself.
                if attempt == 2:
                    _LOGGER.warning("Link message %s of host %s refused by the database", frame.id, host.user_id)
                    return nack_text(database_refusal(frame.id))
            except Exception:
                _LOGGER.exception("Link message %s (%s) of host %s not applied", frame.id, frame.type, host.user_id)
                return None
            else:
                return ack_text(frame.id)
        return None

    async def _apply_once(self, host: Principal, frame: Frame) -> None:
        assert frame.id is not None
        now = self._clock()
        async with self._hub.db.write() as session:
            if await session.get(LinkReceived, (host.user_id, frame.id)) is not None:
                return
            await HANDLERS[frame.type](Arrival(self._hub, host, session, frame.id, now), frame.payload)
            session.add(LinkReceived(host_id=host.user_id, message_id=frame.id, applied_at=now))
            await session.flush()

    async def stopped(self) -> None:
        """Returns once the status batches under way are written."""
        await self._statuses.stopped()

    async def settle(self, host: Principal, frame: Frame) -> Settled | None:
        """An ack or nack of a down message; None for an id that is not one of this host's messages."""
        text = frame.payload["id"]
        if not text.isdigit():
            return None
        async with self._turns, self._hub.db.write() as session:
            now = self._clock()
            row = await session.get(LinkOutbox, int(text))
            if row is None or row.host_id != host.user_id:
                return None
            refused = frame.type == "nack"
            if row.acked_at is None:
                row.acked_at = now
                if refused:
                    message = str(frame.payload.get("message") or frame.payload["code"])
                    row.refusal = f"{frame.payload['code']}: {message}"[:_REFUSAL_LENGTH]
                    _LOGGER.warning("Host %s refused %s %s: %s", host.user_id, row.type, row.seq, row.refusal)
                    if row.type in DOWN_TYPES.values():
                        await command_refused(session, host.user_id, row.payload["command_id"], message, now)
            return Settled(row.seq, refused)
