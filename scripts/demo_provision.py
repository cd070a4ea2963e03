"""Prepare the demo's Home Assistant: sign in (onboarding on the first run) and configure ChargeShare.

Called by scripts/demo while Home Assistant starts. The integration is set up through the same REST
config flow the UI uses; an entry from an earlier run is kept, with its sessions, unless its address (or
a Modbus charger's profile) differs from what is asked now.

    python scripts/demo_provision.py URL HASS_PID USERNAME PASSWORD_FILE ENTRIES_FILE ocpp HOST PORT CHARGER_ID
    python scripts/demo_provision.py URL HASS_PID USERNAME PASSWORD_FILE ENTRIES_FILE modbus HOST PORT PROFILE

OCPP: the integration's server listens on HOST:PORT for the charger CHARGER_ID. Modbus: the integration
polls the charger at HOST:PORT, which speaks as PROFILE says.
"""

from __future__ import annotations

from collections.abc import Callable
import json
import os
from pathlib import Path
import signal
import sys
import time
from typing import Any, TypeVar
import urllib.error
import urllib.parse
import urllib.request

_T = TypeVar("_T")


class HomeAssistant:
    """Home Assistant's REST API at `base`, as the browser uses it."""

    def __init__(self, base: str, pid: int) -> None:
        self.base = base
        self.client_id = base + "/"
        self.pid = pid
        self.token: str | None = None

    def call(
        self,
        method: str,
        path: str,
        body: dict[str, Any] | None = None,
        *,
        form: bool = False,
        expect: tuple[int, ...] = (200,),
    ) -> tuple[int, Any]:
        headers = {"Authorization": f"Bearer {self.token}"} if self.token else {}
        data = None
        if body is not None:
            data = urllib.parse.urlencode(body).encode() if form else json.dumps(body).encode()
            headers["Content-Type"] = "application/x-www-form-urlencoded" if form else "application/json"
        request = urllib.request.Request(self.base + path, data, headers, method=method)  # noqa: S310 - our URL
        try:
            with urllib.request.urlopen(request, timeout=120) as response:  # noqa: S310
                status, text = response.status, response.read().decode()
        except urllib.error.HTTPError as err:
            status, text = err.code, err.read().decode(errors="replace")
        if status not in expect:
            sys.exit(f"{method} {path} answered HTTP {status}: {text}; see .demo/hass.log")
        return status, json.loads(text) if text.startswith(("{", "[")) else text

    def wait_for(self, what: str, check: Callable[[], _T], seconds: float) -> _T:
        deadline = time.monotonic() + seconds
        while time.monotonic() < deadline:
            try:
                os.kill(self.pid, 0)
            except ProcessLookupError:
                sys.exit("Home Assistant stopped; see .demo/hass.log")
            try:
                if result := check():
                    return result
            except OSError:  # not listening yet
                pass
            time.sleep(1)
        sys.exit(f"Gave up waiting for {what}; see .demo/hass.log")

    def token_for(self, code: str) -> str:
        body = {"grant_type": "authorization_code", "code": code, "client_id": self.client_id}
        return str(self.call("POST", "/auth/token", body, form=True)[1]["access_token"])

    def sign_in(self, username: str, password: str) -> None:
        body: dict[str, Any] = {
            "client_id": self.client_id,
            "handler": ["homeassistant", None],
            "redirect_uri": self.client_id,
        }
        flow = self.call("POST", "/auth/login_flow", body)[1]
        body = {"client_id": self.client_id, "username": username, "password": password}
        result = self.call("POST", f"/auth/login_flow/{flow['flow_id']}", body)[1]
        if result["type"] != "create_entry":
            sys.exit(f"Cannot sign in as {username} with the password in .demo/password; delete .demo/ to start afresh")
        self.token = self.token_for(result["result"])

    def onboard_or_sign_in(self, username: str, password: str) -> None:
        """Until onboarding is complete, /api/onboarding lists its steps; afterwards it is gone (404)."""
        status, steps = self.wait_for(
            "the web server", lambda: self.call("GET", "/api/onboarding", expect=(200, 404)), 600
        )
        to_do = [step["step"] for step in steps if not step["done"]] if status == 200 else []
        if "user" in to_do:
            body = {
                "client_id": self.client_id,
                "name": "Demo",
                "username": username,
                "password": password,
                "language": "en",
            }
            self.token = self.token_for(self.call("POST", "/api/onboarding/users", body)[1]["auth_code"])
        else:
            self.sign_in(username, password)
        # As in the browser; the core_config step also sets up what a new Home Assistant offers (weather, radio).
        bodies = {
            "core_config": {},
            "analytics": {},
            "integration": {"client_id": self.client_id, "redirect_uri": self.client_id},
        }
        for step in to_do:
            if step != "user":
                self.call("POST", f"/api/onboarding/{step}", bodies[step])
        self.wait_for("the start to finish", lambda: self.call("GET", "/api/config")[1]["state"] == "RUNNING", 600)


