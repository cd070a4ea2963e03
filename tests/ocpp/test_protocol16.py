"""What a charge point's bad frames get: the CALLERROR OCPP 1.6 defines, or one log line, never a dead connection."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
import json
from typing import Any

import aiohttp
import pytest

from custom_components.chargeshare.charger import ChargerNotSupported, ChargerRejected, ChargerTimeout
from custom_components.chargeshare.ocpp import protocol16

from .conftest import Harness, settle


async def exchange(ws: aiohttp.ClientWebSocketResponse, frame: Any) -> list[Any]:
    await ws.send_str(frame if isinstance(frame, str) else json.dumps(frame))
    return json.loads(await ws.receive_str(timeout=3))


async def test_a_valid_call_gets_a_call_result(harness: Harness) -> None:
    harness.add()
    ws = await harness.raw_client()
    reply = await exchange(ws, [2, "1", "Heartbeat", {}])
    assert reply[:2] == [3, "1"]
    assert "currentTime" in reply[2]


async def test_malformed_json_is_dropped_with_one_log_line(harness: Harness, caplog: pytest.LogCaptureFixture) -> None:
    harness.add()
    ws = await harness.raw_client()
    await ws.send_str("{not json")
    reply = await exchange(ws, [2, "2", "Heartbeat", {}])
    assert reply[:2] == [3, "2"]  # no answer to the bad frame, and the connection lives on
    warnings = [r for r in caplog.records if r.levelname == "WARNING" and "malformed" in r.getMessage()]
    assert len(warnings) == 1
    assert warnings[0].exc_info is None


@pytest.mark.parametrize(
    ("frame", "code"),
    [
        ([2, "7", "FooBar", {}], "NotSupported"),
        ([2, "7", "ReserveNow", {}], "NotImplemented"),
        ([2, "7", "Heartbeat", {"unexpected": 1}], "FormationViolation"),
        ([2, "7", "Heartbeat", []], "FormationViolation"),
        ([2, "7", "StatusNotification", {"connectorId": 1, "errorCode": "NoError"}], "ProtocolError"),
        (
            [2, "7", "StatusNotification", {"connectorId": "one", "errorCode": "NoError", "status": "Available"}],
            "TypeConstraintViolation",
        ),
        ([2, "7", "Authorize", {"idTag": "X" * 21}], "TypeConstraintViolation"),
        (
            [2, "7", "StatusNotification", {"connectorId": 1, "errorCode": "NoError", "status": "Sleeping"}],
            "FormationViolation",
        ),
        ([2, "7"], "ProtocolError"),
    ],
)
async def test_bad_calls_get_the_ocpp16_error_code(
    harness: Harness, caplog: pytest.LogCaptureFixture, frame: list[Any], code: str
) -> None:
    harness.add()
    ws = await harness.raw_client()
    reply = await exchange(ws, frame)
    assert reply[0] == 4
    assert reply[1] == "7"
    assert reply[2] == code
    assert all(r.exc_info is None for r in caplog.records)


async def test_a_frame_that_is_not_a_call_and_cannot_be_parsed_is_dropped(harness: Harness) -> None:
    harness.add()
    ws = await harness.raw_client()
    await ws.send_str(json.dumps({"not": "a list"}))
    await ws.send_str(json.dumps([9, "x", "Heartbeat", {}]))
    reply = await exchange(ws, [2, "8", "Heartbeat", {}])
    assert reply[:2] == [3, "8"]


async def test_a_charger_with_validation_off_may_break_the_schema(harness: Harness) -> None:
    charger = harness.add(validate_messages=False)
    ws = await harness.raw_client()
    boot = {"chargePointVendor": "V" * 30, "chargePointModel": "M", "vendorSpecific": True}
    reply = await exchange(ws, [2, "1", "BootNotification", boot])
    assert reply[0] == 3
    assert reply[2]["status"] == "Accepted"
    assert charger.state.identity.vendor == "V" * 30


async def test_without_validation_a_missing_field_is_still_a_protocol_error(harness: Harness) -> None:
    harness.add(validate_messages=False)
    ws = await harness.raw_client()
    reply = await exchange(ws, [2, "1", "BootNotification", {"chargePointModel": "M"}])
    assert reply[:3] == [4, "1", "ProtocolError"]


async def test_validation_is_on_by_default(harness: Harness) -> None:
    harness.add()
    ws = await harness.raw_client()
    reply = await exchange(ws, [2, "1", "BootNotification", {"chargePointVendor": "V" * 30, "chargePointModel": "M"}])
    assert reply[:3] == [4, "1", "TypeConstraintViolation"]


@pytest.mark.parametrize(
    ("answer", "error"),
    [
        (lambda unique_id: [4, unique_id, "GenericError", "nope", {}], ChargerRejected),
        (lambda unique_id: [4, unique_id, "NotImplemented", "", {}], ChargerNotSupported),
        (lambda unique_id: [3, unique_id, {"status": "Maybe"}], ChargerRejected),
    ],
    ids=["call error", "not implemented", "schema violation"],
)
async def test_bad_answers_to_our_requests_become_typed_errors(
    harness: Harness, answer: Callable[[str], list[Any]], error: type[Exception]
) -> None:
    charger = harness.add()
    ws = await harness.raw_client()
    await settle()

    async def reply() -> None:
        request = json.loads(await ws.receive_str(timeout=3))
        await ws.send_str(json.dumps(answer(request[1])))

    task = asyncio.get_running_loop().create_task(reply())
    with pytest.raises(error):
        await charger.async_reset()
    await task


async def test_a_charger_that_does_not_answer_times_out(harness: Harness, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(protocol16, "RESPONSE_TIMEOUT_S", 0.1)
    charger = harness.add()
    await harness.raw_client()
    await settle()
    with pytest.raises(ChargerTimeout):
        await charger.async_get_configuration()
