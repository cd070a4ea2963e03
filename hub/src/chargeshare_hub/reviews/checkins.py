"""A driver's check-in outcome: Open Charge Map's CheckinStatusType list, ids and titles as OCM has them.

`positive` is OCM's IsPositive. The automated outcome (15) is what a charger's own report would say, so a
driver does not pick it.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class CheckinStatus:
    id: int
    title: str
    positive: bool
    automated: bool = False


CHECKIN_STATUSES: tuple[CheckinStatus, ...] = (
    CheckinStatus(0, "Did Not Visit", positive=False),
    CheckinStatus(10, "Charged Successfully", positive=True),
    CheckinStatus(15, "Charged Successfully (Automated)", positive=True, automated=True),
    CheckinStatus(20, "Failed - Equipment Not Operational", positive=False),
    CheckinStatus(22, "Not Fully Installed", positive=False),
    CheckinStatus(25, "Equipment Problem", positive=False),
    CheckinStatus(30, "Not Compatible", positive=False),
    CheckinStatus(40, "Required Other Access Card", positive=False),
    CheckinStatus(50, "No Equipment Present", positive=False),
    CheckinStatus(100, "Spot In Use - Other EV", positive=True),
    CheckinStatus(110, "In Use - Non-EV (ICEd)", positive=False),
    CheckinStatus(120, "Not Accessible (locked/closed)", positive=False),
    CheckinStatus(130, "Not Found", positive=False),
    CheckinStatus(140, "Equipment & Location Confirmed", positive=True),
    CheckinStatus(150, "Duplicate", positive=False),
    CheckinStatus(160, "Decommissioned", positive=False),
    CheckinStatus(200, "Other (Negative)", positive=False),
    CheckinStatus(210, "Other (Positive)", positive=True),
)
BY_ID = {status.id: status for status in CHECKIN_STATUSES}
DRIVER_CHOICES = tuple(status.id for status in CHECKIN_STATUSES if not status.automated)


def checkin_json(status: CheckinStatus) -> dict[str, object]:
    return {"id": status.id, "title": status.title, "positive": status.positive}
