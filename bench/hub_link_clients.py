"""The host links of `bench.hub_links`, played by a client process: each link opens the websocket as a host's Home
Assistant does (token, subprotocol chargeshare.link.v1, hello then welcome), then sends an `evse.status` change
every interval until told to stop, and notes when it sent each one and when the hub acknowledged it.

The parent talks to a client process over a pipe: the process answers `Connected` once its links are up, gets
the window to send in (monotonic times: Linux's monotonic clock is one for the whole machine, so the parent's
event times and these send times compare), and answers `Sent` after it.
"""

from __future__ import annotations

import asyncio
from collections import Counter
import contextlib
from dataclasses import dataclass, field
from datetime import UTC, datetime
import json
from multiprocessing.connection import Connection
import resource
import time

import aiohttp

from chargeshare_hub.link.frames import SUBPROTOCOL

CONNECT_AT_ONCE = 50  # websocket handshakes in flight per client process
CONNECT_TIMEOUT_S = 120.0
STATUSES = ("AVAILABLE", "CHARGING")  # each message changes the status

# What a status message and its SSE event have in common: location, EVSE, status and the charger's time.
StatusKey = tuple[str, str, str, str]


@dataclass(frozen=True, slots=True)
class LinkSpec:
    token: str
    location_id: str
    evse_uid: str
    offset_s: float  # when in each interval this link sends: the links are spread evenly


@dataclass(frozen=True, slots=True)
class Connected:
    links: int
    failures: dict[str, int]
    seconds: float


@dataclass(frozen=True, slots=True)
class Window:
    start_at: float  # time.monotonic()
    end_at: float
    grace_s: float  # after end_at: how long to wait for acks still missing


@dataclass(slots=True)
class Sent:
    sends: list[tuple[StatusKey, float]] = field(default_factory=list)  # (key, monotonic time sent)
    ack_latencies_s: list[float] = field(default_factory=list)
    unacked: int = 0
    nacks: Counter[str] = field(default_factory=Counter)
    send_failures: int = 0
    closed: Counter[str] = field(default_factory=Counter)  # links the hub closed during the run, by close code
    cpu_s: float = 0.0  # this process's, over the window


def raise_file_limit() -> int:
    """Lifts the soft limit of open files to the hard one (a socket is a file); returns the limit."""
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    if soft < hard:
        resource.setrlimit(resource.RLIMIT_NOFILE, (hard, hard))
    return hard


def client_process(pipe: Connection, url: str, specs: list[LinkSpec], interval_s: float) -> None:
    """A process's entry point (multiprocessing, spawn)."""
    raise_file_limit()
    asyncio.run(_drive(pipe, url, specs, interval_s))


class _Unanswered:
    """The status messages of a process's links the hub has not answered yet."""

    def __init__(self) -> None:
        self.count = 0
        self.none = asyncio.Event()

    def add(self) -> None:
        self.count += 1
        self.none.clear()

    def answered(self) -> None:
        self.count -= 1
        if not self.count:
            self.none.set()


