"""`chargeshare-hub`: serve, migrate, seed, create-user, reconcile. Settings from --config, CHARGESHARE_HUB_* and
options."""

from __future__ import annotations

import argparse
import asyncio
from collections.abc import Sequence
import getpass
import logging
import multiprocessing
import multiprocessing.connection
import os
from pathlib import Path
import signal
import sys
from types import FrameType

from aiohttp import web

from .accounts.service import Accounts
from .config import ConfigError, HubConfig, load_config, with_secret
from .db.engine import Database
from .db.migrate import current_revision, head_revision, migrate
from .ledger.reconciliation import reconcile
from .seed import seed
from .seed.towns import EUROPE
from .web.app import create_app
from .web.collector import FREEZE_EVERY_S, CollectorPacing
from .web.errors import ApiError
from .web.periodic import install_periodic

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
            workers=getattr(args, "workers", None),
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
    serve.add_argument("--workers", type=int, help="processes serving the port together (default 1)")
    commands.add_parser("migrate", help="bring the database to the newest schema")
    seed_command = commands.add_parser("seed", help="add demo accounts to an empty hub, and generated hosts")
    seed_command.add_argument("--hosts", type=int, default=0, help="this many hosts, each with a listing")
    seed_command.add_argument("--seed", type=int, default=0, help="the same seed gives the same hosts")
    seed_command.add_argument(
        "--countries", type=_country_list, default=EUROPE, help="ISO 3166 alpha-2 codes, e.g. DE,NL (default: Europe)"
    )
    create_user = commands.add_parser("create-user", help="add an account; the password is asked for")
    create_user.add_argument("email")
    create_user.add_argument("--name", required=True)
    create_user.add_argument("--host-account", action="store_true", help="the account may list chargers")
    create_user.add_argument("--admin", action="store_true")
    create_user.add_argument("--password-stdin", action="store_true", help="read the password from standard input")
    commands.add_parser("reconcile", help="check the ledger's invariants; exit code 1 when any is broken")
    return parser


def _serve(config: HubConfig) -> int:
    asyncio.run(_check_schema(config))
    _LOGGER.info("Settings: %s", config.describe())
    if config.workers == 1:
        asyncio.run(_run_worker(config, 0))
        return 0
    return _supervise(config)


async def _check_schema(config: HubConfig) -> None:
    """Once, before any worker starts: SQLite is migrated, PostgreSQL must already be at the newest schema."""
    db = Database.from_config(config)
    try:
        if config.is_sqlite:
            await migrate(db)
        elif await current_revision(db) != head_revision():
            raise ConfigError("the database is not at the newest schema: run `chargeshare-hub migrate` first")
    finally:
        await db.close()


def _supervise(config: HubConfig) -> int:
    """Runs `config.workers` processes on one port (the kernel spreads connections); stops them all on
    SIGTERM or SIGINT, or when one of them ends on its own."""
    context = multiprocessing.get_context("spawn")  # a fresh interpreter: no event loop or engine crosses over
    workers = [
        context.Process(target=_worker_process, args=(config, index), name=f"hub worker {index}")
        for index in range(config.workers)
    ]
    stopping = False

    def stop(_signum: int = 0, _frame: FrameType | None = None) -> None:
        nonlocal stopping
        stopping = True
        for worker in workers:
            if worker.is_alive():
                worker.terminate()

    signal.signal(signal.SIGTERM, stop)
    signal.signal(signal.SIGINT, stop)
    for worker in workers:
        if not stopping:
            worker.start()
    started = [worker for worker in workers if worker.pid is not None]
    if started:
        multiprocessing.connection.wait([worker.sentinel for worker in started])
    if not stopping:
        _LOGGER.error("A worker ended on its own; stopping the others")
        stop()
    for worker in started:
        worker.join()
    return 0 if stopping and all(worker.exitcode in (0, -signal.SIGTERM) for worker in started) else 1


def _worker_process(config: HubConfig, index: int) -> None:
    logging.basicConfig(level=logging.INFO, format=f"%(asctime)s %(levelname)s %(name)s[{index}]: %(message)s")
    asyncio.run(_run_worker(config, index))


async def _run_worker(config: HubConfig, index: int) -> None:
    """Serves until SIGTERM or SIGINT (a repeat changes nothing). Only worker 0 runs the background tasks, so
    that N workers sweep the bookings once, not N times."""
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for signum in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(signum, stop.set)
    db = Database.from_config(config)
    app = create_app(config, db, background_tasks=index == 0)
    install_periodic(app, "garbage collector pacing", FREEZE_EVERY_S, CollectorPacing().tick)
    app.on_cleanup.append(lambda _app: db.close())
    runner = web.AppRunner(app)
    await runner.setup()
    try:
        await web.TCPSite(runner, config.host, config.port, reuse_port=config.workers > 1).start()
        await stop.wait()
    finally:
        await runner.cleanup()


async def _migrate(config: HubConfig, _args: argparse.Namespace) -> int:
    db = Database.from_config(config)
    try:
        before = await current_revision(db)
        after = await migrate(db)
    finally:
        await db.close()
    print(f"Database at {after}" + (" (unchanged)" if before == after else f" (was {before or 'empty'})"))
    return 0


async def _seed(config: HubConfig, args: argparse.Namespace) -> int:
    db = Database.from_config(config)
    try:
        await migrate(db)
        lines = await seed(db, config, hosts=args.hosts, seed=args.seed, countries=args.countries)
    except ValueError as err:
        print(f"chargeshare-hub: {err}", file=sys.stderr)
        return 1
    finally:
        await db.close()
    for line in lines:
        print(line)
    return 0


def _country_list(text: str) -> tuple[str, ...]:
    return tuple(code.strip().upper() for code in text.split(",") if code.strip())


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


async def _reconcile(config: HubConfig, _args: argparse.Namespace) -> int:
    """Prints every difference found (at most 100 of each check) and a summary; 1 when there is any."""
    db = Database.from_config(config)
    try:
        if await current_revision(db) != head_revision():
            raise ConfigError("the database is not at the newest schema: run `chargeshare-hub migrate` first")
        async with db.read() as session:
            result = await reconcile(session)
    finally:
        await db.close()
    for difference in result.differences:
        print(difference)
    checked = f"{result.postings} postings, {result.entries} entries, {result.accounts} accounts"
    if result.differences:
        print(f"Ledger: {len(result.differences)} difference(s) in {checked}")
        return 1
    print(f"Ledger reconciled: {checked}, no differences")
    return 0


_COMMANDS = {"migrate": _migrate, "seed": _seed, "create-user": _create_user, "reconcile": _reconcile}
