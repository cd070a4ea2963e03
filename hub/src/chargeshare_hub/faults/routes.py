"""The API of fault reports: drivers report, hosts see and fix, reporters follow their own.

A report is sent as JSON or a form (`category`, `description`), multipart with a `photo` file (JPEG, PNG or
WebP, at most `photo_max_bytes`, as listing photos). Nothing in it names the reporter.
"""

from __future__ import annotations

from typing import Any

from aiohttp import hdrs, web

from ..accounts.principal import Principal
from ..web.api import Routes
from ..web.context import hub_of
from ..web.errors import bad_request, not_found
from .categories import CATEGORIES
from .upload import read_report
from .views import FaultView, fault_json

routes = Routes("faults")

_LISTING_FAULTS = "/api/v1/listings/{location_id}/faults"
_FAULT = _LISTING_FAULTS + "/{fault_id}"


@routes.operation(
    "POST",
    "/api/v1/listings/{location_id}/evses/{evse_uid}/faults",
    summary="Report a fault of an EVSE (a driver who booked it or charged there in the last 30 days, or its "
    f"host): JSON or a form (multipart with a photo) with category ({', '.join(CATEGORIES)}), description and "
    "an optional photo file; the EVSE is out of order until the host confirms the fix",
    scope="bookings",
    responses={
        201: "Reported",
        403: "Not a driver of this charger",
        409: "An open report of yours exists",
        413: "Photo too large",
        415: "Not JSON or a form, or the photo not a JPEG, PNG or WebP image",
    },
)
async def report_fault(request: web.Request, principal: Principal | None, _body: Any) -> web.Response:
    assert principal is not None
    hub = hub_of(request)
    form = await read_report(request, hub.config.photo_max_bytes)
    view = await hub.faults.report(principal, request.match_info["location_id"], request.match_info["evse_uid"], form)
    return _fault_response(request, principal, view, status=201)


@routes.operation(
    "GET",
    _LISTING_FAULTS,
    summary="A listing's fault reports, newest first: all of them for its host and admins, one's own for others",
    scope="bookings",
    query=({"name": "status", "schema": {"type": "string", "enum": ["OPEN"]}, "description": "only open ones"},),
)
async def list_listing_faults(request: web.Request, principal: Principal | None, _body: Any) -> web.Response:
    assert principal is not None
    status = request.query.get("status")
    if status not in (None, "OPEN"):
        raise bad_request("invalid", "status=OPEN is the only status filter.", "status")
    views = await hub_of(request).faults.of_listing(
        principal, request.match_info["location_id"], open_only=status == "OPEN"
    )
    return _faults_response(request, principal, views)


@routes.operation("GET", "/api/v1/faults", summary="The fault reports one made, newest first", scope="bookings")
async def list_own_faults(request: web.Request, principal: Principal | None, _body: Any) -> web.Response:
    assert principal is not None
    return _faults_response(request, principal, await hub_of(request).faults.mine(principal))


@routes.operation("GET", _FAULT, summary="A fault report (its reporter, the host, admins)", scope="bookings")
async def get_fault(request: web.Request, principal: Principal | None, _body: Any) -> web.Response:
    assert principal is not None
    view = await hub_of(request).faults.get(
        principal, request.match_info["location_id"], request.match_info["fault_id"]
    )
    return _fault_response(request, principal, view)


@routes.operation(
    "GET", f"{_FAULT}/photo", summary="A fault report's photo (its reporter, the host, admins)", scope="bookings",
    responses={200: "The image"},
)  # fmt: skip
async def get_fault_photo(request: web.Request, principal: Principal | None, _body: Any) -> web.StreamResponse:
    assert principal is not None
    found = await hub_of(request).faults.photo(
        principal, request.match_info["location_id"], request.match_info["fault_id"]
    )
    if not found.path.is_file():
        raise not_found("photo")
    headers = {hdrs.CONTENT_TYPE: found.content_type, "X-Content-Type-Options": "nosniff", "Cache-Control": "private"}
    return web.FileResponse(found.path, headers=headers)


@routes.operation(
    "POST",
    f"{_FAULT}/fix",
    summary="Confirm a fault fixed (the listing's host): the EVSE is AVAILABLE again once no report of it is open",
    scope="listings",
    responses={200: "Fixed", 403: "Not the listing's host", 409: "Fixed already"},
)
async def fix_fault(request: web.Request, principal: Principal | None, _body: Any) -> web.Response:
    assert principal is not None
    view = await hub_of(request).faults.fix(
        principal, request.match_info["location_id"], request.match_info["fault_id"]
    )
    return _fault_response(request, principal, view)


def _fault_response(request: web.Request, principal: Principal, view: FaultView, *, status: int = 200) -> web.Response:
    document = fault_json(view, base_url=hub_of(request).config.base_url, show_reporter=principal.is_admin)
    return web.json_response(document, status=status)


def _faults_response(request: web.Request, principal: Principal, views: list[FaultView]) -> web.Response:
    base_url = hub_of(request).config.base_url
    return web.json_response(
        {"faults": [fault_json(view, base_url=base_url, show_reporter=principal.is_admin) for view in views]}
    )
