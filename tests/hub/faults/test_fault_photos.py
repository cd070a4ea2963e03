"""A report's photo: checked like a listing photo (its bytes, its size), kept under a random name, served only
to the reporter, the listing's host and admins."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest

from chargeshare_hub.config import HubConfig
from chargeshare_hub.db.engine import Database
from tests.hub.bookings.helpers import Clock, actor
from tests.hub.conftest import clocked_app
from tests.hub.faults.helpers import JPEG, PNG, Scene, error_of, evse_status, form, scene


def _stored(config: HubConfig) -> list[Path]:
    folder = config.data_dir / "photos"
    return sorted(folder.iterdir()) if folder.exists() else []


async def _send(client: Any, parties: Scene, data: Any) -> Any:
    return await client.post(
        f"/api/v1/listings/{parties.location_id}/evses/wallbox-1/faults", data=data, headers=parties.driver.headers
    )


async def test_a_report_with_a_photo_and_who_may_see_it(client: Any, hub_config: HubConfig) -> None:
    parties = await scene(client)
    admin = await actor(client, "admin@example.org", admin=True)
    other = await actor(client, "other@example.org")

    response = await _send(client, parties, form(PNG))
    fault = await response.json()
    path = fault["photo_url"].removeprefix(hub_config.base_url)
    served = {
        name: await client.get(path, headers=None if who is None else who.headers)
        for name, who in (("reporter", parties.driver), ("host", parties.host), ("admin", admin),
                          ("other", other), ("anonymous", None))
    }  # fmt: skip

    assert response.status == 201
    assert path == f"/api/v1/listings/{parties.location_id}/faults/{fault['id']}/photo"
    assert {name: reply.status for name, reply in served.items()} == {
        "reporter": 200,
        "host": 200,
        "admin": 200,
        "other": 404,
        "anonymous": 401,
    }
    assert served["host"].content_type == "image/png"
    assert await served["host"].read() == PNG
    assert [file.read_bytes() for file in _stored(hub_config)] == [PNG]
    assert fault["id"] not in _stored(hub_config)[0].name


async def test_a_form_without_a_photo_is_a_report_without_one(client: Any) -> None:
    parties = await scene(client)

    response = await _send(client, parties, form(category="NOT_ACCESSIBLE", description="The gate is locked."))
    fault = await response.json()
    photo = await client.get(
        f"/api/v1/listings/{parties.location_id}/faults/{fault['id']}/photo", headers=parties.host.headers
    )

    assert response.status == 201
    assert (fault["category"], fault["ocm_checkin_status"], fault["photo_url"]) == ("NOT_ACCESSIBLE", 120, None)
    assert photo.status == 404


@pytest.mark.parametrize(("photo", "declared"), [(JPEG, "image/png"), (b"GIF89a" + b"\x00" * 20, "image/gif")])
async def test_a_photo_that_is_not_what_it_claims_is_refused_and_nothing_kept(
    client: Any, hub_config: HubConfig, photo: bytes, declared: str
) -> None:
    parties = await scene(client)

    response = await _send(client, parties, form(photo, declared))

    assert await error_of(response) == (415, "unsupported_media_type", None)
    assert _stored(hub_config) == []
    assert await evse_status(client, parties.location_id, "wallbox-1") == "AVAILABLE"


async def test_a_photo_over_the_limit_is_refused_and_nothing_kept(
    hub_config: HubConfig, db: Database, aiohttp_client: Any, clock: Clock
) -> None:
    small = replace(hub_config, photo_max_bytes=len(PNG) - 1)
    client = await aiohttp_client(clocked_app(small, db, clock))
    parties = await scene(client)

    response = await _send(client, parties, form(PNG))

    assert response.status == 413
    assert _stored(small) == []
    assert await evse_status(client, parties.location_id, "wallbox-1") == "AVAILABLE"


async def test_a_form_field_given_twice_is_refused(client: Any) -> None:
    parties = await scene(client)
    data = form(PNG)
    data.add_field("photo", PNG, filename="again.png", content_type="image/png")

    response = await _send(client, parties, data)

    assert await error_of(response) == (400, "invalid", "photo")
