"""The demo's community hub: its two demo accounts, and the demo's Home Assistant linked to it with a listing.

Called by scripts/demo, which starts the hub and Home Assistant:

    python scripts/demo_hub.py accounts DATA_DIR SECRETS_DIR
    python scripts/demo_hub.py wait HUB_URL HUB_PID
    python scripts/demo_hub.py link HUB_URL HASS_URL HASS_PID USERNAME PASSWORD_FILE ENTRIES_FILE CHARGER_ID SECRETS_DIR

`accounts`, before the hub serves: the demo host and the demo driver, with passwords made on the first run and
kept in SECRETS_DIR. `wait`: until the hub answers /healthz. `link`, once Home Assistant runs ChargeShare with
the charger: link it to the hub as a host does (a pairing code in the "Link a ChargeShare hub" config flow),
publish the charger's listing (the link's options flow), wait until the hub lists it, and print what a
driver needs to book it. A link or listing from an earlier run is kept while the hub still knows its token.
"""

from __future__ import annotations

import argparse
import asyncio
from email.message import Message
import json
import os
from pathlib import Path
import secrets
import sys
import time
from typing import Any
import urllib.error
import urllib.request
import uuid

from demo_provision import HomeAssistant, chargeshare_entries, create_entry

from chargeshare_hub.accounts.service import Accounts
from chargeshare_hub.config import load_config
from chargeshare_hub.db.engine import Database
from chargeshare_hub.web.errors import ApiError

HOST_EMAIL = "host@demo.chargeshare.example"
DRIVER_EMAIL = "driver@demo.chargeshare.example"
# (email, name, the file in SECRETS_DIR with its password, its roles)
ACCOUNTS = (
    (HOST_EMAIL, "Hanna Host", "hub-host-password", {"host": True, "driver": False}),
    (DRIVER_EMAIL, "Dario Driver", "hub-driver-password", {"host": False, "driver": True}),
)
DRIVER_TOKEN_FILE = "hub-driver-token"  # noqa: S105 - a file name
DEMO_WALLET_MINOR = 5000  # EUR 50.00: more than the hold of a booked hour of the demo charger
SESSION_COOKIE = "chargeshare_session"
# A fresh Home Assistant's home is at 0° N 0° E, in the sea; the demo's is in Utrecht, among the seeded hosts.
DEMO_HOME = {"latitude": 52.0907, "longitude": 5.1214}
LISTING = {
    "name": "ChargeShare demo charger",
    "address": "Demostraat 1",
    "city": "Utrecht",
    "postal_code": "3511 AA",
    "country": "NLD",
    "price_per_kwh": 0.3,
    "session_fee": 0.0,
    "currency": "EUR",
    "publish": True,
}


def _secret(file: Path) -> str:
    """The secret kept in `file`, made on first use; only the owner may read it."""
    if not file.exists():
        file.touch(mode=0o600)
        file.write_text(secrets.token_urlsafe(12) + "\n")
    return file.read_text().strip()


async def ensure_accounts(data_dir: Path, secrets_dir: Path) -> None:
    """The demo accounts, unless the hub has them. Verified, like the seed's demo accounts: no email goes out."""
    config = load_config(None, os.environ, data_dir=data_dir)
    db = Database.from_config(config)
    try:
        for email, name, password_file, roles in ACCOUNTS:
            try:
                await Accounts(db, config).register(
                    email, _secret(secrets_dir / password_file), name, verified=True, **roles
                )
            except ApiError as err:
                if err.code != "email_taken":
                    raise
    finally:
        await db.close()