def chargeshare_entries(entries_file: Path) -> list[dict[str, Any]]:
    """ChargeShare's entries as saved by Home Assistant: its REST API leaves out their data and options."""
    entries = json.loads(entries_file.read_text())["data"]["entries"] if entries_file.exists() else []
    return [entry for entry in entries if entry["domain"] == "chargeshare"]


def create_entry(hass: HomeAssistant, what: str, menu_choice: str, answers: list[dict[str, Any]]) -> str:
    """Go through ChargeShare's config flow: the menu, then one answer per form; the new entry's id."""
    step = hass.call("POST", "/api/config/config_entries/flow", {"handler": "chargeshare"})[1]
    for answer in ({"next_step_id": menu_choice}, *answers):
        if step["type"] not in ("menu", "form") or step.get("errors"):
            break
        step = hass.call("POST", f"/api/config/config_entries/flow/{step['flow_id']}", answer)[1]
    if step["type"] == "create_entry":
        return str(step["result"]["entry_id"])
    if step.get("errors"):
        errors = ", ".join(code if field == "base" else f"{field}: {code}" for field, code in step["errors"].items())
        problem = f"its {step['step_id']} step answered {errors}"
    elif step["type"] == "abort":
        problem = f"it stopped: {step['reason']}"
    else:
        problem = f"it answered {step}"
    sys.exit(f"The config flow cannot set up ChargeShare for {what}: {problem}; see .demo/hass.log")


def configure_ocpp(hass: HomeAssistant, entries: list[dict[str, Any]], host: str, port: int, charger: str) -> str:
    """The id of the entry that serves `charger` on host:port, created through the config flow if need be."""
    ours = [entry for entry in entries if charger in entry["options"].get("chargers", {})]
    if ours and (ours[0]["data"]["host"], ours[0]["data"]["port"]) == (host, port):
        return str(ours[0]["entry_id"])
    for entry in ours:
        hass.call("DELETE", f"/api/config/config_entries/entry/{entry['entry_id']}")
    server = {"host": host, "port": port, "allow_unknown_chargers": True}
    first_charger = {
        "charge_point_id": charger,
        "max_current": 16,
        "phases": "3",
        "connector_type": "type2_socket",
        "skip_schema_validation": False,
    }
    return create_entry(hass, f"the OCPP charger {charger}", "ocpp", [server, first_charger])


def configure_modbus(hass: HomeAssistant, entries: list[dict[str, Any]], host: str, port: int, profile: str) -> str:
    """The id of the entry that polls the `profile` charger at host:port, created through the config flow if need be.

    scripts/demo runs one simulator at a time, always on the same host: a Modbus entry for that host with
    another port or profile is from an earlier run, and goes.
    """
    ours = [entry for entry in entries if entry["data"].get("transport") == "modbus" and entry["data"]["host"] == host]
    for entry in ours:
        if (entry["data"]["port"], entry["data"]["profile"]) == (port, profile):
            return str(entry["entry_id"])
    for entry in ours:
        hass.call("DELETE", f"/api/config/config_entries/entry/{entry['entry_id']}")
    # No unit id: the profile's, as the simulator uses. The settings form's defaults are what a user gets by
    # pressing Submit, and suit every profile (the current is capped at the profile's maximum).
    connection = {"host": host, "port": port, "profile": profile}
    return create_entry(hass, f"the Modbus charger at {host}:{port} ({profile})", "modbus", [connection, {}])


def main(argv: list[str]) -> None:
    signal.signal(signal.SIGINT, signal.SIG_DFL)  # Ctrl-C: stop quietly, scripts/demo's trap cleans up
    base, hass_pid, username, password_file, entries_file, transport, host, port, name = argv
    configure = {"ocpp": configure_ocpp, "modbus": configure_modbus}[transport]
    hass = HomeAssistant(base, int(hass_pid))
    hass.onboard_or_sign_in(username, Path(password_file).read_text().strip())
    entry_id = configure(hass, chargeshare_entries(Path(entries_file)), host, int(port), name)

    def loaded() -> bool:
        entries = hass.call("GET", "/api/config/config_entries/entry?domain=chargeshare")[1]
        return any(e["entry_id"] == entry_id and e["state"] == "loaded" for e in entries)

    hass.wait_for("ChargeShare to load", loaded, 60)


if __name__ == "__main__":
    main(sys.argv[1:])
