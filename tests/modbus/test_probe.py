"""The connection test of the config flow: each way a charger can fail to answer has its own reason."""

from __future__ import annotations

from collections.abc import Iterator
import contextlib
import socket

import pytest

from custom_components.chargeshare.modbus.probe import ProbeError, ProbeFailure, detect, probe
from tests.modbus.simulated import PROFILES, simulated

pytestmark = pytest.mark.usefixtures("socket_enabled")

DETECTABLE = sorted(key for key, profile in PROFILES.items() if profile.detect is not None)


@contextlib.contextmanager
def closed_port() -> Iterator[int]:
    with socket.socket() as unused:
        unused.bind(("127.0.0.1", 0))
        yield unused.getsockname()[1]


@contextlib.contextmanager
def silent_port() -> Iterator[int]:
    """A port whose connection queue is full: the kernel drops further connection attempts unanswered."""
    with socket.socket() as listener:
        listener.bind(("127.0.0.1", 0))
        listener.listen(0)
        port = listener.getsockname()[1]
        queued = []
        try:
            for _ in range(4):
                client = socket.socket()
                client.setblocking(False)
                client.connect_ex(("127.0.0.1", port))
                queued.append(client)
            yield port
        finally:
            for client in queued:
                client.close()


@pytest.mark.parametrize("key", sorted(PROFILES))
async def test_each_profile_recognises_its_charger(key: str) -> None:
    async with simulated(key) as sim:
        await probe("127.0.0.1", sim.port, sim.unit_id, PROFILES[key], timeout_s=1)


@pytest.mark.parametrize("key", DETECTABLE)
async def test_chargers_that_say_who_they_are_are_detected(key: str) -> None:
    async with simulated(key) as sim:
        found = await detect("127.0.0.1", sim.port, None, PROFILES.values(), timeout_s=1)
    assert found.key == key


async def test_a_charger_no_profile_recognises_is_not_detected() -> None:
    async with simulated("webasto_next") as sim:
        with pytest.raises(ProbeError) as caught:
            await detect("127.0.0.1", sim.port, None, PROFILES.values(), timeout_s=1)
    assert caught.value.failure is ProbeFailure.NOT_DETECTED


async def test_another_model_is_the_wrong_profile() -> None:
    async with simulated("keba_p30") as sim:
        with pytest.raises(ProbeError) as caught:
            await probe("127.0.0.1", sim.port, sim.unit_id, PROFILES["alfen_eve"], timeout_s=1)
    assert caught.value.failure is ProbeFailure.WRONG_PROFILE


async def test_a_unit_id_nobody_answers_to_is_the_wrong_unit_id() -> None:
    async with simulated("alfen_eve") as sim:
        with pytest.raises(ProbeError) as caught:
            await probe("127.0.0.1", sim.port, 7, PROFILES["alfen_eve"], timeout_s=1)
    assert caught.value.failure is ProbeFailure.WRONG_UNIT_ID


async def test_a_gateway_that_stays_silent_for_a_unit_id_is_the_wrong_unit_id() -> None:
    async with simulated("heidelberg_energy_control") as sim:
        sim.stop_answering()
        with pytest.raises(ProbeError) as caught:
            await probe("127.0.0.1", sim.port, sim.unit_id, PROFILES["heidelberg_energy_control"], timeout_s=0.3)
    assert caught.value.failure is ProbeFailure.WRONG_UNIT_ID


async def test_a_closed_port_is_refused() -> None:
    with closed_port() as port, pytest.raises(ProbeError) as caught:
        await probe("127.0.0.1", port, 1, PROFILES["alfen_eve"], timeout_s=1)
    assert caught.value.failure is ProbeFailure.REFUSED


async def test_no_answer_to_the_connection_is_a_timeout() -> None:
    with silent_port() as port, pytest.raises(ProbeError) as caught:
        await probe("127.0.0.1", port, 1, PROFILES["alfen_eve"], timeout_s=0.5)
    assert caught.value.failure is ProbeFailure.TIMEOUT


async def test_detection_stops_at_an_unreachable_address() -> None:
    with closed_port() as port, pytest.raises(ProbeError) as caught:
        await detect("127.0.0.1", port, None, PROFILES.values(), timeout_s=1)
    assert caught.value.failure is ProbeFailure.REFUSED
