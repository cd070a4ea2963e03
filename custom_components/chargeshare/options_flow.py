"""Options: add, edit and remove chargers; manage the id tags (RFID cards) that may charge; the site's meters.

Every change applies at once without restarting the server (see runtime.py).
"""

from __future__ import annotations

from typing import Any

from homeassistant.config_entries import ConfigEntry
from homeassistant.data_entry_flow import FlowResult
from homeassistant.helpers.selector import SelectOptionDict, SelectSelector, SelectSelectorConfig, TextSelector
import voluptuous as vol

from .const import CONF_CHARGE_POINT_ID, CONF_CHARGERS, CONF_ID_TAG, CONF_ID_TAGS
from .control_flow import SiteOptionsFlow
from .flow_schemas import charger_schema, configured_charge_point_ids, validate_charge_point_id

_NAME = "name"
_MAX_ID_TAG_LENGTH = 20  # OCPP 1.6 idToken: CiString20


class ChargeShareOptionsFlow(SiteOptionsFlow):
    def __init__(self, entry: ConfigEntry) -> None:
        self._entry = entry
        self._charger_id: str | None = None

    @property
    def _chargers(self) -> dict[str, dict[str, Any]]:
        return dict(self._entry.options.get(CONF_CHARGERS, {}))

    @property
    def _tags(self) -> dict[str, str]:
        return dict(self._entry.options.get(CONF_ID_TAGS, {}))

    def _save(self, **changes: Any) -> FlowResult:
        return self.async_create_entry(title="", data={**self._entry.options, **changes})

    async def async_step_init(self, user_input: dict[str, Any] | None = None) -> FlowResult:
        menu = ["add_charger"]
        if self._chargers:
            menu += ["pick_charger", "remove_charger"]
        menu.append("add_id_tag")
        if self._tags:
            menu.append("remove_id_tags")
        menu.append("site")
        return self.async_show_menu(step_id="init", menu_options=menu)

    async def async_step_add_charger(self, user_input: dict[str, Any] | None = None) -> FlowResult:
        errors: dict[str, str] = {}
        if user_input is not None:
            charge_point_id = user_input.pop(CONF_CHARGE_POINT_ID).strip()
            errors = validate_charge_point_id(charge_point_id, configured_charge_point_ids(self.hass))
            if not errors:
                return self._save(**{CONF_CHARGERS: {**self._chargers, charge_point_id: user_input}})
            user_input[CONF_CHARGE_POINT_ID] = charge_point_id
        return self.async_show_form(
            step_id="add_charger", data_schema=charger_schema(user_input, with_id=True), errors=errors
        )

    async def async_step_pick_charger(self, user_input: dict[str, Any] | None = None) -> FlowResult:
        if user_input is not None:
            self._charger_id = user_input[CONF_CHARGE_POINT_ID]
            return await self.async_step_edit_charger()
        return self.async_show_form(step_id="pick_charger", data_schema=self._charger_choice())

    async def async_step_edit_charger(self, user_input: dict[str, Any] | None = None) -> FlowResult:
        assert self._charger_id is not None
        if user_input is not None:
            return self._save(**{CONF_CHARGERS: {**self._chargers, self._charger_id: user_input}})
        return self.async_show_form(
            step_id="edit_charger",
            data_schema=charger_schema(self._chargers[self._charger_id], with_id=False),
            description_placeholders={"charge_point_id": self._charger_id},
        )

    async def async_step_remove_charger(self, user_input: dict[str, Any] | None = None) -> FlowResult:
        if user_input is not None:
            chargers = self._chargers
            del chargers[user_input[CONF_CHARGE_POINT_ID]]
            return self._save(**{CONF_CHARGERS: chargers})
        return self.async_show_form(step_id="remove_charger", data_schema=self._charger_choice())

    async def async_step_add_id_tag(self, user_input: dict[str, Any] | None = None) -> FlowResult:
        errors: dict[str, str] = {}
        if user_input is not None:
            tag = user_input[CONF_ID_TAG].strip()
            if not 0 < len(tag) <= _MAX_ID_TAG_LENGTH:
                errors[CONF_ID_TAG] = "invalid_id_tag"
            else:
                tags = {t: n for t, n in self._tags.items() if t.casefold() != tag.casefold()}
                return self._save(**{CONF_ID_TAGS: {**tags, tag: user_input.get(_NAME, "").strip()}})
        return self.async_show_form(
            step_id="add_id_tag",
            data_schema=vol.Schema({vol.Required(CONF_ID_TAG): TextSelector(), vol.Optional(_NAME): TextSelector()}),
            errors=errors,
        )

    async def async_step_remove_id_tags(self, user_input: dict[str, Any] | None = None) -> FlowResult:
        if user_input is not None:
            removed = set(user_input[CONF_ID_TAGS])
            return self._save(**{CONF_ID_TAGS: {t: n for t, n in self._tags.items() if t not in removed}})
        options = [
            SelectOptionDict(value=tag, label=f"{name} ({tag})" if name else tag) for tag, name in self._tags.items()
        ]
        return self.async_show_form(
            step_id="remove_id_tags",
            data_schema=vol.Schema(
                {vol.Required(CONF_ID_TAGS): SelectSelector(SelectSelectorConfig(options=options, multiple=True))}
            ),
        )

    def _charger_choice(self) -> vol.Schema:
        return vol.Schema(
            {vol.Required(CONF_CHARGE_POINT_ID): SelectSelector(SelectSelectorConfig(options=list(self._chargers)))}
        )
