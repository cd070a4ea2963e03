"""The API of privacy: download everything, delete the account."""

from __future__ import annotations

import json
from typing import Any

from aiohttp import web

from ..accounts.principal import Principal
from ..web.api import Routes
from ..web.auth import SESSION_COOKIE
from ..web.context import hub_of

routes = Routes("privacy")


@routes.operation(
    "GET",
    "/api/v1/me/export",
    summary="Everything the hub holds about the account, as one JSON file (secrets left out)",
    scope="account",
)
async def export(request: web.Request, principal: Principal | None, _body: Any) -> web.Response:
    assert principal is not None
    document = await hub_of(request).privacy.export(principal.user_id)
    return web.Response(
        text=json.dumps(document, ensure_ascii=False, indent=1),
        content_type="application/json",
        headers={"Content-Disposition": f'attachment; filename="chargeshare-{principal.user_id}.json"'},
    )


@routes.operation(
    "DELETE",
    "/api/v1/me",
    summary="Delete the account: open bookings canceled, listings removed, personal data erased; "
    "CDRs, fees and others' reviews kept under an anonymous account",
    scope="account",
    body={
        "type": "object",
        "additionalProperties": False,
        "required": ["password"],
        "properties": {"password": {"type": "string", "maxLength": 1024}},
    },
    responses={204: "Deleted", 403: "Wrong password", 409: "A charging session is still running"},
)
async def delete_account(request: web.Request, principal: Principal | None, body: Any) -> web.Response:
    assert principal is not None
    await hub_of(request).privacy.delete_account(principal, body["password"])
    response = web.Response(status=204)
    response.del_cookie(SESSION_COOKIE, path="/")
    return response
