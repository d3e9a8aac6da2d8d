"""``dummy-ups``: a simulated UPS fed from a dump file, or a relay of another NUT server."""

from __future__ import annotations

from upskit.drivers.base import CommunicationError, Driver, DriverOptions
from upskit.drivers.context import DriverContext
from upskit.drivers.dummy.modes import (
    MODES,
    ONCE,
    REPEATER,
    BadUpstream,
    choose_mode,
    parse_upstream,
    resolve_data_path,
)
from upskit.drivers.dummy.repeater import Repeater
from upskit.drivers.dummy.replay import FileReplay
from upskit.drivers.options import CommonOptions
from upskit.model import CmdResult, Device
from upskit.options import Option, choice, text

#: Seconds each exchange with an upstream server may take.
UPSTREAM_TIMEOUT = 5.0


class DummyOptions(CommonOptions):
    """NUT's dummy-ups options, plus the repeater's credentials (upskit's own)."""

    mode = Option(choice(*MODES), None, help="how to read port: " + ", ".join(MODES))
    username = Option(text, None, help="user name on the upstream server (repeater)")
    password = Option(text, None, help="its password")


class DummyDriver(Driver):
    """NUT's ``dummy-ups``: replays ``.dev``/``.seq`` dumps or repeats a remote UPS.

    The mode follows the ``port`` option (``ups@host[:port]`` -> ``repeater``,
    ``*.dev`` -> ``dummy-once``, ``*.seq`` -> ``dummy-loop``, anything else ->
    ``dummy``, which loops like ``dummy-loop``) unless ``mode=`` names one.  A relative
    file name is looked up in the configuration directory (option ``_confdir``,
    set by the runner; else the current directory).  Repeater credentials come from
    the ``username`` and ``password`` options.
    """

    name = "dummy-ups"
    version = "0.2"
    option_set = DummyOptions
    #: ``port`` is a data file or ``ups@host[:port]``, not a port URL.
    uses_port_url = False
    options: DummyOptions

    def __init__(self, device: Device, options: DriverOptions, *, config_name: str = "",
                 context: DriverContext | None = None) -> None:
        super().__init__(device, options, config_name=config_name, context=context)
        port = (self.options.port or "").strip()
        self.mode, problem = choose_mode(port, self.options.mode)
        if problem:
            self.log.error("%s: %s; using %s", device.name, problem, self.mode)
        device.set("driver.parameter.mode", self.mode)
        self.replay: FileReplay | None = None
        self.repeater: Repeater | None = None
        self.setup_error: str | None = None
        if not port:
            self.setup_error = "no port configured (a data file or ups@host[:port])"
        elif self.mode == REPEATER:
            self._setup_repeater(port)
        else:
            path = resolve_data_path(port, self.options.confdir)
            self.replay = FileReplay(device, path, loop=self.mode != ONCE,
                                     wake=self.request_update, log=self.log)
        if self.setup_error:
            self.log.error("%s: %s", device.name, self.setup_error)

    def _setup_repeater(self, port: str) -> None:
        try:
            upstream = parse_upstream(port)
        except BadUpstream as exc:
            self.setup_error = str(exc)
            return
        self.repeater = Repeater(self.device, upstream, username=self.options.username,
                                 password=self.options.password, timeout=UPSTREAM_TIMEOUT,
                                 log=self.log)

    # ----------------------------------------------------------------- hooks
    async def open(self) -> None:
        if self.setup_error:
            raise CommunicationError(self.setup_error)
        if self.repeater is not None:
            await self.repeater.open()

    async def initialise(self) -> None:
        if self.replay is not None:
            self.replay.publish_base()
        elif self.repeater is not None:
            await self.repeater.initialise()

    async def poll(self) -> None:
        if self.replay is not None:
            self.replay.poll()
        elif self.repeater is not None:
            await self.repeater.poll()
        else:
            raise CommunicationError(self.setup_error or "not configured")

    async def close(self) -> None:
        if self.replay is not None:
            self.replay.close()
        if self.repeater is not None:
            await self.repeater.close()

    async def instcmd(self, name: str, param: str | None) -> CmdResult:
        if self.repeater is not None:
            return await self.repeater.instcmd(name, param)
        # Like NUT's dummy mode: commands from #CMD lines are listed, never run.
        self.log.info("%s: instant command %s is only simulated in %s mode: not run",
                      self.device.name, name, self.mode)
        return CmdResult.UNKNOWN

    async def setvar(self, name: str, value: str) -> CmdResult:
        if self.repeater is not None:
            return await self.repeater.setvar(name, value)
        if self.replay is not None:
            return self.replay.setvar(name, value)
        return CmdResult.UNKNOWN
