"""Who may connect: charge point ids, subprotocols, passwords, TLS; and what happens to connections."""

from __future__ import annotations

import base64
import ssl

import aiohttp
import pytest

from custom_components.chargeshare.ocpp.protocol16 import BootInfo
from custom_components.chargeshare.ocpp.server import MAX_FRAME_BYTES, OcppServer, server_ssl_context
from sim.ocpp_charge_point import connect
from tests.tls import self_signed_certificate
from tests.waiting import until

from .conftest import Harness, make_charger, settle


def basic(user: str, password: str) -> dict[str, str]:
    return {"Authorization": "Basic " + base64.b64encode(f"{user}:{password}".encode()).decode()}


async def handshake_status(harness: Harness, path: str, **kwargs: object) -> int:
    with pytest.raises(aiohttp.WSServerHandshakeError) as refused:
        await harness.session.ws_connect(f"{harness.url}/{path}", **kwargs)  # type: ignore[arg-type]
    return refused.value.status


async def test_a_charger_offering_ocpp16_gets_it(harness: Harness) -> None:
    charger = harness.add()
    charge_point = await harness.connect()
    assert charge_point.websocket.protocol == "ocpp1.6"
    assert charger.state.online
    assert charger.state.identity.vendor == "ChargeShare"


async def test_a_charger_offering_no_subprotocol_is_treated_as_ocpp16(harness: Harness) -> None:
    charger = harness.add()
    charge_point = await harness.connect(subprotocols=())
    assert charge_point.websocket.protocol is None
    assert charger.state.identity.model == "Simulated Wallbox"


async def test_ocpp16_is_chosen_among_several_offers(harness: Harness) -> None:
    harness.add()
    charge_point = await harness.connect(subprotocols=("ocpp2.0.1", "ocpp1.6"))
    assert charge_point.websocket.protocol == "ocpp1.6"


async def test_a_charger_offering_only_other_versions_is_refused(harness: Harness) -> None:
    charger = harness.add()
    assert await handshake_status(harness, "CP1", protocols=("ocpp2.0.1",)) == 400
    assert not charger.state.online


async def test_the_charge_point_id_is_the_last_path_segment(harness: Harness) -> None:
    charger = harness.add()
    charge_point = await connect(harness.session, f"{harness.url}/ocpp/v16", "CP1")
    harness.connected.append(charge_point)
    await charge_point.boot()
    assert charger.state.online


async def test_an_unknown_charger_is_refused_when_unknown_chargers_may_not_register(
    harness: Harness, caplog: pytest.LogCaptureFixture
) -> None:
    assert await handshake_status(harness, "STRANGER", protocols=("ocpp1.6",)) == 404
    assert await handshake_status(harness, "STRANGER", protocols=("ocpp1.6",)) == 404
    assert caplog.text.count("Refused charge point 'STRANGER'") == 1


@pytest.mark.parametrize(
    "headers", [{}, basic("CP1", "wrong"), {"Authorization": "Bearer x"}, {"Authorization": "Basic !!"}]
)
async def test_a_wrong_or_missing_password_is_refused(harness: Harness, headers: dict[str, str]) -> None:
    harness.add(password="s3cret")
    with pytest.raises(aiohttp.WSServerHandshakeError) as refused:
        await harness.session.ws_connect(f"{harness.url}/CP1", protocols=("ocpp1.6",), headers=headers)
    assert refused.value.status == 401
    assert refused.value.headers is not None
    assert refused.value.headers["WWW-Authenticate"].startswith("Basic")


async def test_the_right_password_lets_the_charger_in_whatever_user_name_it_sends(harness: Harness) -> None:
    charger = harness.add(password="s3cret")
    ws = await harness.session.ws_connect(f"{harness.url}/CP1", protocols=("ocpp1.6",), headers=basic("x", "s3cret"))
    await until(lambda: charger.state.online)
    await ws.close()
    await harness.connect(password="s3cret")
    assert charger.state.online


