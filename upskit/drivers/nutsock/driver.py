"""A NUT driver program run as ``upsdrvctl`` would (or one already running), mirrored
into a :class:`Device` through its socket.

The program is started as ``<driverpath>/<driver> -a NAME -F [-u USER]`` with
``NUT_CONFPATH`` pointing at a private ``ups.conf`` holding only this section and
``NUT_STATEPATH`` at upskit's state directory for NUT drivers; upskit then connects
to ``<statepath>/<driver>-<NAME>`` as upsd does.  A driver that dies is started again
with back-off; a lost link is re-established (the data is stale meanwhile).  With
``upskit.socket = PATH`` nothing is started: upskit attaches to that socket (a driver
run by the system's NUT units).
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import pwd
import signal
import socket
import time
from pathlib import Path

from upskit.config.settings import UpsSettings
from upskit.drivers.base import Driver, DriverOptions
from upskit.drivers.context import DriverContext
from upskit.drivers.nutsock.link import DriverLink, LinkLost, cpu_seconds, peer_pid
from upskit.drivers.nutsock.wire import quote, word
from upskit.drivers.options import CommonOptions, UpsOptions
from upskit.model import CmdResult, Device
from upskit.options import NoOptions, Option, flag, is_yes, number, text

#: Where Debian installs NUT's driver programs.
DEFAULT_DRIVER_PATH = "/lib/nut"
#: Where upskit lets the NUT drivers it starts put their sockets.
DEFAULT_STATE_PATH = "/run/upskit/nut"
#: A session that lasted this long resets the restart back-off.
_STEADY = 60.0
#: Seconds over which an attached program's CPU use is measured once connected.
_CPU_WINDOW = 5.0


class NutSocketOptions(CommonOptions):
    """upskit's own keys for a NUT driver program; every other key is the program's."""

    external = flag(key="upskit.external", help="run NUT's program even if upskit has "
                    "a driver of that name")
    driverpath = Option(text, DEFAULT_DRIVER_PATH, key="upskit.driverpath",
                        help="directory of NUT's driver programs")
    statepath = Option(text, DEFAULT_STATE_PATH, key="upskit.statepath",
                       help="directory for the program's socket and private ups.conf")
    socket = Option(text, None, key="upskit.socket",
                    help="attach to this driver socket instead of starting a program")
    pinginterval = Option(number(0.1, unit="seconds"), 2.0, key="upskit.pinginterval",
                          help="seconds of silence before a PING (keep under MAXAGE/3)")
    commandtimeout = Option(number(0.1, unit="seconds"), 15.0, key="upskit.commandtimeout")


def program_path(ups: UpsSettings) -> Path:
    """The NUT program ``ups`` names, in its ``upskit.driverpath``."""
    given = ups.options.get("upskit.driverpath")
    directory = given if isinstance(given, str) else DEFAULT_DRIVER_PATH
    return Path(directory) / ups.driver


def wants_nut_program(ups: UpsSettings, native: bool) -> bool:
    """Whether ``ups`` is served by a NUT program: asked for (``upskit.external``,
    ``upskit.socket``), or a driver upskit lacks (``native`` false) that NUT has."""
    if is_yes(ups.options.get("upskit.external")) or "upskit.socket" in ups.options:
        return True
    if native or "/" in ups.driver or ups.driver.startswith("."):
        return False
    program = program_path(ups)
    return program.is_file() and os.access(program, os.X_OK)


class NutSocketDriver(Driver):
    """Runs (or attaches to) one NUT driver program and mirrors its socket."""

    name = "nut-program"
    version = "0.1"
    option_set = NutSocketOptions
    uses_port_url = False
    options: NutSocketOptions

    def __init__(self, device: Device, options: DriverOptions, *, config_name: str = "",
                 context: DriverContext | None = None) -> None:
        super().__init__(device, options, config_name=config_name, context=context)
        opts = self.options
        self.program = str(Path(opts.driverpath) / self.config_name)
        if opts.socket:
            self.socket_path = opts.socket
        else:
            self.socket_path = str(Path(opts.statepath) / f"{self.config_name}-{device.name}")
        self.link = DriverLink(self.socket_path, device, self.log,
                               ping_interval=opts.pinginterval,
                               command_timeout=opts.commandtimeout)
        self.process: asyncio.subprocess.Process | None = None
        self.starts = 0

    @classmethod
    def parse_options(cls, given: DriverOptions, ups: UpsSettings) -> UpsOptions:
        """upskit's keys are checked; every other key belongs to the NUT program,
        which checks it itself (and refuses to start on a bad one, as under NUT)."""
        own = {k: v for k, v in given.items() if NutSocketOptions.claims(k)}
        return UpsOptions(given, NutSocketOptions(own), NoOptions())

    def publish_driver_info(self) -> None:
        """Nothing: the NUT program publishes its own ``driver.*`` variables."""

    # The life cycle is the program's: these hooks are not used by run().
    async def initialise(self) -> None:
        """Unused: the program initialises the device itself."""

    async def poll(self) -> None:
        """Unused: the program polls the device itself."""

    async def run(self) -> None:
        """Start the program if needed, mirror its socket, start again on loss."""
        backoff = 1.0
        self.port_turns.open()
        while True:
            started = time.monotonic()
            try:
                if self.options.socket is None:
                    await self._ensure_program()
                await self._session()
            except (OSError, LinkLost) as exc:
                self.log.warning("%s: %s; retrying in %.0f s", self.device.name,
                                 getattr(exc, "strerror", None) or exc, backoff)
                if self.process is not None and self.process.returncode is None:
                    # NUT 2.8.0's drivers spin at full CPU once their server goes away:
                    # a program this driver started is started afresh instead.
                    self.log.warning("%s: restarting %s after the lost link",
                                     self.device.name, self.program)
                    await self._stop_program()
            finally:
                self.device.data_stale()
                self.device.set_connected(False)
            if time.monotonic() - started > _STEADY:
                backoff = 1.0
            await asyncio.sleep(backoff)
            backoff = min(backoff * 2, self.max_backoff)

    async def _session(self) -> None:
        task = asyncio.create_task(self.link.run(), name=f"nutsock:{self.device.name}")
        dumped = asyncio.create_task(self.link.dumped.wait())
        try:
            await asyncio.wait({task, dumped}, return_when=asyncio.FIRST_COMPLETED)
            watch = None
            if dumped.done():
                self.device.set_connected(True)
                self.log.info("%s: mirroring %s", self.device.name, self.socket_path)
                if self.options.socket is not None and self.link.peer_pid is not None:
                    watch = asyncio.create_task(self._watch_cpu(self.link.peer_pid))
            try:
                await task
            finally:
                if watch is not None:
                    watch.cancel()
        finally:
            dumped.cancel()
            task.cancel()
            with contextlib.suppress(asyncio.CancelledError, Exception):
                await task

    async def _watch_cpu(self, pid: int) -> None:
        """Say once when a program upskit only attached to burns CPU (NUT 2.8.0's
        drivers spin after a server disconnects; that program is the system's).
        Measured over the first few windows of a session only."""
        for _window in range(6):
            before = cpu_seconds(pid)
            await asyncio.sleep(_CPU_WINDOW)
            after = cpu_seconds(pid)
            if before is None or after is None:
                return
            share = (after - before) / _CPU_WINDOW
            if share > 0.3:
                self.log.warning(
                    "%s: the NUT driver at %s (PID %d) uses %.0f %% CPU: NUT 2.8.0's drivers "
                    "spin once a server disconnected from them; restart it (upsdrvctl "
                    "restart %s, or systemctl restart nut-driver@%s)", self.device.name,
                    self.socket_path, pid, 100 * share, self.device.name, self.device.name)
                return

    # ---------------------------------------------------------------- program
    async def _ensure_program(self) -> None:
        proc = self.process
        if proc is not None and proc.returncode is None:
            return
        if proc is not None:
            self.log.warning("%s: %s exited with status %s", self.device.name,
                             self.program, proc.returncode)
        self.process = None
        await self._start_program()

    def _program_argv(self) -> list[str]:
        argv = [self.program, "-a", self.device.name, "-F"]
        if self.options.user:
            argv += ["-u", self.options.user]
        return argv

    def _write_conf(self, directory: Path) -> None:
        """A private ups.conf holding this section only (upskit's keys left out)."""
        lines = [f"[{self.device.name}]", f"  driver = {word(self.config_name)}"]
        for key, value in self.parameters.items():
            if key.startswith(("upskit.", "_")):
                continue
            if key == "port" and isinstance(value, str):
                value = self._port_for_program(value)
            lines.append(f"  {key}" if value is True else f"  {key} = {quote(str(value))}")
        path = directory / "ups.conf"
        tmp = directory / "ups.conf.new"
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(fd, "w") as out:
            out.write("\n".join(lines) + "\n")
        tmp.replace(path)

    def _port_for_program(self, port: str) -> str:
        """A port file named relative to the configuration directory (dummy-ups's
        ``port = ups.dev``), made absolute: the program reads a private ups.conf."""
        confdir = self.options.confdir
        if confdir and not os.path.isabs(port) and os.path.isfile(os.path.join(confdir, port)):
            return os.path.abspath(os.path.join(confdir, port))
        return port

    def _stop_leftover(self) -> None:
        """Stop this UPS's program left running by an upskit that was killed (found
        through its socket's peer credentials), so that two never drive one port."""
        try:
            with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as probe:
                probe.settimeout(1.0)
                probe.connect(self.socket_path)
                pid = peer_pid(probe)
        except OSError:
            return
        if pid is None or pid == os.getpid():
            return
        try:
            with open(f"/proc/{pid}/cmdline", "rb") as fh:
                argv = fh.read().split(b"\0")
        except OSError:
            return
        if argv[:3] != [self.program.encode(), b"-a", self.device.name.encode()]:
            self.log.error("%s: %s is held by process %d, not %s", self.device.name,
                           self.socket_path, pid, self.program)
            return
        self.log.warning("%s: stopping %s left over by an earlier run (PID %d)",
                         self.device.name, self.program, pid)
        with contextlib.suppress(OSError):
            os.kill(pid, signal.SIGTERM)
        deadline = time.monotonic() + 5.0
        while os.path.exists(f"/proc/{pid}") and time.monotonic() < deadline:
            time.sleep(0.05)
        with contextlib.suppress(OSError):
            os.kill(pid, signal.SIGKILL)

    async def _start_program(self) -> None:
        state, confdir = self._prepare_dirs()
        if not os.access(self.program, os.X_OK):
            raise OSError(f"{self.program} is not an executable NUT driver")
        if os.path.exists(self.socket_path):
            await asyncio.to_thread(self._stop_leftover)
        with contextlib.suppress(FileNotFoundError):
            os.unlink(self.socket_path)  # a stale socket would be taken for the new one
        env = dict(os.environ, NUT_CONFPATH=str(confdir), NUT_STATEPATH=str(state))
        self.starts += 1
        self.log.info("%s: starting %s", self.device.name, " ".join(self._program_argv()))
        proc = await asyncio.create_subprocess_exec(
            *self._program_argv(), env=env, stdin=asyncio.subprocess.DEVNULL,
            start_new_session=True)
        self.process = proc
        delay = self.options.maxstartdelay
        deadline = time.monotonic() + (45.0 if delay is None else float(delay))
        while not os.path.exists(self.socket_path):
            if proc.returncode is not None:
                self.process = None
                raise OSError(f"{self.program} exited with status {proc.returncode} "
                              "before creating its socket")
            if time.monotonic() > deadline:
                await self._stop_program()
                raise OSError(f"{self.program} did not create {self.socket_path} in time")
            with contextlib.suppress(TimeoutError):
                async with asyncio.timeout(0.1):
                    await proc.wait()

    def _prepare_dirs(self) -> tuple[Path, Path]:
        """The state directory (the program's) and the private one with its ups.conf."""
        state = Path(self.options.statepath)
        state.mkdir(mode=0o770, parents=True, exist_ok=True)
        self._hand_over(state)
        confdir = state / f"upskit-{self.device.name}"
        confdir.mkdir(mode=0o700, exist_ok=True)
        self._write_conf(confdir)
        return state, confdir

    def _hand_over(self, state: Path) -> None:
        """Started as root, NUT's programs become ``user`` (by default ``nut``) before
        they make their socket: the state directory must be theirs."""
        if os.geteuid() != 0:
            return
        user = self.options.user or "nut"
        if user == "root":
            return
        try:
            entry = pwd.getpwnam(user)
        except KeyError:
            return  # the program says so itself
        info = state.stat()
        if (info.st_uid, info.st_gid) != (entry.pw_uid, entry.pw_gid):
            os.chown(state, entry.pw_uid, entry.pw_gid)

    async def _stop_program(self) -> None:
        proc, self.process = self.process, None
        if proc is None or proc.returncode is not None:
            return
        with contextlib.suppress(ProcessLookupError):
            proc.send_signal(signal.SIGTERM)
        try:
            async with asyncio.timeout(5.0):
                await proc.wait()
        except TimeoutError:
            with contextlib.suppress(ProcessLookupError):
                proc.kill()
            await proc.wait()

    async def close(self) -> None:
        """Stop the program this driver started (never one it only attached to)."""
        await self._stop_program()

    # --------------------------------------------------------------- commands
    async def instcmd(self, name: str, param: str | None) -> CmdResult:
        return await self.link.command("INSTCMD", name, *([param] if param else []))

    async def setvar(self, name: str, value: str) -> CmdResult:
        return await self.link.command("SET", name, value)

    async def shutdown(self) -> CmdResult:
        """killpower: NUT's own ``<driver> -a NAME -k`` (the program this driver
        started is stopped first: it holds the port)."""
        if self.options.socket is not None:
            self.log.error("%s: attached to %s; killpower is the system's NUT's to do",
                           self.device.name, self.socket_path)
            return CmdResult.UNKNOWN
        await self._stop_program()
        state, confdir = self._prepare_dirs()
        env = dict(os.environ, NUT_CONFPATH=str(confdir), NUT_STATEPATH=str(state))
        argv = [self.program, "-a", self.device.name, "-k"]
        if self.options.user:
            argv += ["-u", self.options.user]
        proc = await asyncio.create_subprocess_exec(*argv, env=env,
                                                    stdin=asyncio.subprocess.DEVNULL)
        code = await proc.wait()
        self.log.warning("%s: %s -> exit status %d", self.device.name, " ".join(argv), code)
        return CmdResult.HANDLED if code == 0 else CmdResult.FAILED
