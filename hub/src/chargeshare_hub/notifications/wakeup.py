"""Waking the mail senders of this process when a transaction that queued mail has committed.

An email queued in a transaction may be sent only once that transaction commits, so the wake-up hangs on the
session's commit, not on the call that queued it. Every running sender of the process is woken: one with nothing
to send just finds nothing (tests may run several hubs in one process); senders of other processes find the
mail at their next periodic pass.
"""

from __future__ import annotations

from collections.abc import Callable

from sqlalchemy import event
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import Session

_QUEUED = "chargeshare_mail_queued"
_wakers: set[Callable[[], None]] = set()


def mail_queued(session: AsyncSession) -> None:
    """Marks `session`'s transaction as one that queued mail."""
    session.info[_QUEUED] = True


def add_waker(wake: Callable[[], None]) -> None:
    _wakers.add(wake)


def remove_waker(wake: Callable[[], None]) -> None:
    _wakers.discard(wake)


@event.listens_for(Session, "after_commit")
def _after_commit(session: Session) -> None:
    if session.info.pop(_QUEUED, False):
        for wake in list(_wakers):
            wake()


@event.listens_for(Session, "after_rollback")
def _after_rollback(session: Session) -> None:
    session.info.pop(_QUEUED, None)