async def test_an_unknown_charger_waits_pending_and_is_offered(socket_enabled: None) -> None:
    offered: list[tuple[str, BootInfo]] = []
    server = OcppServer("127.0.0.1", 0, on_unknown_charger=lambda cp_id, boot: offered.append((cp_id, boot)))
    await server.async_start()
    try:
        async with aiohttp.ClientSession() as session:
            charge_point = await connect(session, f"ws://127.0.0.1:{server.port}", "NEW1")
            result = await charge_point.boot()
            assert result.status == "Pending"
            assert result.interval == 30
            assert offered == [("NEW1", BootInfo("ChargeShare", "Simulated Wallbox", "SIM-0001", "1.0.0"))]
            assert await charge_point.authorize("CARD") == "Invalid"
            await charge_point.send_status("Available")
            await charge_point.send_meter_values()
            server.add(make_charger("NEW1"))
            await until(lambda: charge_point.websocket.closed)  # asked to redial, now as a known charger
    finally:
        await server.async_stop()


async def test_a_newer_connection_replaces_an_older_one(harness: Harness) -> None:
    charger = harness.add()
    old = await harness.connect()
    new = await harness.connect()
    await until(lambda: old.websocket.closed)
    assert charger.state.online
    await new.send_status("Available")
    await settle()
    assert charger.state.connector_status == "available"


async def test_a_frame_over_the_limit_closes_only_that_connection(
    harness: Harness, caplog: pytest.LogCaptureFixture
) -> None:
    big, small = harness.add("BIG"), harness.add("SMALL")
    big_cp = await harness.connect("BIG")
    small_cp = await harness.connect("SMALL")
    await big_cp.send_raw('[2,"1","DataTransfer",{"vendorId":"x","data":"' + "x" * MAX_FRAME_BYTES + '"}]')
    await until(lambda: big_cp.websocket.closed)
    assert big_cp.websocket.close_code == aiohttp.WSCloseCode.MESSAGE_TOO_BIG
    assert not big.state.online
    assert "BIG: connection closed" in caplog.text
    await small_cp.send_status("Charging")
    await settle()
    assert small.state.connector_status == "charging"


async def test_binary_frames_are_ignored(harness: Harness, caplog: pytest.LogCaptureFixture) -> None:
    charger = harness.add()
    charge_point = await harness.connect()
    await charge_point.websocket.send_bytes(b"\x00\x01")
    await charge_point.send_status("Preparing")
    await settle()
    assert charger.state.connector_status == "preparing"
    assert "ignored a binary frame" in caplog.text


async def test_stopping_the_server_disconnects_its_chargers(socket_enabled: None) -> None:
    server = OcppServer("127.0.0.1", 0)
    await server.async_start()
    port = server.port
    charger = make_charger("CP1")
    server.add(charger)
    async with aiohttp.ClientSession() as session:
        charge_point = await connect(session, f"ws://127.0.0.1:{port}", "CP1")
        await charge_point.boot()
        await server.async_stop()
        await until(lambda: charge_point.websocket.closed)
        assert not charger.state.online
    again = OcppServer("127.0.0.1", port)
    await again.async_start()  # the port is free again
    await again.async_stop()


async def test_a_busy_port_cannot_be_bound(harness: Harness) -> None:
    other = OcppServer("127.0.0.1", harness.server.port)
    with pytest.raises(OSError, match="address already in use"):
        await other.async_start()


async def test_chargers_connect_over_tls(socket_enabled: None, tmp_path) -> None:  # type: ignore[no-untyped-def]
    certfile, keyfile = self_signed_certificate(tmp_path)
    server = OcppServer("127.0.0.1", 0, ssl_context=server_ssl_context(certfile, keyfile))
    charger = make_charger("CP1", password="pw")
    server.add(charger)
    await server.async_start()
    client_context = ssl.create_default_context(cafile=certfile)
    client_context.check_hostname = False
    try:
        async with aiohttp.ClientSession(connector=aiohttp.TCPConnector(ssl=client_context)) as session:
            charge_point = await connect(session, f"wss://127.0.0.1:{server.port}", "CP1", password="pw")
            await charge_point.boot()
            assert charger.state.online
            await charge_point.close()
    finally:
        await server.async_stop()


def test_unusable_tls_files_are_an_error(tmp_path) -> None:  # type: ignore[no-untyped-def]
    (tmp_path / "bad.pem").write_text("not a certificate")
    with pytest.raises(ssl.SSLError):
        server_ssl_context(str(tmp_path / "bad.pem"), str(tmp_path / "bad.pem"))
    with pytest.raises(FileNotFoundError):
        server_ssl_context(str(tmp_path / "missing.pem"), str(tmp_path / "missing.pem"))
