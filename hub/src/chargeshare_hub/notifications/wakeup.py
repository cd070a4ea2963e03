"""Waking the mail senders of this process when a transaction that queued mail has committed: an email queued in
a transaction may be sent only once that transaction commits. Senders of other processes find the mail at their
next periodic pass."""

from __future__ import annotations

from ..db.commit_signal import CommitSignal

MAIL_QUEUED = CommitSignal("mail_queued")
