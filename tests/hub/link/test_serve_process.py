"""Against a real `chargeshare-hub serve` process: killed (SIGKILL) in the middle of a session and started again,
the hub acknowledges every resent message, issues the session's CDR exactly once, and delivers again what Home
Assistant had not acknowledged. With several worker processes, a change made in any of them reaches the link in
whichever holds it, and a newer connection replaces an older one across them."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
import contextlib
from datetime import UTC, datetime, timedelta
import json
import sys
from typing import Any

import aiohttp
import pytest
from sqlalchemy import func, select

from chargeshare_hub.accounts.scopes import ALL_SCOPES
from chargeshare_hub.accounts.service import Accounts
from chargeshare_hub.accounts.tables import User
from chargeshare_hub.charging.tables import Cdr
from chargeshare_hub.config import HubConfig
from chargeshare_hub.db.engine import Database
from chargeshare_hub.link.frames import SUBPROTOCOL
from tests.hub.charging.helpers import example_tariff
from tests.hub.conftest import free_port, health_when_up
from tests.hub.listings.helpers import home_charger

from .helpers import z


@contextlib.asynccontextmanager
async def _hub(config: HubConfig, port: int, workers: int = 1) -> AsyncIterator[asyncio.subprocess.Process]:
    database = ["--database", config.database] if config.database else []
    process = await asyncio.create_subprocess_exec(
        sys.executable, "-m", "chargeshare_hub", "--data-dir", str(config.data_dir), *database,
        "serve", "--port", str(port), "--workers", str(workers),
        stdout=asyncio.subprocess.DEVNULL, stderr=asyncio.subprocess.DEVNULL,
    )  # fmt: skip
    try:
        await health_when_up(f"http://127.0.0.1:{port}")
        yield process
    finally:
        if process.returncode is None:
            process.terminate() if workers > 1 else process.kill()  # the supervisor stops its workers on SIGTERM
        await process.wait()


async def _bearer(db: Database, config: HubConfig, email: str, *, host: bool) -> dict[str, str]:
    async with db.write() as session:
        user = User(email=email, password_hash="!", name=email.split("@", maxsplit=1)[0], is_host=host)
        session.add(user)
        await session.flush()
        user_id = user.id
    issued = await Accounts(db, config).create_token(user_id, "tests", ALL_SCOPES)
    return {"Authorization": f"Bearer {issued.secret}"}


async def _frames(ws: aiohttp.ClientWebSocketResponse, wanted: int, seconds: float = 10) -> list[dict[str, Any]]:
    frames: list[dict[str, Any]] = []
    async with asyncio.timeout(seconds):
        while len(frames) < wanted:
            frames.append(json.loads((await ws.receive()).data))
    return frames


def _session(location_id: str, start: datetime) -> list[dict[str, Any]]:
    payloads = [
        ("session.start", {"session_id": "s-1", "location_id": location_id, "evse_uid": "wallbox-1",
                           "connector_id": "1", "id_tag": "RFID-1", "auth_method": "WHITELIST", "start": z(start),
                           "meter_start_wh": 0}),
        ("session.progress", {"session_id": "s-1", "at": z(start + timedelta(minutes=30)), "meter_wh": 2_500}),
        ("session.end", {"session_id": "s-1", "end": z(start + timedelta(hours=1)), "meter_stop_wh": 5_000}),
    ]  # fmt: skip
    return [{"v": 1, "type": kind, "id": f"u{n}", "payload": payload} for n, (kind, payload) in enumerate(payloads)]


@pytest.mark.timeout(120)
async def test_a_hub_killed_mid_session_and_restarted_issues_the_cdr_once(hub_config: HubConfig, db: Database) -> None:
    host = await _bearer(db, hub_config, "host@example.org", host=True)
    driver = await _bearer(db, hub_config, "driver@example.org", host=False)
    port = free_port()
    url = f"http://127.0.0.1:{port}"
    start = datetime.now(UTC).replace(microsecond=0) - timedelta(hours=2)
    slot_start = (datetime.now(UTC) + timedelta(days=1)).replace(minute=0, second=0, microsecond=0)
    slot = {"start_from": z(slot_start), "end_before": z(slot_start + timedelta(hours=1))}

    async with aiohttp.ClientSession() as http:
        async with _hub(hub_config, port) as process:
            tariff = example_tariff("tariff_9_025kwh_start.json")
            await http.post(f"{url}/api/v1/tariffs", json=tariff, headers=host)
            listing = home_charger()
            listing["evses"][0]["connectors"][0]["tariff_ids"] = [tariff["id"]]
            location_id = (await (await http.post(f"{url}/api/v1/listings", json=listing, headers=host)).json())["id"]
            code = (await (await http.post(f"{url}/api/v1/pairing-codes", headers=host)).json())["code"]
            token = (await (await http.post(f"{url}/api/v1/link/pair", json={"code": code})).json())["token"]
            link_headers = {"Authorization": f"Bearer {token}"}
            messages = _session(location_id, start)
            async with http.ws_connect(f"{url}/api/v1/link", protocols=(SUBPROTOCOL,), headers=link_headers) as ws:
                await ws.send_json({"v": 1, "type": "hello", "payload": {}})
                booking = await (
                    await http.post(
                        f"{url}/api/v1/bookings", json={"location_id": location_id, "period": slot}, headers=driver
                    )
                ).json()
                for message in messages[:2]:
                    await ws.send_json(message)
                before_kill = await _frames(ws, 4)  # welcome, booking.reserved (not acknowledged), two acks
                await ws.send_json(messages[2])
                process.kill()  # the end may or may not have been applied: Home Assistant cannot know

        async with (
            _hub(hub_config, port),
            http.ws_connect(f"{url}/api/v1/link", protocols=(SUBPROTOCOL,), headers=link_headers) as ws,
        ):
            await ws.send_json({"v": 1, "type": "hello", "payload": {"outbox": 3}})
            for message in messages:  # the integration's outbox, resent in order
                await ws.send_json(message)
            after_restart = await _frames(ws, 6)  # welcome, booking.reserved again, three acks, cdr.issued

    assert {frame["type"] for frame in before_kill} == {"welcome", "booking.reserved", "ack"}
    by_type: dict[str, list[dict[str, Any]]] = {}
    for frame in after_restart:
        by_type.setdefault(frame["type"], []).append(frame)
    assert [frame["payload"]["id"] for frame in by_type["ack"]] == ["u0", "u1", "u2"]
    assert by_type["booking.reserved"][0]["payload"]["id_tag"] == booking["id_tag"]
    assert len(by_type["cdr.issued"]) == 1
    assert by_type["cdr.issued"][0]["payload"]["total_cost"] == {"excl_vat": 1.75, "incl_vat": 1.98}
    async with db.read() as session:
        assert await session.scalar(select(func.count()).select_from(Cdr)) == 1


@pytest.mark.timeout(120)
async def test_with_two_workers_every_booking_reaches_the_link_and_a_new_link_replaces_the_old(
    hub_config: HubConfig, db: Database
) -> None:
    host = await _bearer(db, hub_config, "host@example.org", host=True)
    driver = await _bearer(db, hub_config, "driver@example.org", host=False)
    port = free_port()
    url = f"http://127.0.0.1:{port}"
    first_slot = (datetime.now(UTC) + timedelta(days=1)).replace(minute=0, second=0, microsecond=0)

    # A new TCP connection per request: the kernel spreads them over both workers.
    async with (
        _hub(hub_config, port, workers=2),
        aiohttp.ClientSession(connector=aiohttp.TCPConnector(force_close=True)) as http,
    ):
        location_id = (await (await http.post(f"{url}/api/v1/listings", json=home_charger(), headers=host)).json())[
            "id"
        ]
        code = (await (await http.post(f"{url}/api/v1/pairing-codes", headers=host)).json())["code"]
        token = (await (await http.post(f"{url}/api/v1/link/pair", json={"code": code})).json())["token"]
        headers = {"Authorization": f"Bearer {token}"}
        links = [await http.ws_connect(f"{url}/api/v1/link", protocols=(SUBPROTOCOL,), headers=headers)]
        await links[0].send_json({"v": 1, "type": "hello", "payload": {}})
        await _frames(links[0], 1)
        booking_ids = set()
        for hour in range(8):
            slot = {
                "start_from": z(first_slot + timedelta(hours=hour)),
                "end_before": z(first_slot + timedelta(hours=hour + 1)),
            }
            response = await http.post(
                f"{url}/api/v1/bookings", json={"location_id": location_id, "period": slot}, headers=driver
            )
            booking_ids.add((await response.json())["id"])
        delivered = {frame["payload"]["id"] for frame in await _frames(links[0], 8, seconds=5)}
        for _ in range(4):
            links.append(await http.ws_connect(f"{url}/api/v1/link", protocols=(SUBPROTOCOL,), headers=headers))
            async with asyncio.timeout(5):
                closed = await links[-2].receive()
            assert (closed.type, closed.data) == (aiohttp.WSMsgType.CLOSE, 4000)
        for link in links:
            await link.close()

    assert delivered == booking_ids
