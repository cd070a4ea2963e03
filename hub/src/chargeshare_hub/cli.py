"""`chargeshare-hub`: serve, migrate, seed, create-user. Settings from --config, CHARGESHARE_HUB_* and options."""

from __future__ import annotations

import argparse
import asyncio
from collections.abc import Sequence
import getpass
import logging
import os
from pathlib import Path
import sys

from aiohttp import web

from .accounts.service import Accounts
from .config import ConfigError, HubConfig, load_config, with_secret
from .db.engine import Database
from .db.migrate import current_revision, head_revision, migrate
from .seed import seed
from .web.app import create_app
from .web.errors import ApiError

_LOGGER = logging.getLogger("chargeshare_hub")


def main(argv: Sequence[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    try:
        config = load_config(
            args.config,
            os.environ,
            database=args.database,
            data_dir=args.data_dir,
            host=getattr(args, "host", None),
            port=getattr(args, "port", None),
        )
        if args.command == "serve":
            return _serve(with_secret(config))
        return asyncio.run(_COMMANDS[args.command](config, args))
    except ConfigError as err:
        print(f"chargeshare-hub: {err}", file=sys.stderr)
        return 2
    except ApiError as err:
        print(f"chargeshare-hub: {err.message}", file=sys.stderr)
        return 1


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="chargeshare-hub", description="ChargeShare's community hub.")
    parser.add_argument("--config", type=Path, help="a TOML file of settings (see the README)")
    parser.add_argument("--database", help="sqlite:///<file> or postgresql://<user>@<host>/<db> (default: SQLite)")
    parser.add_argument("--data-dir", type=Path, help="where the SQLite file, photos and the signing key live")
    commands = parser.add_subparsers(dest="command", required=True)
    serve = commands.add_parser("serve", help="run the hub (SQLite is migrated on start)")
    serve.add_argument("--host")
    serve.add_argument("--port", type=int)
    commands.add_parser("migrate", help="bring the database to the newest schema")
    commands.add_parser("seed", help="add demo accounts (and their data) to an empty hub")
    create_user = commands.add_parser("create-user", help="add an account; the password is asked for")
    create_user.add_argument("email")
    create_user.add_argument("--name", required=True)
    create_user.add_argument("--host-account", action="store_true", help="the account may list chargers")
    create_user.add_argument("--admin", action="store_true")
    create_user.add_argument("--password-stdin", action="store_true", help="read the password from standard input")
    return parser


def _serve(config: HubConfig) -> int:
    db = Database.from_config(config)

    async def prepare() -> web.Application:
        if config.is_sqlite:
            await migrate(db)
        elif await current_revision(db) != head_revision():
            raise ConfigError("the database is not at the newest schema: run `chargeshare-hub migrate` first")
        app = create_app(config, db)
        app.on_cleanup.append(lambda _app: db.close())
        return app

    _LOGGER.info("Settings: %s", config.describe())
    web.run_app(prepare(), host=config.host, port=config.port, print=None)
    return 0


async def _migrate(config: HubConfig, _args: argparse.Namespace) -> int:
    db = Database.from_config(config)
    try:
        before = await current_revision(db)
        after = await migrate(db)
    finally:
        await db.close()
    print(f"Database at {after}" + (" (unchanged)" if before == after else f" (was {before or 'empty'})"))
    return 0


async def _seed(config: HubConfig, _args: argparse.Namespace) -> int:
    db = Database.from_config(config)
    try:
        await migrate(db)
        for line in await seed(db, config):
            print(line)
    finally:
        await db.close()
    return 0


async def _create_user(config: HubConfig, args: argparse.Namespace) -> int:
    password = sys.stdin.readline().rstrip("\n") if args.password_stdin else getpass.getpass("Password: ")
    db = Database.from_config(config)
    try:
        await migrate(db)
        user = await Accounts(db, config).register(
            args.email, password, args.name, host=args.host_account, admin=args.admin
        )
    finally:
        await db.close()
    print(f"Account {user.id} created for {user.email}")
    return 0


_COMMANDS = {"migrate": _migrate, "seed": _seed, "create-user": _create_user}
