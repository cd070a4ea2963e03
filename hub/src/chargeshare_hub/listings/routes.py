"""The API of listings: a host's Locations (OCPI 2.2.1 shape), replaced whole with PUT, and their photos.

The route declares the body only as an object: the listing is checked by `validation`, whose refusals name
the field as `evses[0].connectors[1].max_amperage` (see `location_schema` for the full schema).
"""

from __future__ import annotations

from typing import Any

from aiohttp import BodyPartReader, StreamReader, hdrs, web

from ..accounts.principal import Principal
from ..trust.badge import host_json
from ..web.api import Routes
from ..web.context import hub_of
from ..web.errors import ApiError, bad_request, not_found
from .enums import IMAGE_CATEGORIES
from .ocpi_json import LoadedListing, listing_json, photo_json

routes = Routes("listings")

_LISTING_BODY = {
    "type": "object",
    "description": "An OCPI 2.2.1 Location with its EVSEs and Connectors, plus access_instructions, house_rules; "
    "publish_allowed_to lists invited drivers by email address or account id.",
}
_LISTING = "/api/v1/listings/{location_id}"
_PHOTO = "/api/v1/listings/{location_id}/photos/{photo_id}"
_CHUNK = 64 * 1024


@routes.operation(
    "POST",
    "/api/v1/listings",
    summary="List a charger (hosts only)",
    scope="listings",
    body=_LISTING_BODY,
    responses={201: "Listed", 403: "Not a host account"},
)
async def create_listing(request: web.Request, principal: Principal | None, body: Any) -> web.Response:
    assert principal is not None
    listing = await hub_of(request).listings.create(principal, body)
    return await _listing_response(request, listing, principal, status=201)


@routes.operation("GET", "/api/v1/listings", summary="The host's own listings", scope="listings")
async def list_own_listings(request: web.Request, principal: Principal | None, _body: Any) -> web.Response:
    assert principal is not None
    service = hub_of(request).listings
    listings = await service.of_host(principal)
    base_url, now = hub_of(request).config.base_url, service.clock()
    host = host_json(await hub_of(request).trust.host_profile(principal.user_id))
    return web.json_response(
        {
            "listings": [
                listing_json(item, base_url=base_url, show_invites=True, rules=service.rules, now=now) | {"host": host}
                for item in listings
            ]
        }
    )


@routes.operation(
    "GET", _LISTING, summary="A listing: published ones for anyone, invite-only ones for invitees", scope=None
)
async def get_listing(request: web.Request, principal: Principal | None, _body: Any) -> web.Response:
    listing = await hub_of(request).listings.get(principal, request.match_info["location_id"])
    return await _listing_response(request, listing, principal)


@routes.operation(
    "PUT",
    _LISTING,
    summary="Replace a listing whole (photos stay)",
    scope="listings",
    body=_LISTING_BODY,
    responses={200: "Replaced", 409: "The listing was removed"},
)
async def replace_listing(request: web.Request, principal: Principal | None, body: Any) -> web.Response:
    assert principal is not None
    listing = await hub_of(request).listings.replace(principal, request.match_info["location_id"], body)
    return await _listing_response(request, listing, principal)


@routes.operation(
    "DELETE", _LISTING, summary="Remove a listing (kept, with its EVSEs REMOVED)", scope="listings",
    responses={204: "Removed"},
)  # fmt: skip
async def remove_listing(request: web.Request, principal: Principal | None, _body: Any) -> web.Response:
    assert principal is not None
    await hub_of(request).listings.remove(principal, request.match_info["location_id"])
    return web.Response(status=204)


@routes.operation(
    "POST",
    "/api/v1/listings/{location_id}/photos",
    summary="Add a photo: image/jpeg, image/png or image/webp, as the raw body or a multipart file; ?category=",
    scope="listings",
    responses={201: "Added", 413: "Too large", 415: "Not a JPEG, PNG or WebP image"},
)
async def add_photo(request: web.Request, principal: Principal | None, _body: Any) -> web.Response:
    assert principal is not None
    hub = hub_of(request)
    category = request.query.get("category", "LOCATION")
    if category not in IMAGE_CATEGORIES:
        raise bad_request("invalid", f"A category is one of {', '.join(IMAGE_CATEGORIES)}.", "category")
    content_type, data = await _read_photo(request, hub.config.photo_max_bytes)
    photo = await hub.listings.add_photo(principal, request.match_info["location_id"], content_type, data, category)
    return web.json_response(photo_json(photo, hub.config.base_url), status=201)


@routes.operation("GET", _PHOTO, summary="A listing's photo", scope=None, responses={200: "The image"})
async def get_photo(request: web.Request, principal: Principal | None, _body: Any) -> web.StreamResponse:
    found = await hub_of(request).listings.photo_file(
        principal, request.match_info["location_id"], request.match_info["photo_id"]
    )
    if not found.path.is_file():
        raise not_found("photo")
    headers = {hdrs.CONTENT_TYPE: found.content_type, "X-Content-Type-Options": "nosniff"}
    return web.FileResponse(found.path, headers=headers)


@routes.operation("DELETE", _PHOTO, summary="Delete a photo", scope="listings", responses={204: "Deleted"})
async def delete_photo(request: web.Request, principal: Principal | None, _body: Any) -> web.Response:
    assert principal is not None
    await hub_of(request).listings.delete_photo(
        principal, request.match_info["location_id"], request.match_info["photo_id"]
    )
    return web.Response(status=204)


async def _listing_response(
    request: web.Request, listing: LoadedListing, principal: Principal | None, *, status: int = 200
) -> web.Response:
    show_invites = principal is not None and (principal.is_admin or principal.user_id == listing.location.host_id)
    service = hub_of(request).listings
    document = listing_json(
        listing,
        base_url=hub_of(request).config.base_url,
        show_invites=show_invites,
        rules=service.rules,
        now=service.clock(),
    )
    document["host"] = host_json(await hub_of(request).trust.host_profile(listing.location.host_id))
    return web.json_response(document, status=status)


async def _read_photo(request: web.Request, limit: int) -> tuple[str, bytes]:
    """The upload's declared type and bytes, from a raw body or the first file of a multipart form."""
    if request.content_length is not None and request.content_length > limit:
        raise _too_large(limit)
    if not request.content_type.startswith("multipart/"):
        return request.content_type, await _read_limited(request.content, limit)
    async for part in await request.multipart():
        if isinstance(part, BodyPartReader) and part.filename:
            declared = part.headers.get(hdrs.CONTENT_TYPE, "").split(";")[0].strip().lower()
            return declared, await _read_limited(part, limit)
    raise bad_request("missing_file", "Attach the photo as a file.", "photo")


async def _read_limited(source: StreamReader | BodyPartReader, limit: int) -> bytes:
    data = bytearray()
    while chunk := await (source.read(_CHUNK) if isinstance(source, StreamReader) else source.read_chunk(_CHUNK)):
        data += chunk
        if len(data) > limit:
            raise _too_large(limit)
    return bytes(data)


def _too_large(limit: int) -> ApiError:
    return ApiError(413, "too_large", f"A photo is at most {limit} bytes.")
