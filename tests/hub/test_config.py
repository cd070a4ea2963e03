"""Settings come from defaults, a TOML file, the environment and options, in that order; secrets stay hidden."""

from __future__ import annotations

from pathlib import Path

import pytest

from chargeshare_hub.config import ConfigError, HubConfig, load_config, with_secret


def test_later_sources_override_earlier_ones(tmp_path: Path) -> None:
    file = tmp_path / "hub.toml"
    file.write_text('[hub]\nport = 9000\nhost = "0.0.0.0"\nsecure_cookies = false\n')

    config = load_config(file, {"CHARGESHARE_HUB_PORT": "9100", "OTHER": "x"}, port=None, host="127.0.0.1")

    assert (config.port, config.host, config.secure_cookies) == (9100, "127.0.0.1", False)


def test_the_default_database_is_an_sqlite_file_in_the_data_folder(tmp_path: Path) -> None:
    config = HubConfig(data_dir=tmp_path)

    assert config.database_url == f"sqlite+aiosqlite:///{tmp_path.resolve() / 'hub.sqlite3'}"
    assert HubConfig(database="postgresql://hub@db/hub").database_url == "postgresql+asyncpg://hub@db/hub"


@pytest.mark.parametrize(
    ("environ", "message"),
    [
        ({"CHARGESHARE_HUB_PORTS": "1"}, "environment: unknown setting 'ports'"),
        ({"CHARGESHARE_HUB_SECURE_COOKIES": "maybe"}, "environment: secure_cookies must be true or false, got 'maybe'"),
        ({"CHARGESHARE_HUB_DATABASE": "oracle://x"}, "database: expected sqlite:///<file> or postgresql://"),
        ({"CHARGESHARE_HUB_WORKERS": "0"}, "workers: must be at least 1, got 0"),
    ],
)
def test_bad_settings_name_the_setting_and_the_source(environ: dict[str, str], message: str) -> None:
    with pytest.raises(ConfigError) as raised:
        load_config(None, environ)

    assert str(raised.value).startswith(message)


def test_a_broken_file_is_reported_with_its_path(tmp_path: Path) -> None:
    file = tmp_path / "hub.toml"
    file.write_text("port = ")

    with pytest.raises(ConfigError, match=f"^{file}: not valid TOML"):
        load_config(file, {})
    with pytest.raises(ConfigError, match="cannot be read"):
        load_config(tmp_path / "missing.toml", {})


def test_secrets_never_show_in_descriptions() -> None:
    config = HubConfig(secret_key="s3cret", database="postgresql://hub:pa55word@db/hub")

    shown = repr(config)

    assert "s3cret" not in shown
    assert "pa55word" not in shown
    assert "postgresql://hub:***@db/hub" in shown


def test_the_signing_key_is_made_once_and_kept_private(tmp_path: Path) -> None:
    first = with_secret(HubConfig(data_dir=tmp_path))
    second = with_secret(HubConfig(data_dir=tmp_path))

    assert first.secret_key == second.secret_key
    assert len(first.secret_key) >= 48
    assert (tmp_path / "secret_key").stat().st_mode & 0o077 == 0


@pytest.mark.parametrize(
    ("environ", "missing"),
    [
        ({"CHARGESHARE_HUB_STRIPE_WEBHOOK_SECRET": "whsec_1"}, "stripe_api_key"),
        ({"CHARGESHARE_HUB_STRIPE_API_KEY": "sk_test_1"}, "stripe_webhook_secret"),
    ],
)
def test_choosing_stripe_needs_its_key_and_its_webhook_secret(environ: dict[str, str], missing: str) -> None:
    with pytest.raises(ConfigError, match=f"^{missing}: needed when payment_provider is stripe"):
        load_config(None, {"CHARGESHARE_HUB_PAYMENT_PROVIDER": "stripe", **environ})


def test_stripe_is_chosen_with_its_secrets_which_stay_hidden() -> None:
    config = load_config(
        None,
        {
            "CHARGESHARE_HUB_PAYMENT_PROVIDER": "stripe",
            "CHARGESHARE_HUB_STRIPE_API_KEY": "sk_test_s3cret",
            "CHARGESHARE_HUB_STRIPE_WEBHOOK_SECRET": "whsec_s3cret",
        },
    )

    assert (config.payment_provider, config.stripe_api_base) == ("stripe", "")
    assert "s3cret" not in repr(config)
