"""Repeated fault reports lower a listing in search: the rule, as data, and when a listing's penalty ends.

A listing is penalised while at least `reporters` different drivers reported a fault there within `window`
(the host's own reports do not count: a host marking a charger broken is being honest, not unlucky). Reports
are only ever added, so the penalty known after the latest report holds until a fixed moment, which the search
read model stores and compares with the time of each search (`search.read_model.set_fault_penalty`).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta


@dataclass(frozen=True, slots=True)
class PenaltyRule:
    reporters: int
    window: timedelta

    def penalised_until(self, reports: Iterable[tuple[int, datetime]]) -> datetime | None:
        """The moment the penalty of these (reporter, reported at) ends; None when they never earned one.

        At time t the listing is penalised when `reporters` reporters each have a report after t - window: that
        is, while t is before the window's end after the `reporters`-th most recent reporter's latest report.
        """
        latest: dict[int, datetime] = {}
        for reporter, at in reports:
            latest[reporter] = max(at, latest.get(reporter, at))
        if len(latest) < self.reporters:
            return None
        return sorted(latest.values(), reverse=True)[self.reporters - 1] + self.window


SEARCH_PENALTY = PenaltyRule(reporters=2, window=timedelta(days=90))