class Hub:
    """The hub's JSON API at `base`, as a browser or a script calls it."""

    def __init__(self, base: str) -> None:
        self.base = base

    def call(
        self,
        method: str,
        path: str,
        body: dict[str, Any] | None = None,
        *,
        auth: dict[str, str] | None = None,
        expect: tuple[int, ...] = (200,),
    ) -> tuple[int, Any, Message]:
        headers = dict(auth or {})
        data = None
        if body is not None:
            data = json.dumps(body).encode()
            headers["Content-Type"] = "application/json"
        request = urllib.request.Request(self.base + path, data, headers, method=method)  # noqa: S310 - our URL
        try:
            with urllib.request.urlopen(request, timeout=30) as response:  # noqa: S310
                status, text, received = response.status, response.read().decode(), response.headers
        except urllib.error.HTTPError as err:
            status, text, received = err.code, err.read().decode(errors="replace"), err.headers
        if status not in expect:
            sys.exit(f"The hub answered {method} {path} with HTTP {status}: {text}; see .demo/hub.log")
        return status, json.loads(text) if text.startswith(("{", "[")) else None, received

    def sign_in(self, email: str, password: str) -> dict[str, str]:
        """The headers of a signed-in browser. The cookie is read from the answer: a cookie jar would keep a Secure
        one (a hub's default) from a plain-HTTP address."""
        status, _, received = self.call(
            "POST", "/api/v1/session", {"email": email, "password": password}, expect=(200, 401)
        )
        if status == 401:
            sys.exit(f"The hub refuses {email} with the password in .demo/; delete .demo/hub to start afresh")
        for header in received.get_all("Set-Cookie") or []:
            name, _, rest = header.partition("=")
            if name.strip() == SESSION_COOKIE:
                return {"Cookie": f"{SESSION_COOKIE}={rest.split(';')[0]}"}
        sys.exit("The hub's sign-in answer has no session cookie")

    def sign_out(self, signed_in: dict[str, str]) -> None:
        self.call("DELETE", "/api/v1/session", auth=signed_in, expect=(204,))

    def knows_token(self, token: str) -> bool:
        """Whether a link token still works: /me needs the scope `account`, so a known link token gets 403, an
        unknown, expired or revoked one 401."""
        return self.call("GET", "/api/v1/me", auth=_bearer(token), expect=(401, 403))[0] == 403


def _bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


def wait_for_hub(hub: Hub, pid: int, seconds: float = 60) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            os.kill(pid, 0)
        except ProcessLookupError:
            sys.exit("The hub stopped; see .demo/hub.log")
        try:
            with urllib.request.urlopen(hub.base + "/healthz", timeout=5) as response:  # noqa: S310 - our URL
                if json.loads(response.read()).get("status") == "ok":
                    return
        except OSError:  # not listening yet
            pass
        time.sleep(0.5)
    sys.exit("Gave up waiting for the hub; see .demo/hub.log")


def ensure_link(hass: HomeAssistant, hub: Hub, host: dict[str, str], entries_file: Path) -> tuple[str, bool]:
    """The link entry's id, and whether it has a listing. An entry from an earlier run stays if it links to this
    hub with a token the hub knows; any other goes (a Home Assistant has one link), and so does its token when
    this hub knows it (the hub moved to another port)."""
    kept: dict[str, Any] | None = None
    for entry in chargeshare_entries(entries_file):
        if entry["data"].get("transport") != "hub_link":
            continue
        known = hub.knows_token(entry["data"]["token"])
        if kept is None and known and entry["data"]["hub_url"] == hub.base:
            kept = entry
            continue
        hass.call("DELETE", f"/api/config/config_entries/entry/{entry['entry_id']}")
        if known and entry["data"].get("token_id") is not None:
            hub.call("DELETE", f"/api/v1/tokens/{entry['data']['token_id']}", auth=host, expect=(204, 404))
    if kept is not None:
        return str(kept["entry_id"]), "name" in kept["options"]
    code = hub.call("POST", "/api/v1/pairing-codes", auth=host, expect=(201,))[1]["code"]
    link = {"hub_url": hub.base, "code": code}
    return create_entry(hass, f"the hub at {hub.base}", "hub_link", [link]), False


def publish_listing(hass: HomeAssistant, entry_id: str, charger: str) -> None:
    """Through the link's options flow, as the host saves the listing in the UI: the home zone's place. Then the
    charger's sharing goes on, as a host sharing it would switch it: while off, the hub shows it BLOCKED."""
    home = hass.call("GET", "/api/config")[1]
    if (home["latitude"], home["longitude"]) == (0, 0):
        hass.call("POST", "/api/services/homeassistant/set_location", DEMO_HOME)
        home = hass.call("GET", "/api/config")[1]
    step = hass.call("POST", "/api/config/config_entries/options/flow", {"handler": entry_id})[1]
    answer = {**LISTING, "latitude": home["latitude"], "longitude": home["longitude"], "listed_chargers": [charger]}
    step = hass.call("POST", f"/api/config/config_entries/options/flow/{step['flow_id']}", answer)[1]
    if step["type"] != "create_entry":
        sys.exit(f"The listing's options flow answered {step}; see .demo/hass.log")
    sharing = f"switch.{charger.lower()}_sharing"
    if hass.call("GET", f"/api/states/{sharing}", expect=(200, 404))[0] == 404:
        sys.stderr.write(f"No {sharing} in Home Assistant: the charger is listed but not shared\n")
    else:
        hass.call("POST", "/api/services/switch/turn_on", {"entity_id": sharing})


