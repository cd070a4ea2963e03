"""The hub's configuration: defaults, then a TOML file, then `CHARGESHARE_HUB_*` environment variables.

Secrets (the signing key, a database password) never appear in logs: `describe()` is what may be printed.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, fields, replace
from pathlib import Path
import secrets
import tomllib
from typing import Any
from urllib.parse import urlsplit, urlunsplit

ENV_PREFIX = "CHARGESHARE_HUB_"
SECRET_FILE = "secret_key"  # noqa: S105 (a file name)
SECRET_FIELDS = frozenset({"secret_key", "smtp_password", "stripe_api_key", "stripe_webhook_secret"})
SMTP_SECURITY = ("none", "starttls", "tls")  # plain, upgraded after connecting, TLS from the first byte
# The built-in prepaid wallet (payments/wallet_provider.py), or cards through Stripe Connect (payments/stripe/).
PAYMENT_PROVIDERS = ("wallet", "stripe")
# Who puts money in a wallet of the built-in provider, which takes no payment itself: the hub's operator (money
# received outside the hub: cash, a bank transfer), or the drivers themselves (demos and tests, never a real hub).
WALLET_TOP_UPS = ("operator", "self")


class ConfigError(ValueError):
    """A setting that cannot be used; the message names the setting and where it came from."""


@dataclass(frozen=True, slots=True)
class HubConfig:
    data_dir: Path = Path("hub-data")
    # Empty: an SQLite file in `data_dir`. Else sqlite:///path or postgresql://user@host/db.
    database: str = ""
    host: str = "127.0.0.1"
    port: int = 8080
    workers: int = 1  # processes serving the port together; more use more cores
    public_url: str = ""  # how drivers reach the hub (links, QR codes); empty: http://host:port
    secret_key: str = ""  # signs cookies; empty: generated once and kept in data_dir
    secure_cookies: bool = True  # False only for plain-HTTP development
    login_attempts: int = 5  # per account and per address in `login_window_s`
    login_window_s: int = 300
    session_days: int = 30
    photo_max_bytes: int = 5_000_000
    # Listing health (see listings/health.py): a listing whose host has not confirmed it for this long is hidden,
    # and the host is reminded this many days before; a status older than its limit shows as UNKNOWN.
    listing_stale_days: int = 60
    listing_reminder_days: int = 7
    status_fresh_minutes: int = 30  # a live status, reported by the host's Home Assistant
    manual_status_fresh_days: int = 14  # a status the host typed in (or the hub set, confirming a fix)
    verified_host_bookings: int = 3  # fulfilled bookings at a verified host's listings that earn the badge
    smtp_host: str = ""  # empty: no email is sent; it stays queued (and the inbox works) until one is set
    smtp_port: int = 587
    smtp_username: str = ""  # empty: no AUTH
    smtp_password: str = ""
    smtp_from: str = ""  # empty: ChargeShare <no-reply@the public address's host>
    smtp_security: str = "starttls"  # none, starttls or tls
    # Payments (payments/): who moves the money, when a booking's hold is placed and how large it may be (minor
    # units of the tariff's currency), when a session without energy voids it, and the platform's fee: a share
    # in basis points of every charge and a flat amount per charging session.
    payment_provider: str = "wallet"
    wallet_top_ups: str = "operator"  # see WALLET_TOP_UPS
    payment_hold_lead_minutes: int = 30
    payment_hold_cap_minor: int = 15_000
    payment_void_after_minutes: int = 15
    platform_fee_bps: int = 1_000
    platform_fee_flat_minor: int = 0
    # The `stripe` provider: the platform account's secret key (sk_live_... or sk_test_...), the signing secret of
    # the webhook endpoint registered at Stripe (whsec_...), and where Stripe's API is (empty: Stripe's own; the
    # tests point it at a local fake).
    stripe_api_key: str = ""
    stripe_webhook_secret: str = ""
    stripe_api_base: str = ""
    # Host payouts (payments/payouts.py): a host is paid out, in the periodic run, once what the platform owes
    # them in a currency reaches this (minor units); a driver disputes a charge within this many days of its CDR.
    payout_threshold_minor: int = 2_500
    dispute_window_days: int = 7

    @property
    def database_url(self) -> str:
        """The SQLAlchemy URL with its async driver."""
        url = self.database or f"sqlite:///{(self.data_dir / 'hub.sqlite3').resolve()}"
        scheme, _, rest = url.partition("://")
        drivers = {"sqlite": "sqlite+aiosqlite", "postgresql": "postgresql+asyncpg", "postgres": "postgresql+asyncpg"}
        base = scheme.split("+")[0]
        if base not in drivers or not rest:
            raise ConfigError(f"database: expected sqlite:///<file> or postgresql://<host>/<db>, got {_redact(url)!r}")
        return f"{drivers[base]}://{rest}"

    @property
    def is_sqlite(self) -> bool:
        return self.database_url.startswith("sqlite")

    @property
    def base_url(self) -> str:
        return (self.public_url or f"http://{self.host}:{self.port}").rstrip("/")

    def describe(self) -> dict[str, Any]:
        """The settings for logs and `--help` output, secrets masked."""
        shown: dict[str, Any] = {}
        for item in fields(self):
            value = getattr(self, item.name)
            if item.name in SECRET_FIELDS:
                value = "***" if value else ""
            elif item.name == "database":
                value = _redact(value)
            shown[item.name] = str(value) if isinstance(value, Path) else value
        return shown

    def __repr__(self) -> str:
        return f"HubConfig({self.describe()})"


def load_config(path: Path | None = None, environ: Mapping[str, str] | None = None, **overrides: Any) -> HubConfig:
    """Defaults, then the file, then the environment, then `overrides` (command-line options)."""
    config = HubConfig()
    if path is not None:
        config = _apply(config, _read_toml(path), source=str(path))
    env = {
        key[len(ENV_PREFIX) :].lower(): value for key, value in (environ or {}).items() if key.startswith(ENV_PREFIX)
    }
    config = _apply(config, env, source="environment")
    config = _apply(config, {key: value for key, value in overrides.items() if value is not None}, source="option")
    _ = config.database_url  # a bad URL is reported at start, not at the first query
    if config.workers < 1:
        raise ConfigError(f"workers: must be at least 1, got {config.workers}")
    if config.verified_host_bookings < 0:
        raise ConfigError(f"verified_host_bookings: must be 0 or more, got {config.verified_host_bookings}")
    if config.smtp_security not in SMTP_SECURITY:
        raise ConfigError(f"smtp_security: one of {', '.join(SMTP_SECURITY)}, got {config.smtp_security!r}")
    if not 0 < config.smtp_port < 65536:
        raise ConfigError(f"smtp_port: a port from 1 to 65535, got {config.smtp_port}")
    _check_payments(config)
    return config


def _check_payments(config: HubConfig) -> None:
    if config.payment_provider not in PAYMENT_PROVIDERS:
        raise ConfigError(f"payment_provider: one of {', '.join(PAYMENT_PROVIDERS)}, got {config.payment_provider!r}")
    if config.payment_provider == "stripe":
        for name in ("stripe_api_key", "stripe_webhook_secret"):
            if not getattr(config, name):
                raise ConfigError(f"{name}: needed when payment_provider is stripe (see the README's Stripe part)")
    if config.wallet_top_ups not in WALLET_TOP_UPS:
        raise ConfigError(f"wallet_top_ups: one of {', '.join(WALLET_TOP_UPS)}, got {config.wallet_top_ups!r}")
    if not 0 <= config.platform_fee_bps <= 10_000:
        raise ConfigError(f"platform_fee_bps: 0 to 10000 (100 %), got {config.platform_fee_bps}")
    for name in (
        "payment_hold_lead_minutes",
        "payment_hold_cap_minor",
        "payment_void_after_minutes",
        "payout_threshold_minor",
        "dispute_window_days",
    ):
        if getattr(config, name) < 1:
            raise ConfigError(f"{name}: must be at least 1, got {getattr(config, name)}")
    if config.platform_fee_flat_minor < 0:
        raise ConfigError(f"platform_fee_flat_minor: must be 0 or more, got {config.platform_fee_flat_minor}")


def with_secret(config: HubConfig) -> HubConfig:
    """The config with a signing key: the configured one, else the one kept in `data_dir` (made once)."""
    if config.secret_key:
        return config
    key_file = config.data_dir / SECRET_FILE
    if key_file.exists():
        return replace(config, secret_key=key_file.read_text(encoding="utf-8").strip())
    config.data_dir.mkdir(parents=True, exist_ok=True)
    key = secrets.token_urlsafe(48)
    key_file.touch(mode=0o600)
    key_file.write_text(key, encoding="utf-8")
    return replace(config, secret_key=key)


def _read_toml(path: Path) -> dict[str, Any]:
    try:
        with path.open("rb") as file:
            data = tomllib.load(file)
    except OSError as err:
        raise ConfigError(f"{path}: cannot be read ({err.strerror})") from err
    except tomllib.TOMLDecodeError as err:
        raise ConfigError(f"{path}: not valid TOML ({err})") from err
    return data.get("hub", data)


def _apply(config: HubConfig, values: Mapping[str, Any], *, source: str) -> HubConfig:
    known = {item.name: item for item in fields(config)}
    changes: dict[str, Any] = {}
    for name, raw in values.items():
        if name not in known:
            raise ConfigError(f"{source}: unknown setting {name!r} (known: {', '.join(sorted(known))})")
        changes[name] = _convert(name, raw, type(getattr(config, name)), source)
    return replace(config, **changes)


def _convert(name: str, raw: Any, kind: type, source: str) -> Any:
    if isinstance(raw, kind) and not (kind is int and isinstance(raw, bool)):
        return raw
    if isinstance(raw, str):
        text = raw.strip()
        if kind is bool and text.lower() in {"1", "true", "yes", "on", "0", "false", "no", "off"}:
            return text.lower() in {"1", "true", "yes", "on"}
        if kind is int and text.lstrip("-").isdigit():
            return int(text)
        if issubclass(kind, Path):
            return Path(text)
    raise ConfigError(f"{source}: {name} must be {_kind_name(kind)}, got {raw!r}")


def _kind_name(kind: type) -> str:
    return {bool: "true or false", int: "a whole number", str: "text"}.get(kind, "a path")


def _redact(url: str) -> str:
    """The URL without its password."""
    parts = urlsplit(url)
    if parts.password is None:
        return url
    netloc = parts.netloc.replace(f":{parts.password}@", ":***@")
    return urlunsplit(parts._replace(netloc=netloc))
