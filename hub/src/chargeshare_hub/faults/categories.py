"""What a fault report can say is wrong: a few of Open Charge Map's negative check-in outcomes, those that mean
the charger cannot be used (`shared/reference/hub.md` §3.2, CheckinStatusType), so reports map onto OCM's."""

from __future__ import annotations

# category -> OCM CheckinStatusType id
CATEGORIES: dict[str, int] = {
    "EQUIPMENT_NOT_OPERATIONAL": 20,  # "Failed - Equipment Not Operational"
    "EQUIPMENT_PROBLEM": 25,  # damaged cable or socket, charging stops or never starts
    "NO_EQUIPMENT": 50,  # "No Equipment Present"
    "NOT_ACCESSIBLE": 120,  # "Not Accessible (locked/closed)": a gate or garage the driver could not get through
    "OTHER": 200,  # "Other (Negative)": the description says what
}
