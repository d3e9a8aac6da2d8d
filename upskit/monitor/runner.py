"""Start external programs without a shell and without blocking the event loop."""

from __future__ import annotations

import asyncio
import logging
import os
from collections.abc import Mapping, Sequence

log = logging.getLogger(__name__)


class ProgramRunner:
    """Starts programs in the background and reaps them.

    Programs get an argument vector (never a shell line) and the monitor's
    environment plus ``env``.  A program that cannot be started is logged; nothing
    here ever raises into the monitor.
    """

    def __init__(self, timeout: float = 300.0) -> None:
        self.timeout = timeout
        self._tasks: set[asyncio.Task[int | None]] = set()

    def spawn(self, argv: Sequence[str], env: Mapping[str, str] | None = None,
              stdin: bytes | None = None) -> asyncio.Task[int | None]:
        """Start ``argv`` now; the returned task ends with its exit code (None: failed)."""
        task = asyncio.get_running_loop().create_task(self.run(argv, env, stdin))
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)
        return task

    async def run(self, argv: Sequence[str], env: Mapping[str, str] | None = None,
                  stdin: bytes | None = None) -> int | None:
        """Run ``argv`` to completion (bounded by ``timeout``); its exit code or None."""
        if not argv:
            return None
        full_env = dict(os.environ)
        if env:
            full_env.update(env)
        try:
            proc = await asyncio.create_subprocess_exec(
                *argv, env=full_env,
                stdin=asyncio.subprocess.PIPE if stdin is not None else asyncio.subprocess.DEVNULL,
            )
        except OSError as exc:
            log.error("cannot run %s: %s", argv[0], exc)
            return None
        try:
            async with asyncio.timeout(self.timeout):  # not wait_for: it may swallow a cancel
                if stdin is not None:
                    await proc.communicate(stdin)
                else:
                    await proc.wait()
        except TimeoutError:
            log.error("%s did not finish within %.0f s; killing it", argv[0], self.timeout)
            proc.kill()
            await proc.wait()
        if proc.returncode:
            log.warning("%s exited with status %s", argv[0], proc.returncode)
        return proc.returncode

    async def drain(self) -> None:
        """Wait for every program started so far."""
        while self._tasks:
            await asyncio.gather(*list(self._tasks), return_exceptions=True)
