"""A real hub: `python -m chargeshare_hub serve` on SQLite in a test's temporary folder, on 127.0.0.1.

It can be killed (SIGKILL: no goodbye, no shutdown, whatever was in flight is lost) and started again on the
same database and port, as a crashed hub is by its supervisor. What it logs goes to `hub.log` next to its data,
and the end of that log is printed when the test ends (pytest shows it for a failed test).
"""

from __future__ import annotations

import asyncio
import contextlib
from pathlib import Path
import subprocess
import sys

import aiohttp

from tests.hub.conftest import free_port

START_LIMIT_S = 30.0  # a 2-core machine shared with other test runs may be slow to start a Python process
LOG_TAIL_CHARS = 6000


class HubProcess:
    def __init__(self, folder: Path) -> None:
        self.data_dir = folder / "hub"
        self.log_path = folder / "hub.log"
        self.port = free_port()
        self._process: asyncio.subprocess.Process | None = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    @property
    def running(self) -> bool:
        return self._process is not None and self._process.returncode is None

    async def start(self) -> None:
        """Start the hub and return once it answers /healthz (SQLite is migrated on start)."""
        assert not self.running, "the hub runs already"
        with self.log_path.open("ab") as log:
            self._process = await asyncio.create_subprocess_exec(
                sys.executable, "-m", "chargeshare_hub", "--data-dir", str(self.data_dir),
                "serve", "--host", "127.0.0.1", "--port", str(self.port),
                stdout=log, stderr=subprocess.STDOUT,
            )  # fmt: skip
        await self._answering()

    async def kill(self) -> None:
        """SIGKILL, as a crash or a pulled plug: the hub gets no chance to finish anything."""
        assert self._process is not None
        assert self.running, "the hub is not running"
        self._process.kill()
        await self._process.wait()

    async def stop(self) -> None:
        """The end of a test: SIGTERM (the hub says bye to its links and closes its database), else SIGKILL."""
        if self._process is None or not self.running:
            return
        self._process.terminate()
        try:
            async with asyncio.timeout(15):
                await self._process.wait()
        except TimeoutError:
            self._process.kill()
            await self._process.wait()

    def log_tail(self) -> str:
        if not self.log_path.exists():
            return ""
        return self.log_path.read_text(encoding="utf-8", errors="replace")[-LOG_TAIL_CHARS:]

    async def _answering(self) -> None:
        async with aiohttp.ClientSession() as http, asyncio.timeout(START_LIMIT_S):
            while True:
                if not self.running:
                    raise AssertionError(f"the hub ended on its own:\n{self.log_tail()}")
                with contextlib.suppress(aiohttp.ClientConnectionError):
                    async with http.get(f"{self.url}/healthz") as response:
                        if response.status == 200:
                            return
                await asyncio.sleep(0.05)
