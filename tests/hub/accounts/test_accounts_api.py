"""Registering, signing in and out, and the rules that keep accounts safe."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select

from chargeshare_hub.accounts.tables import User
from chargeshare_hub.db.engine import Database
from tests.hub.conftest import register, sign_in


async def test_a_driver_registers_signs_in_and_sees_their_account(client: Any) -> None:
    created = await register(client, "Ada@Example.org")

    await sign_in(client, "ada@example.org")
    me = await (await client.get("/api/v1/me")).json()

    assert me == created
    assert me["email"] == "ada@example.org"
    assert (me["driver"], me["host"], me["admin"]) == (True, False, False)


async def test_the_session_cookie_is_http_only_and_same_site(client: Any) -> None:
    await register(client, "ada@example.org")

    response = await sign_in(client, "ada@example.org")

    cookie = response.cookies["chargeshare_session"]
    assert cookie["httponly"]
    assert cookie["samesite"] == "Lax"
    assert cookie["path"] == "/"


async def test_the_password_is_stored_only_as_an_argon2_hash(client: Any, db: Database) -> None:
    await register(client, "ada@example.org")

    async with db.read() as session:
        stored = await session.scalar(select(User.password_hash))

    assert stored is not None
    assert stored.startswith("$argon2id$")
    assert "correct horse" not in stored


async def test_an_address_registers_once(client: Any) -> None:
    await register(client, "ada@example.org")

    response = await client.post(
        "/api/v1/accounts", json={"email": "ADA@example.org", "password": "another long one", "name": "Ada"}
    )

    assert response.status == 409
    assert (await response.json())["error"] == {
        "code": "email_taken",
        "message": "An account with this email address exists.",
        "field": "email",
    }


async def test_bad_registrations_name_the_field_and_create_nothing(client: Any, db: Database) -> None:
    cases = [
        ({"email": "not-an-address", "password": "long enough pw", "name": "A"}, "invalid", "email"),
        ({"email": "a@example.org", "password": "short", "name": "A"}, "weak_password", "password"),
        ({"email": "a@example.org", "password": "long enough pw"}, "invalid", "name"),
        ({"email": "a@example.org", "password": 12345678901, "name": "A"}, "invalid", "password"),
        ({"email": "a@example.org", "password": "long enough pw", "name": "A", "admin": True}, "invalid", "admin"),
        ({"email": "a@example.org", "password": "long enough pw", "name": "A", "driver": False}, "invalid", "driver"),
    ]
    for body, code, field in cases:
        response = await client.post("/api/v1/accounts", json=body)
        error = (await response.json())["error"]
        assert response.status == 400, body
        assert (error["code"], error["field"]) == (code, field), body

    async with db.read() as session:
        assert list(await session.scalars(select(User))) == []


async def test_a_body_that_is_not_json_is_refused(client: Any) -> None:
    not_json = await client.post("/api/v1/accounts", data="{", headers={"Content-Type": "application/json"})
    form = await client.post("/api/v1/accounts", data={"email": "a@example.org"})

    assert not_json.status == 400
    assert (await not_json.json())["error"]["code"] == "invalid_json"
    assert form.status == 415


async def test_a_wrong_password_is_refused_without_saying_which_part_was_wrong(client: Any) -> None:
    await register(client, "ada@example.org")

    wrong_password = await client.post("/api/v1/session", json={"email": "ada@example.org", "password": "nope"})
    no_account = await client.post("/api/v1/session", json={"email": "bob@example.org", "password": "nope"})

    assert wrong_password.status == no_account.status == 401
    assert (await wrong_password.json()) == (await no_account.json())


async def test_sign_in_is_rate_limited_per_account_even_with_the_right_password(client: Any) -> None:
    await register(client, "ada@example.org")
    for _ in range(5):
        await client.post("/api/v1/session", json={"email": "ada@example.org", "password": "wrong guess"})

    right = {"email": "ada@example.org", "password": "correct horse battery"}
    response = await client.post("/api/v1/session", json=right)

    assert response.status == 429
    assert response.headers["Retry-After"] == "300"
    assert (await response.json())["error"]["code"] == "too_many_attempts"


async def test_signing_out_ends_the_session(client: Any) -> None:
    await register(client, "ada@example.org")
    response = await sign_in(client, "ada@example.org")
    secret = response.cookies["chargeshare_session"].value

    assert (await client.delete("/api/v1/session")).status == 204
    again = await client.get("/api/v1/me", cookies={"chargeshare_session": secret})

    assert again.status == 401


async def test_anonymous_callers_get_401_with_the_error_shape(client: Any) -> None:
    response = await client.get("/api/v1/me")

    assert response.status == 401
    assert response.headers["WWW-Authenticate"].startswith("Bearer")
    assert (await response.json())["error"]["code"] == "unauthorized"


async def test_a_cookie_authenticated_change_from_another_site_is_refused(client: Any) -> None:
    await register(client, "ada@example.org")
    await sign_in(client, "ada@example.org")

    response = await client.post(
        "/api/v1/tokens", json={"name": "x", "scopes": ["account"]}, headers={"Origin": "https://evil.example"}
    )

    assert response.status == 403
    assert (await response.json())["error"]["code"] == "cross_origin"


async def test_unknown_paths_answer_in_the_error_shape(client: Any) -> None:
    response = await client.get("/api/v1/nothing-here")

    assert response.status == 404
    assert (await response.json())["error"]["code"] == "not_found"
