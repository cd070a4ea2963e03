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
SECRET_FIELDS = frozenset({"secret_key", "smtp_password"})
SMTP_SECURITY = ("none", "starttls", "tls")  # plain, upgraded after connecting, TLS from the first byte


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
    return config


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