def listings_of(hub: Hub, host: dict[str, str], charger: str) -> list[dict[str, Any]]:
    """The host's listings of `charger`, newest first."""
    listings = hub.call("GET", "/api/v1/listings", auth=host)[1]["listings"]
    return [listing for listing in listings if any(evse["uid"] == charger for evse in listing["evses"])]


def listed(hub: Hub, host: dict[str, str], charger: str, pid: int, seconds: float = 120) -> dict[str, Any]:
    """The host's listing of `charger` on the hub, once the link has brought it there."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if found := listings_of(hub, host, charger):
            return found[0]
        try:
            os.kill(pid, 0)
        except ProcessLookupError:
            sys.exit("Home Assistant stopped; see .demo/hass.log")
        time.sleep(1)
    sys.exit(f"The hub does not list {charger}: Home Assistant's link did not bring it; see .demo/hass.log")


def driver_token(hub: Hub, secrets_dir: Path) -> str:
    """The demo driver's API token (scope `bookings`), made once and kept while the hub knows it."""
    file = secrets_dir / DRIVER_TOKEN_FILE
    if file.exists():
        token = file.read_text().strip()
        if hub.call("GET", "/api/v1/bookings", auth=_bearer(token), expect=(200, 401))[0] == 200:
            return token
    driver = hub.sign_in(DRIVER_EMAIL, _secret(secrets_dir / ACCOUNTS[1][2]))
    body = {"name": "scripts/demo", "scopes": ["bookings"]}
    token = str(hub.call("POST", "/api/v1/tokens", body, auth=driver, expect=(201,))[1]["token"])
    hub.sign_out(driver)
    file.unlink(missing_ok=True)
    file.touch(mode=0o600)
    file.write_text(token + "\n")
    return token


def fund_wallet(hub: Hub, secrets_dir: Path) -> int:
    """Tops the demo driver's wallet up to DEMO_WALLET_MINOR, so that a booking's payment hold (placed half an hour
    before its slot) finds the money; returns the balance. The demo hub lets drivers top up themselves."""
    driver = hub.sign_in(DRIVER_EMAIL, _secret(secrets_dir / ACCOUNTS[1][2]))
    wallets = hub.call("GET", "/api/v1/wallet", auth=driver)[1]["wallets"]
    balance = next((int(wallet["balance"]) for wallet in wallets if wallet["currency"] == "EUR"), 0)
    if balance < DEMO_WALLET_MINOR:
        body = {"amount": DEMO_WALLET_MINOR - balance, "currency": "EUR"}
        keyed = driver | {"Idempotency-Key": str(uuid.uuid4())}
        balance = int(hub.call("POST", "/api/v1/wallet/top-ups", body, auth=keyed, expect=(201,))[1]["balance"])
    hub.sign_out(driver)
    return balance


def link(args: argparse.Namespace) -> None:
    hub = Hub(args.hub_url)
    hass = HomeAssistant(args.hass_url, args.hass_pid)
    hass.sign_in(args.username, args.password_file.read_text().strip())
    host = hub.sign_in(HOST_EMAIL, _secret(args.secrets_dir / ACCOUNTS[0][2]))
    entry_id, has_listing = ensure_link(hass, hub, host, args.entries_file)
    hass.wait_for("the hub link to load", lambda: _loaded(hass, entry_id), 60)
    if not has_listing:
        # A listing from a link that is gone (the hub moved to another port) would be the charger twice.
        for old in listings_of(hub, host, args.charger):
            hub.call("DELETE", f"/api/v1/listings/{old['id']}", auth=host, expect=(204,))
        publish_listing(hass, entry_id, args.charger)
    listing = listed(hub, host, args.charger, args.hass_pid)
    hub.sign_out(host)
    token = driver_token(hub, args.secrets_dir)
    balance = fund_wallet(hub, args.secrets_dir)
    sys.stdout.write(summary(hub.base, listing, args.charger, args.secrets_dir, token=token, balance=balance) + "\n")


