"""Our compiled validation gives the ocpp library's verdicts: the same messages pass, the same errors come back."""

from __future__ import annotations

from typing import Any

from ocpp.exceptions import OCPPError
from ocpp.messages import Call, CallResult, _validate_payload
import pytest

from custom_components.chargeshare.ocpp.validation import Validators

METER = {"value": "1.0", "measurand": "Energy.Active.Import.Register", "unit": "Wh", "context": "Sample.Periodic"}
REQUESTS: list[tuple[str, Any]] = [
    ("BootNotification", {"chargePointVendor": "V", "chargePointModel": "M"}),
    ("BootNotification", {"chargePointVendor": "V" * 21, "chargePointModel": "M"}),
    ("BootNotification", {"chargePointModel": "M"}),
    ("BootNotification", {"chargePointVendor": "V", "chargePointModel": "M", "extra": 1}),
    ("BootNotification", {"chargePointVendor": 7, "chargePointModel": "M"}),
    ("Heartbeat", {}),
    ("Heartbeat", {"x": 1}),
    ("StatusNotification", {"connectorId": 1, "errorCode": "NoError", "status": "Charging"}),
    ("StatusNotification", {"connectorId": 1, "errorCode": "NoError", "status": "Sleeping"}),
    ("StatusNotification", {"connectorId": 1, "errorCode": "NoError", "status": "Charging", "timestamp": "whenever"}),
    ("MeterValues", {"connectorId": 1, "meterValue": [{"timestamp": "2026-11-21T10:00:00Z", "sampledValue": [METER]}]}),
    ("MeterValues", {"connectorId": 1, "meterValue": [{"timestamp": "2026-11-21T10:00:00", "sampledValue": [METER]}]}),
    ("MeterValues", {"connectorId": 1, "meterValue": [{"sampledValue": [METER]}]}),
    ("MeterValues", {"connectorId": 1, "meterValue": [{"timestamp": "t", "sampledValue": [{**METER, "unit": "Hz"}]}]}),
    ("MeterValues", {"connectorId": "1", "meterValue": []}),
    ("Authorize", {"idTag": "04A1B2"}),
    ("Authorize", {"idTag": "X" * 21}),
    ("StartTransaction", {"connectorId": 1, "idTag": "A", "meterStart": 0, "timestamp": "2026-11-21T10:00:00Z"}),
    ("StartTransaction", {"connectorId": 1, "idTag": "A", "meterStart": 0.5, "timestamp": "2026-11-21T10:00:00Z"}),
    ("StopTransaction", {"meterStop": 5, "timestamp": "2026-11-21T10:00:00Z", "transactionId": 1, "reason": "Remote"}),
    ("StopTransaction", {"meterStop": 5, "timestamp": "2026-11-21T10:00:00Z", "transactionId": 1, "reason": "Bored"}),
    ("DataTransfer", {"vendorId": "x", "data": "anything"}),
    ("FirmwareStatusNotification", {"status": "Installed"}),
    ("DiagnosticsStatusNotification", {"status": "Uploaded"}),
]
RESPONSES: list[tuple[str, Any]] = [
    ("BootNotification", {"currentTime": "2026-11-21T10:00:00Z", "interval": 300, "status": "Accepted"}),
    ("BootNotification", {"currentTime": "2026-11-21T10:00:00Z", "interval": "300", "status": "Accepted"}),
    ("StartTransaction", {"transactionId": 1, "idTagInfo": {"status": "Invalid"}}),
    ("StartTransaction", {"idTagInfo": {"status": "Accepted"}}),
    ("Authorize", {"idTagInfo": {"status": "Maybe"}}),
    ("MeterValues", {}),
]
VALIDATORS = Validators({action for action, _ in REQUESTS + RESPONSES})


def library_verdict(message: Call | CallResult) -> type[OCPPError] | None:
    try:
        _validate_payload(message, "1.6")
    except OCPPError as err:
        return type(err)
    return None


def our_verdict(check: Any, action: str, payload: Any) -> type[OCPPError] | None:
    try:
        check(action, payload)
    except OCPPError as err:
        return type(err)
    return None


@pytest.mark.parametrize(("action", "payload"), REQUESTS)
def test_requests_get_the_librarys_verdict(action: str, payload: Any) -> None:
    expected = library_verdict(Call("1", action, payload))
    assert our_verdict(VALIDATORS.validate_request, action, payload) is expected


@pytest.mark.parametrize(("action", "payload"), RESPONSES)
def test_responses_get_the_librarys_verdict(action: str, payload: Any) -> None:
    response = CallResult("1", payload)
    response.action = action
    expected = library_verdict(response)
    assert our_verdict(VALIDATORS.validate_response, action, payload) is expected


def test_the_corpus_has_both_verdicts() -> None:
    verdicts = {library_verdict(Call("1", action, payload)) for action, payload in REQUESTS}
    assert None in verdicts
    assert len(verdicts) >= 4  # passes, and several kinds of violation
