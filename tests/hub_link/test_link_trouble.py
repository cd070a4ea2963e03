"""When the hub refuses the link, goes away, speaks another protocol or stops answering."""

from __future__ import annotations

import asyncio
from datetime import timedelta

from homeassistant import config_entries
from homeassistant.core import HomeAssistant
from homeassistant.helpers import issue_registry as ir
from homeassistant.util import dt as dt_util
import pytest
from pytest_homeassistant_custom_component.common import MockConfigEntry, async_fire_time_changed

from custom_components.chargeshare.const import DOMAIN
from tests.waiting import until

from .conftest import link_of
from .fake_hub import FakeHub


def reauth_flows(hass: HomeAssistant, entry: MockConfigEntry) -> list[object]:
    return [
        flow
        for flow in hass.config_entries.flow.async_progress()
        if flow["context"].get("source") == config_entries.SOURCE_REAUTH
        and flow["context"].get("entry_id") == entry.entry_id
    ]


async def test_a_refused_token_starts_reauthentication_and_the_link_stops_dialing(
    hub: FakeHub, hass: HomeAssistant, link_entry: MockConfigEntry
) -> None:
    hub.tokens.clear()
    assert await hass.config_entries.async_setup(link_entry.entry_id)
    await until(lambda: len(reauth_flows(hass, link_entry)) == 1)
    await hass.async_block_till_done()
    assert hub.attempts == 1
    assert not link_of(link_entry).connected
    assert "refused the link token (HTTP 401)" in (link_of(link_entry).last_error or "")


async def test_a_token_without_the_link_scope_is_treated_alike(
    hub: FakeHub, hass: HomeAssistant, link_entry: MockConfigEntry
) -> None:
    hub.refuse_with = 403
    assert await hass.config_entries.async_setup(link_entry.entry_id)
    await until(lambda: len(reauth_flows(hass, link_entry)) == 1)
    assert hub.attempts == 1


async def test_bye_revoked_starts_reauthentication(hub: FakeHub, hass: HomeAssistant, linked: MockConfigEntry) -> None:
    await hub.bye("revoked")
    await until(lambda: len(reauth_flows(hass, linked)) == 1)
    await hass.async_block_till_done()
    assert hub.connections == 1
    assert link_of(linked).last_error == "the hub revoked the link token"


async def test_bye_revoked_instead_of_welcome_starts_reauthentication(
    hub: FakeHub, hass: HomeAssistant, link_entry: MockConfigEntry
) -> None:
    hub.bye_on_hello = "revoked"
    assert await hass.config_entries.async_setup(link_entry.entry_id)
    await until(lambda: len(reauth_flows(hass, link_entry)) == 1)
    await hass.async_block_till_done()
    assert hub.attempts == 1


async def test_bye_shutdown_means_dial_again_with_backoff(
    hub: FakeHub, hass: HomeAssistant, linked: MockConfigEntry, waits: list[float]
) -> None:
    await hub.bye("shutdown")
    await until(lambda: hub.connections == 2 and link_of(linked).connected)
    assert waits == [2.0]  # the first wait of the backoff (jitter takes its maximum here)
    assert reauth_flows(hass, linked) == []


async def test_waits_grow_exponentially_and_start_over_after_a_stable_connection(
    hub: FakeHub, hass: HomeAssistant, link_entry: MockConfigEntry, waits: list[float]
) -> None:
    hub.refuse_with = 503
    assert await hass.config_entries.async_setup(link_entry.entry_id)
    await until(lambda: len(waits) >= 5)
    assert waits[:5] == [2.0, 4.0, 8.0, 16.0, 32.0]
    assert "HTTP 503" in (link_of(link_entry).last_error or "")


async def test_a_hub_that_does_not_speak_this_protocol_raises_a_repair_issue_and_is_tried_hourly(
    hub: FakeHub, hass: HomeAssistant, link_entry: MockConfigEntry, waits: list[float]
) -> None:
    hub.protocols = ("chargeshare.link.v2",)
    assert await hass.config_entries.async_setup(link_entry.entry_id)
    await until(lambda: len(waits) >= 1)
    assert waits[0] == 3600.0
    issue = ir.async_get(hass).async_get_issue(DOMAIN, "hub_link_incompatible")
    assert issue is not None
    assert issue.translation_placeholders is not None
    assert "chargeshare.link.v1" in issue.translation_placeholders["error"]
    hub.protocols = ("chargeshare.link.v1",)
    await until(lambda: link_of(link_entry).connected)
    assert ir.async_get(hass).async_get_issue(DOMAIN, "hub_link_incompatible") is None


async def test_a_hub_that_refuses_the_subprotocol_before_the_upgrade_is_incompatible_too(
    hub: FakeHub, hass: HomeAssistant, link_entry: MockConfigEntry, waits: list[float]
) -> None:
    hub.refuse_with = 400
    assert await hass.config_entries.async_setup(link_entry.entry_id)
    await until(lambda: len(waits) >= 1)
    assert waits[0] == 3600.0
    assert ir.async_get(hass).async_get_issue(DOMAIN, "hub_link_incompatible") is not None


async def test_a_link_down_for_more_than_30_minutes_raises_a_repair_issue_that_clears_itself(
    hub: FakeHub, hass: HomeAssistant, linked: MockConfigEntry
) -> None:
    issues = ir.async_get(hass)
    hub.refuse_with = 503
    await hub.drop()
    await until(lambda: not link_of(linked).connected)
    async_fire_time_changed(hass, dt_util.utcnow() + timedelta(minutes=29))
    await hass.async_block_till_done()
    assert issues.async_get_issue(DOMAIN, "hub_link_down") is None
    async_fire_time_changed(hass, dt_util.utcnow() + timedelta(minutes=31))
    await hass.async_block_till_done()
    issue = issues.async_get_issue(DOMAIN, "hub_link_down")
    assert issue is not None
    assert issue.translation_placeholders is not None
    # The last error; firing the timers of half an hour may also time out the attempt under way.
    assert issue.translation_placeholders["error"] in ("the hub answered HTTP 503", "the hub did not answer in time")
    assert issue.translation_placeholders["url"] == hub.url
    hub.refuse_with = None
    await until(lambda: link_of(linked).connected)
    assert issues.async_get_issue(DOMAIN, "hub_link_down") is None


async def test_a_replaced_connection_waits_the_longest_backoff_before_taking_the_link_back(
    hub: FakeHub, hass: HomeAssistant, linked: MockConfigEntry, waits: list[float]
) -> None:
    await hub.drop(code=4000)
    await until(lambda: hub.connections == 2 and link_of(linked).connected)
    assert waits == [300.0]


async def test_two_missed_pongs_close_the_connection_and_it_is_dialed_again(
    hub: FakeHub, hass: HomeAssistant, link_entry: MockConfigEntry, caplog: pytest.LogCaptureFixture
) -> None:
    hub.autoping = False  # the hub answers no ping
    hub.welcome["heartbeat_s"] = 0.05
    assert await hass.config_entries.async_setup(link_entry.entry_id)
    await until(lambda: hub.connections >= 2)
    assert "the hub answered none of 2 pings" in caplog.text


async def test_a_hub_that_answers_pings_keeps_the_connection(
    hub: FakeHub, hass: HomeAssistant, link_entry: MockConfigEntry
) -> None:
    hub.welcome["heartbeat_s"] = 0.02
    assert await hass.config_entries.async_setup(link_entry.entry_id)
    await until(lambda: link_of(link_entry).connected)
    await asyncio.sleep(0.3)
    assert hub.connections == 1
    assert link_of(link_entry).connected
