"""`chargeshare-hub`: migrate, create-user, seed and serve, as an operator runs them."""

from __future__ import annotations

import asyncio
import io
from pathlib import Path
import sys

import pytest

from chargeshare_hub.cli import main
from chargeshare_hub.seed import DEMO_PASSWORD
from tests.hub.conftest import free_port, health_when_up


def test_migrate_creates_the_sqlite_file_and_says_so_then_changes_nothing(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["--data-dir", str(tmp_path), "migrate"]) == 0
    assert main(["--data-dir", str(tmp_path), "migrate"]) == 0

    first, second = capsys.readouterr().out.splitlines()
    assert (tmp_path / "hub.sqlite3").exists()
    assert first.endswith("(was empty)")
    assert second.endswith("(unchanged)")


def test_create_user_reads_the_password_from_stdin_and_refuses_a_duplicate(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    arguments = ["--data-dir", str(tmp_path), "create-user", "ops@example.org", "--name", "Ops", "--admin"]
    monkeypatch.setattr(sys, "stdin", io.StringIO("a long admin password\n"))
    assert main([*arguments, "--password-stdin"]) == 0
    monkeypatch.setattr(sys, "stdin", io.StringIO("a long admin password\n"))
    assert main([*arguments, "--password-stdin"]) == 1

    captured = capsys.readouterr()
    assert "created for ops@example.org" in captured.out
    assert "An account with this email address exists." in captured.err


def test_seed_adds_the_demo_accounts_once(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["--data-dir", str(tmp_path), "seed"]) == 0
    assert main(["--data-dir", str(tmp_path), "seed"]) == 0

    out = capsys.readouterr().out
    assert f"host@demo.chargeshare.example / {DEMO_PASSWORD}" in out
    assert "nothing seeded" in out


def test_a_bad_setting_is_reported_in_one_line(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    config = tmp_path / "hub.toml"
    config.write_text('[hub]\nport = "eighty"\n')

    assert main(["--config", str(config), "migrate"]) == 2
    assert main(["--database", "mysql://db", "migrate"]) == 2

    err = capsys.readouterr().err.splitlines()
    assert err[0] == f"chargeshare-hub: {config}: port must be a whole number, got 'eighty'"
    assert err[1].startswith("chargeshare-hub: database: expected sqlite:///<file> or postgresql://")


async def test_serve_answers_on_127_0_0_1_and_stops_on_sigterm(tmp_path: Path) -> None:
    port = free_port()
    process = await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "chargeshare_hub",
        "--data-dir",
        str(tmp_path),
        "serve",
        "--port",
        str(port),
        stderr=asyncio.subprocess.PIPE,
    )
    try:
        health = await health_when_up(f"http://127.0.0.1:{port}")
        assert health["status"] == "ok"
    finally:
        process.terminate()
        _, stderr = await asyncio.wait_for(process.communicate(), timeout=20)
    assert process.returncode == 0
    log = stderr.decode()
    assert "Settings:" in log
    assert (tmp_path / "secret_key").read_text() not in log


async def test_serve_with_two_workers_answers_on_one_port_and_all_stop_on_sigterm(tmp_path: Path) -> None:
    port = free_port()
    process = await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "chargeshare_hub",
        "--data-dir",
        str(tmp_path),
        "serve",
        "--port",
        str(port),
        "--workers",
        "2",
        stderr=asyncio.subprocess.PIPE,
    )
    try:
        health = await health_when_up(f"http://127.0.0.1:{port}")
        assert health["status"] == "ok"
        assert await _poll_listening(port, 2) == 2  # each worker has a socket of its own on the port
        workers = _workers(process.pid)
    finally:
        process.terminate()
        _, stderr = await asyncio.wait_for(process.communicate(), timeout=30)
    assert process.returncode == 0, stderr.decode()
    assert _listening(port) == 0
    assert len(workers) == 2
    assert not any(_alive(pid) for pid in workers)
    assert "Traceback" not in stderr.decode()


def _workers(pid: int) -> list[int]:
    """The worker processes of the hub process `pid` (not multiprocessing's helper, which ends on its own)."""
    children = [int(child) for child in Path(f"/proc/{pid}/task/{pid}/children").read_text().split()]
    return [child for child in children if b"spawn_main" in Path(f"/proc/{child}/cmdline").read_bytes()]


def _alive(pid: int) -> bool:
    return Path(f"/proc/{pid}").exists()


def _listening(port: int) -> int:
    """How many sockets listen on 127.0.0.1:`port` (Linux's socket table)."""
    rows = [line.split() for line in Path("/proc/net/tcp").read_text().splitlines()[1:]]
    return sum(1 for row in rows if row[1] == f"0100007F:{port:04X}" and row[3] == "0A")


async def _poll_listening(port: int, expected: int) -> int:
    for _ in range(100):
        if (found := _listening(port)) == expected:
            return found
        await asyncio.sleep(0.1)
    return _listening(port)
