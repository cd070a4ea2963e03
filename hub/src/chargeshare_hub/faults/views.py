"""A fault report as JSON. Who reported it is the host's and admins' business only as "a driver" or "the host";
admins, who deal with abuse, also see the account."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from ..listings.ocpi_json import ocpi_time
from .categories import CATEGORIES
from .tables import FaultReport


@dataclass(frozen=True, slots=True)
class FaultView:
    report: FaultReport
    evse_uid: str


def fault_json(view: FaultView, *, base_url: str, show_reporter: bool) -> dict[str, Any]:
    report = view.report
    document: dict[str, Any] = {
        "id": report.id,
        "location_id": report.location_id,
        "evse_uid": view.evse_uid,
        "category": report.category,
        "ocm_checkin_status": CATEGORIES[report.category],
        "description": report.description,
        "status": "OPEN" if report.fixed_at is None else "FIXED",
        "reported_by": "HOST" if report.by_host else "DRIVER",
        "reported_at": ocpi_time(report.created_at),
        "fixed_at": None if report.fixed_at is None else ocpi_time(report.fixed_at),
        "photo_url": None if report.photo_file is None else f"{base_url}{fault_path(report)}/photo",
    }
    if show_reporter:
        document["reporter_id"] = report.reporter_id
    return document


def fault_path(report: FaultReport) -> str:
    return f"/api/v1/listings/{report.location_id}/faults/{report.id}"
