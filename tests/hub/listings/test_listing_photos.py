"""Photos of a listing: checked by their bytes, limited in size, served with their type, deleted by the host."""

from __future__ import annotations

from pathlib import Path
import struct
from typing import Any
import zlib

from aiohttp import FormData

from chargeshare_hub.config import HubConfig
from tests.hub.listings.helpers import create, home_charger, signed_in


def _png(width: int = 3, height: int = 2) -> bytes:
    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    pixels = zlib.compress(b"".join(b"\x00" + b"\x00\x00\x00" * width for _ in range(height)))
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", pixels) + chunk(b"IEND", b"")


def _stored_files(data_dir: Path) -> list[Path]:
    folder = data_dir / "photos"
    return sorted(folder.iterdir()) if folder.exists() else []


JPEG = b"\xff\xd8\xff\xe0\x00\x10JFIF\x00" + b"\x00" * 100


async def _listing(client: Any) -> str:
    await signed_in(client, "host@example.org", host=True)
    return str((await create(client, home_charger(publish=False)))["id"])


async def test_a_host_adds_a_photo_and_it_is_listed_and_served(client: Any, hub_config: HubConfig) -> None:
    listing_id = await _listing(client)
    png = _png()

    response = await client.post(
        f"/api/v1/listings/{listing_id}/photos?category=CHARGER", data=png, headers={"Content-Type": "image/png"}
    )
    image = await response.json()
    listing = await (await client.get(f"/api/v1/listings/{listing_id}")).json()
    served = await client.get(image["url"].removeprefix(hub_config.base_url))

    assert response.status == 201
    assert image | {"url": ""} == {"url": "", "category": "CHARGER", "type": "png", "width": 3, "height": 2}
    assert listing["images"] == [image]
    assert served.status == 200
    assert served.content_type == "image/png"
    assert await served.read() == png
    assert [path.read_bytes() for path in _stored_files(hub_config.data_dir)] == [png]
    assert listing_id not in _stored_files(hub_config.data_dir)[0].name


async def test_a_photo_can_be_sent_as_a_multipart_file(client: Any) -> None:
    listing_id = await _listing(client)
    form = FormData()
    form.add_field("photo", JPEG, filename="../../etc/passwd.jpg", content_type="image/jpeg")

    response = await client.post(f"/api/v1/listings/{listing_id}/photos", data=form)

    assert response.status == 201
    assert (await response.json())["type"] == "jpeg"


async def test_a_photo_over_the_limit_is_refused(client: Any, hub_config: HubConfig) -> None:
    listing_id = await _listing(client)
    too_big = JPEG + b"\x00" * hub_config.photo_max_bytes

    response = await client.post(
        f"/api/v1/listings/{listing_id}/photos", data=too_big, headers={"Content-Type": "image/jpeg"}
    )

    assert response.status == 413
    assert "images" not in await (await client.get(f"/api/v1/listings/{listing_id}")).json()


async def test_a_file_that_is_not_the_image_it_claims_is_refused(client: Any, hub_config: HubConfig) -> None:
    listing_id = await _listing(client)

    disguised = await client.post(
        f"/api/v1/listings/{listing_id}/photos", data=b"<svg onload=alert(1)>", headers={"Content-Type": "image/png"}
    )
    mislabelled = await client.post(
        f"/api/v1/listings/{listing_id}/photos", data=_png(), headers={"Content-Type": "image/jpeg"}
    )
    gif = await client.post(
        f"/api/v1/listings/{listing_id}/photos", data=b"GIF89a....", headers={"Content-Type": "image/gif"}
    )

    assert (disguised.status, mislabelled.status, gif.status) == (415, 415, 415)
    assert _stored_files(hub_config.data_dir) == []


async def test_another_host_can_neither_add_nor_delete_photos(client: Any) -> None:
    listing_id = await _listing(client)
    added = await client.post(
        f"/api/v1/listings/{listing_id}/photos", data=_png(), headers={"Content-Type": "image/png"}
    )
    photo_url = f"/api/v1/listings/{listing_id}/photos/{(await added.json())['url'].rsplit('/', 1)[1]}"
    client.session.cookie_jar.clear()
    await signed_in(client, "other@example.org", host=True)

    add = await client.post(f"/api/v1/listings/{listing_id}/photos", data=_png(), headers={"Content-Type": "image/png"})
    delete = await client.delete(photo_url)
    see = await client.get(photo_url)

    assert (add.status, delete.status, see.status) == (404, 404, 404)


async def test_a_host_deletes_a_photo(client: Any, hub_config: HubConfig) -> None:
    listing_id = await _listing(client)
    added = await client.post(
        f"/api/v1/listings/{listing_id}/photos", data=_png(), headers={"Content-Type": "image/png"}
    )
    photo_url = f"/api/v1/listings/{listing_id}/photos/{(await added.json())['url'].rsplit('/', 1)[1]}"

    response = await client.delete(photo_url)

    assert response.status == 204
    assert (await client.get(photo_url)).status == 404
    assert _stored_files(hub_config.data_dir) == []
