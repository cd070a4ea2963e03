"""Status reports of many links are written together: the reports that arrive while a batch is being written make
the next batch, and each keeps every guarantee of a message of its own (acked once applied, nacked alone when
refused, applied once when resent)."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Sequence
import contextlib
from datetime import datetime
import json
from typing import Any

import pytest
from sqlalchemy.exc import IntegrityError

from chargeshare_hub.accounts.principal import Principal
from chargeshare_hub.link import status_batches
from chargeshare_hub.link.frames import Frame, parse_frame
from chargeshare_hub.link.gateway import GATEWAY
from chargeshare_hub.link.tables import LinkReceived
from chargeshare_hub.listings.live_statuses import LiveReport
from tests.hub.bookings.helpers import Clock, actor, listing
from tests.hub.faults.helpers import shown_statuses

from .helpers import Link, count, event_stream, linked, paired, z

HOSTS = 4


@contextlib.asynccontextmanager
async def hosts_linked(client: Any, hosts: int) -> AsyncIterator[list[tuple[Any, str, Link]]]:
    """Hosts with a listing each, linked: (host, location id, link)."""
    async with contextlib.AsyncExitStack() as stack:
        linked_hosts = []
        for index in range(hosts):
            host = await actor(client, f"host{index}@example.org", host=True)
            location_id = await listing(client, host)
            link = await stack.enter_async_context(linked(client, await paired(client, host)))
            linked_hosts.append((host, location_id, link))
        yield linked_hosts


def _status(location_id: str, status: str, at: datetime) -> dict[str, Any]:
    return {"location_id": location_id, "evse_uid": "wallbox-1", "status": status, "changed_at": z(at)}


def _hold_first_batch(
    monkeypatch: pytest.MonkeyPatch, gate: asyncio.Event, *, refuse_together: bool = False
) -> list[int]:
    """The size of each batch written, the first held until `gate` is set. With `refuse_together` a batch of more
    than one fails as a whole, as when another hub process applied one of its messages first."""
    sizes: list[int] = []
    write = status_batches.report_statuses

    async def held_first(session: Any, reports: Sequence[LiveReport], now: datetime) -> Any:
        sizes.append(len(reports))
        if len(sizes) == 1:
            await gate.wait()
        if refuse_together and len(reports) > 1:
            raise IntegrityError("INSERT", {}, Exception("duplicate"))
        return await write(session, reports, now)

    monkeypatch.setattr(status_batches, "report_statuses", held_first)
    return sizes


@pytest.fixture
def batches(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """The size of each batch written; the first is held until a second batch waits behind it."""
    more_waiting = asyncio.Event()
    sizes = _hold_first_batch(monkeypatch, more_waiting)
    monkeypatch.setattr(
        status_batches.StatusBatches, "apply", _telling(status_batches.StatusBatches.apply, more_waiting)
    )
    return sizes


def _telling(apply: Any, more_waiting: asyncio.Event) -> Any:
    calls = 0

    async def counted(self: Any, host: Any, frame: Any) -> Any:
        nonlocal calls
        calls += 1
        if calls == HOSTS:
            asyncio.get_running_loop().call_soon(more_waiting.set)
        return await apply(self, host, frame)

    return counted


async def test_reports_arriving_while_a_batch_is_written_are_written_together_and_each_acked(
    client: Any, clock: Clock, batches: list[int]
) -> None:
    async with event_stream(client) as stream, hosts_linked(client, HOSTS) as linked_hosts:
        sent = [
            await link.send("evse.status", _status(location, "CHARGING", clock.now))
            for _, location, link in linked_hosts
        ]
        answers = [
            await link.answer_to(message_id) for (_, _, link), message_id in zip(linked_hosts, sent, strict=True)
        ]
        events = [await stream.next() for _ in linked_hosts]

    assert sum(batches) == HOSTS
    assert len(batches) < HOSTS  # some written together
    assert [answer["type"] for answer in answers] == ["ack"] * HOSTS
    assert sorted(event["data"]["location_id"] for event in events) == sorted(
        location for _, location, _ in linked_hosts
    )
    for host, location, _ in linked_hosts:
        assert (await shown_statuses(client, location, host))["wallbox-1"] == "CHARGING"


async def test_a_refused_report_is_nacked_alone_and_the_rest_of_its_batch_applied(
    client: Any, clock: Clock, batches: list[int]
) -> None:
    async with hosts_linked(client, HOSTS) as linked_hosts:
        locations = [location for _, location, _ in linked_hosts]
        # The last host reports on the first host's charger: not its listing.
        targets = [*locations[:-1], locations[0]]
        sent = [
            await link.send("evse.status", _status(target, "CHARGING", clock.now), f"s{index}")
            for index, ((_, _, link), target) in enumerate(zip(linked_hosts, targets, strict=True))
        ]
        answers = [
            await link.answer_to(message_id) for (_, _, link), message_id in zip(linked_hosts, sent, strict=True)
        ]

    assert len(batches) < HOSTS
    assert [answer["type"] for answer in answers] == ["ack"] * (HOSTS - 1) + ["nack"]
    assert answers[-1]["payload"]["code"] == "not_found"
    host, location, _ = linked_hosts[-1]
    assert (await shown_statuses(client, location, host))["wallbox-1"] == "AVAILABLE"
    assert await count(client, LinkReceived) == HOSTS - 1  # the refused one may be sent again, changed


async def test_a_batch_that_fails_as_a_whole_is_written_report_by_report(
    client: Any, clock: Clock, monkeypatch: pytest.MonkeyPatch
) -> None:
    gate = asyncio.Event()
    sizes = _hold_first_batch(monkeypatch, gate, refuse_together=True)
    async with hosts_linked(client, 3) as linked_hosts:
        sent = [
            await link.send("evse.status", _status(location, "CHARGING", clock.now))
            for _, location, link in linked_hosts
        ]
        await asyncio.sleep(0.2)  # the other two wait behind the first
        gate.set()
        answers = [
            await link.answer_to(message_id) for (_, _, link), message_id in zip(linked_hosts, sent, strict=True)
        ]

    assert max(sizes) > 1  # refused together,
    assert sizes.count(1) >= 3  # then each written alone
    assert [answer["type"] for answer in answers] == ["ack"] * 3
    assert await count(client, LinkReceived) == 3


async def test_a_message_twice_in_one_batch_is_applied_once_and_acked_twice(
    client: Any, clock: Clock, monkeypatch: pytest.MonkeyPatch
) -> None:
    host = await actor(client, "host@example.org", host=True)
    location = await listing(client, host)
    principal = Principal(host.user_id, frozenset({"link"}), is_admin=False, is_host=True, via_cookie=False)
    receiver = client.server.app[GATEWAY].receiver
    gate = asyncio.Event()
    sizes = _hold_first_batch(monkeypatch, gate)

    def frame(message_id: str, status: str) -> Frame:
        return parse_frame(json.dumps({"v": 1, "type": "evse.status", "id": message_id,
                                       "payload": _status(location, status, clock.now)}))  # fmt: skip

    first = asyncio.create_task(receiver.apply(principal, frame("m0", "CHARGING")))
    await asyncio.sleep(0.1)  # m0's batch is being written; m1 and its resend wait for the next
    twice = [asyncio.create_task(receiver.apply(principal, frame("m1", "AVAILABLE"))) for _ in range(2)]
    await asyncio.sleep(0.1)
    gate.set()
    answers = [await task for task in (first, *twice)]

    assert sizes == [1, 1]
    assert [json.loads(answer)["type"] for answer in answers] == ["ack"] * 3
    assert await count(client, LinkReceived) == 2