class _Link:
    def __init__(
        self, index: int, spec: LinkSpec, ws: aiohttp.ClientWebSocketResponse, tally: Sent, unanswered: _Unanswered
    ) -> None:
        self.index = index
        self.spec = spec
        self.ws = ws
        self.tally = tally
        self.unanswered = unanswered
        self.pending: dict[str, float] = {}  # message id -> monotonic time sent
        self.reader = asyncio.create_task(self._read(), name=f"link {index} reader")

    async def send_statuses(self, window: Window, interval_s: float) -> None:
        due, count = window.start_at + self.spec.offset_s, 0
        while due < window.end_at and not self.ws.closed:
            await asyncio.sleep(max(0.0, due - time.monotonic()))
            status = STATUSES[count % len(STATUSES)]
            changed_at = datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")  # the hub keeps whole seconds
            message_id = f"{self.index}-{count}"
            payload = {
                "location_id": self.spec.location_id,
                "evse_uid": self.spec.evse_uid,
                "status": status,
                "changed_at": changed_at,
            }
            frame = {"v": 1, "type": "evse.status", "id": message_id, "at": changed_at, "payload": payload}
            sent_at = time.monotonic()
            try:
                await self.ws.send_str(json.dumps(frame))
            except ConnectionError:
                self.tally.send_failures += 1
                return
            self.pending[message_id] = sent_at
            self.unanswered.add()
            self.tally.sends.append(((self.spec.location_id, self.spec.evse_uid, status, changed_at), sent_at))
            count += 1
            due += interval_s

    async def _read(self) -> None:
        """Acks and nacks; the pings the hub sends are answered by aiohttp while this reads."""
        async for message in self.ws:
            if message.type != aiohttp.WSMsgType.TEXT:
                continue
            frame = json.loads(message.data)
            if frame["type"] == "ack":
                sent_at = self.pending.pop(frame["payload"]["id"], None)
                if sent_at is not None:
                    self.tally.ack_latencies_s.append(time.monotonic() - sent_at)
                    self.unanswered.answered()
            elif frame["type"] == "nack":
                if self.pending.pop(frame["payload"].get("id", ""), None) is not None:
                    self.unanswered.answered()
                self.tally.nacks[frame["payload"]["code"]] += 1
        self.tally.closed[str(self.ws.close_code)] += 1


async def _drive(pipe: Connection, url: str, specs: list[LinkSpec], interval_s: float) -> None:
    loop = asyncio.get_running_loop()
    tally, unanswered = Sent(), _Unanswered()
    failures: Counter[str] = Counter()
    gate = asyncio.Semaphore(CONNECT_AT_ONCE)
    timeout = aiohttp.ClientTimeout(total=None, connect=CONNECT_TIMEOUT_S)
    async with aiohttp.ClientSession(connector=aiohttp.TCPConnector(limit=0), timeout=timeout) as session:

        async def connect(index: int, spec: LinkSpec) -> _Link | None:
            async with gate:
                try:
                    async with asyncio.timeout(CONNECT_TIMEOUT_S):
                        ws = await session.ws_connect(
                            f"{url}/api/v1/link",
                            protocols=(SUBPROTOCOL,),
                            headers={"Authorization": f"Bearer {spec.token}"},
                            autoclose=True,
                            autoping=True,
                        )
                        await ws.send_str(json.dumps({"v": 1, "type": "hello", "payload": {"outbox": 0}}))
                        welcome = await ws.receive_json()
                except (aiohttp.ClientError, TimeoutError, ConnectionError, ValueError, TypeError) as err:
                    failures[type(err).__name__] += 1
                    return None
            if welcome.get("type") != "welcome":
                failures[f"answered {welcome.get('type')}"] += 1
                await ws.close()
                return None
            return _Link(index, spec, ws, tally, unanswered)

        started = time.monotonic()
        opened = await asyncio.gather(*(connect(index, spec) for index, spec in enumerate(specs)))
        links = [link for link in opened if link is not None]
        pipe.send(Connected(len(links), dict(failures), time.monotonic() - started))

        window: Window = await loop.run_in_executor(None, pipe.recv)
        await asyncio.sleep(max(0.0, window.start_at - time.monotonic()))
        cpu_before = time.process_time()
        await asyncio.gather(*(link.send_statuses(window, interval_s) for link in links))
        tally.cpu_s = time.process_time() - cpu_before
        if unanswered.count:
            with contextlib.suppress(TimeoutError):
                async with asyncio.timeout(max(0.0, window.end_at + window.grace_s - time.monotonic())):
                    await unanswered.none.wait()
        tally.unacked = unanswered.count
        pipe.send(tally)
        for link in links:
            link.reader.cancel()
        await asyncio.gather(*(link.ws.close() for link in links), return_exceptions=True)
