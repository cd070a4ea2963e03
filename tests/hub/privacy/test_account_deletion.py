"""A user deletes their account: they can no longer act or sign in, their personal rows are gone or anonymised,
the other party learns of canceled bookings, and what the law or others need (bookings, CDRs) is kept."""

from __future__ import annotations

from typing import Any

from sqlalchemy import func, select

from chargeshare_hub.accounts.tables import ApiToken, User
from chargeshare_hub.bookings.tables import Booking
from chargeshare_hub.config import HubConfig
from chargeshare_hub.listings.tables import Location
from chargeshare_hub.notifications.tables import Notification
from chargeshare_hub.privacy.erasure import DELETED_NAME
from chargeshare_hub.web.context import HUB
from tests.hub.bookings.helpers import booked, listing, period
from tests.hub.charging.helpers import charged, reserved, start
from tests.hub.conftest import register
from tests.hub.privacy.conftest import PASSWORD, delete_account, person

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00\x00\x00\rIHDR" + b"\x00\x00\x00\x01" * 2 + b"\x08\x02\x00\x00\x00" + b"\x00" * 20


async def _user(client: Any, user_id: int) -> User:
    async with client.server.app[HUB].db.read() as session:
        user = await session.get(User, user_id)
    assert user is not None
    return user


async def _count(client: Any, statement: Any) -> int:
    async with client.server.app[HUB].db.read() as session:
        return int(await session.scalar(statement) or 0)


async def test_a_wrong_password_deletes_nothing(client: Any) -> None:
    driver = await person(client, "driver@example.org")

    response = await delete_account(client, driver, "not my password")

    assert response.status == 403
    assert (await response.json())["error"]["code"] == "wrong_password"
    assert (await client.get("/api/v1/me", headers=driver.headers)).status == 200


async def test_a_deleted_driver_can_neither_act_nor_sign_in_and_the_address_is_free_again(client: Any) -> None:
    driver = await person(client, "driver@example.org")

    response = await delete_account(client, driver)
    signing_in = await client.post("/api/v1/session", json={"email": "driver@example.org", "password": PASSWORD})
    user = await _user(client, driver.user_id)

    assert response.status == 204
    assert (await client.get("/api/v1/me", headers=driver.headers)).status == 401
    assert signing_in.status == 401
    assert (user.name, user.email, user.deleted_at is not None) == (
        DELETED_NAME,
        f"deleted-{driver.user_id}@deleted.invalid",
        True,
    )
    assert (
        await _count(client, select(func.count()).select_from(ApiToken).where(ApiToken.user_id == driver.user_id)) == 0
    )
    assert (await register(client, "driver@example.org", password=PASSWORD))["id"] != driver.user_id


async def test_a_deleted_drivers_open_booking_is_canceled_and_kept_for_the_host(client: Any) -> None:
    host = await person(client, "host@example.org", host=True)
    driver = await person(client, "driver@example.org")
    location_id = await listing(client, host)
    booking = await booked(client, driver, location_id, period(48))

    await delete_account(client, driver)
    seen_by_host = await client.get(f"/api/v1/bookings/{booking['id']}", headers=host.headers)

    assert seen_by_host.status == 200
    assert (await seen_by_host.json())["reservation_status"] == "CANCELED"


async def test_a_deleted_hosts_listing_leaves_search_and_loses_its_address_and_photos(
    client: Any, hub_config: HubConfig
) -> None:
    host = await person(client, "host@example.org", host=True)
    driver = await person(client, "driver@example.org")
    location_id = await listing(client, host)
    booking = await booked(client, driver, location_id, period(48))
    photo = await client.post(
        f"/api/v1/listings/{location_id}/photos", data=PNG, headers={**host.headers, "Content-Type": "image/png"}
    )
    assert photo.status == 201, await photo.text()

    await delete_account(client, host)
    found = await (await client.get("/api/v1/search?lat=50.93&lon=6.96&radius_km=10")).json()
    seen_by_driver = await (await client.get(f"/api/v1/bookings/{booking['id']}", headers=driver.headers)).json()
    async with client.server.app[HUB].db.read() as session:
        location = await session.get(Location, location_id)

    assert found["results"] == []
    assert (await client.get(f"/api/v1/listings/{location_id}", headers=driver.headers)).status == 404
    assert seen_by_driver["reservation_status"] == "CANCELED"
    assert location is not None
    assert (location.address, location.name, location.latitude) == ("", None, "50.93")
    assert list((hub_config.data_dir / "photos").iterdir()) == []


async def test_the_cdr_of_a_deleted_driver_stays_with_the_host(client: Any) -> None:
    host = await person(client, "host@example.org", host=True)
    driver = await person(client, "driver@example.org")
    location_id = await listing(client, host)
    await reserved(client, driver, location_id, "TAG1")
    await charged(client, host, location_id, id_tag="TAG1")

    await delete_account(client, driver)
    cdrs = await (await client.get("/api/v1/cdrs", headers=host.headers)).json()

    assert [(cdr["id"], cdr["cdr_token"]["uid"]) for cdr in cdrs["cdrs"]] == [("s1", "TAG1")]


async def test_an_account_charging_right_now_is_not_deleted(client: Any) -> None:
    host = await person(client, "host@example.org", host=True)
    location_id = await listing(client, host)
    await start(client, host, location_id)

    response = await delete_account(client, host)

    assert response.status == 409
    assert (await response.json())["error"]["code"] == "session_active"
    assert (await _user(client, host.user_id)).deleted_at is None


async def test_a_deleted_users_inbox_is_erased(client: Any) -> None:
    host = await person(client, "host@example.org", host=True)
    driver = await person(client, "driver@example.org")
    location_id = await listing(client, host)
    await booked(client, driver, location_id, period(48))
    await delete_account(client, host)

    assert await _count(client, select(func.count()).where(Notification.user_id == host.user_id)) == 0
    assert await _count(client, select(func.count()).select_from(Booking)) == 1
