"""Waking this process's listeners once a transaction that did something they wait for has committed.

What a transaction writes may be read only once it commits, so the wake-up hangs on the session's commit, not on
the call that wrote it; a rollback forgets the mark. Every listener of the process is woken (tests run several
hubs in one process): one with nothing to do just finds nothing. Other processes find the rows at their next
periodic pass.
"""

from __future__ import annotations

from collections.abc import Callable

from sqlalchemy import event
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import Session

_SIGNALS: list[CommitSignal] = []


class CommitSignal:
    def __init__(self, name: str) -> None:
        self._key = f"chargeshare_{name}"
        self._wakers: set[Callable[[], None]] = set()
        _SIGNALS.append(self)

    def mark(self, session: AsyncSession) -> None:
        """Wake the listeners when `session`'s transaction commits."""
        session.info[self._key] = True

    def add_waker(self, wake: Callable[[], None]) -> None:
        self._wakers.add(wake)

    def remove_waker(self, wake: Callable[[], None]) -> None:
        self._wakers.discard(wake)

    def _committed(self, session: Session) -> None:
        if session.info.pop(self._key, False):
            for wake in list(self._wakers):
                wake()

    def _rolled_back(self, session: Session) -> None:
        session.info.pop(self._key, None)


@event.listens_for(Session, "after_commit")
def _after_commit(session: Session) -> None:
    for signal in _SIGNALS:
        signal._committed(session)


@event.listens_for(Session, "after_rollback")
def _after_rollback(session: Session) -> None:
    for signal in _SIGNALS:
        signal._rolled_back(session)
