"""Which id tags may charge."""

from __future__ import annotations

from custom_components.chargeshare.ocpp.authorization import AuthorizationStatus, IdTagAuthorizer


def test_without_a_list_every_tag_may_charge() -> None:
    authorizer = IdTagAuthorizer({}, "HomeAssistant")
    assert not authorizer.in_use
    assert authorizer.status("ANY") is AuthorizationStatus.ACCEPTED


def test_with_a_list_only_listed_tags_may_charge() -> None:
    authorizer = IdTagAuthorizer({"04A1B2": "Anna"}, "HomeAssistant")
    assert authorizer.status("04A1B2") is AuthorizationStatus.ACCEPTED
    assert authorizer.status("FFFFFF") is AuthorizationStatus.INVALID


def test_tags_compare_without_case_and_keep_their_names() -> None:
    authorizer = IdTagAuthorizer({"04A1B2": "Anna"}, "HomeAssistant")
    assert authorizer.status("04a1b2") is AuthorizationStatus.ACCEPTED
    assert authorizer.name("04a1b2") == "Anna"
    assert authorizer.name("other") is None


def test_our_own_remote_start_tag_is_always_accepted() -> None:
    authorizer = IdTagAuthorizer({"04A1B2": "Anna"}, "HomeAssistant")
    assert authorizer.status("HomeAssistant") is AuthorizationStatus.ACCEPTED