def _loaded(hass: HomeAssistant, entry_id: str) -> bool:
    entries = hass.call("GET", "/api/config/config_entries/entry?domain=chargeshare")[1]
    return any(entry["entry_id"] == entry_id and entry["state"] == "loaded" for entry in entries)


def summary(base: str, listing: dict[str, Any], charger: str, secrets_dir: Path, *, token: str, balance: int) -> str:
    """What scripts/demo prints about the hub: addresses, accounts, and a booking to paste into a shell (the
    period is worked out when pasted: from the next quarter hour, for an hour)."""
    passwords = {email: _secret(secrets_dir / file) for email, _, file, _ in ACCOUNTS}
    place = listing["coordinates"]
    search = f"{base}/api/v1/search?lat={place['latitude']}&lon={place['longitude']}&radius_km=2"
    # JSON in single quotes for the shell, which leaves them for the times: '{... "'"$start"'" ...}'
    period = '"period": {"start_from": "\'"$start"\'", "end_before": "\'"$end"\'"}'
    body = f'{{"location_id": "{listing["id"]}", "evse_uid": "{charger}", {period}}}'
    return f"""\
  Hub        {base} (a JSON API for now: its web pages come later); the demo charger is listing {listing["id"]}
  API docs   {base}/api/v1/openapi.json
  Hub host   {HOST_EMAIL}, password {passwords[HOST_EMAIL]} (Home Assistant is linked to this account)
  Driver     {DRIVER_EMAIL}, password {passwords[DRIVER_EMAIL]}, API token {token},
             EUR {balance / 100:.2f} in the wallet (a booking's payment is held from it half an hour before the slot)
  Find and book the demo charger as the driver (paste into a shell):
    token={token}
    curl -s '{search}'
    now=$(date +%s); start=$(date -u -d @$(( (now / 900 + 1) * 900 )) +%FT%TZ); \
end=$(date -u -d @$(( (now / 900 + 5) * 900 )) +%FT%TZ)
    curl -s -X POST {base}/api/v1/bookings -H "Authorization: Bearer $token" -H 'Content-Type: application/json' \\
      -d '{body}'
  The booking shows in Home Assistant's calendar ({charger} Bookings). To charge as the driver, from 10 minutes
  before its start: stop the host's own car, which the simulator charges (Developer tools > Services >
  ChargeShare: Stop session, device {charger}; the car stays plugged in), then, with the booking's id,
    curl -s -X POST {base}/api/v1/bookings/BOOKING_ID/start -H "Authorization: Bearer $token"
  and watch the session in {base}/api/v1/sessions (same header) and {charger}'s Guest session in Home Assistant."""


def main(argv: list[str]) -> None:
    parser = argparse.ArgumentParser(prog="demo_hub.py", description=__doc__)
    commands = parser.add_subparsers(dest="command", required=True)
    accounts = commands.add_parser("accounts")
    accounts.add_argument("data_dir", type=Path)
    accounts.add_argument("secrets_dir", type=Path)
    wait = commands.add_parser("wait")
    wait.add_argument("hub_url")
    wait.add_argument("hub_pid", type=int)
    linking = commands.add_parser("link")
    linking.add_argument("hub_url")
    linking.add_argument("hass_url")
    linking.add_argument("hass_pid", type=int)
    linking.add_argument("username")
    linking.add_argument("password_file", type=Path)
    linking.add_argument("entries_file", type=Path)
    linking.add_argument("charger")
    linking.add_argument("secrets_dir", type=Path)
    args = parser.parse_args(argv)
    if args.command == "accounts":
        asyncio.run(ensure_accounts(args.data_dir, args.secrets_dir))
    elif args.command == "wait":
        wait_for_hub(Hub(args.hub_url), args.hub_pid)
    else:
        link(args)


if __name__ == "__main__":
    main(sys.argv[1:])
