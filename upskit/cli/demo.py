"""``upskit demo``: a simulated Megatec UPS that loses mains, runs low and recovers.

Every cycle is the same, and slow enough for the monitor the demo suggests to go through
the whole shutdown with upsmon's default timings (POLLFREQALERT 5, HOSTSYNC 15,
FINALDELAY 5: at most about 27 s from low battery to SHUTDOWNCMD):

1. mains on for ``--online`` seconds, and until the battery is back to its starting charge;
2. mains lost: :data:`ON_BATTERY` seconds on battery (``OB``), then low battery
   (``OB LB``) with :data:`RESERVE` seconds of runtime left;
3. the load goes off: the UPS cuts it once a primary has set FSD and no monitor is logged
   in any more (their systems are down; ``upsdrvctl shutdown`` at the end of the
   primary's shutdown does that to a real UPS), or the exhausted battery drops it;
4. mains come back :data:`OUTAGE` seconds later; the UPS restarts and the FSD latch is
   cleared, as when upsd starts again with the machines it feeds.

``--speed`` scales battery time only (drain and recharge), never the outage or a monitor.
``--hid`` serves a simulated USB HID Power Device (an APC Back-UPS on the simulated USB
bus, read by ``usbhid-ups``) instead, through the same cycle; ``--snmp MIB`` a simulated
SNMP card (RFC 1628, APC or Eaton XUPS, read by ``snmp-ups``); ``--contact UPSTYPE`` a
simulated contact-closure UPS of that genericups cable type (on line, on battery, low
battery on its modem lines, read by ``genericups``).
"""

from __future__ import annotations

import argparse
import os
import shlex
from collections.abc import Callable
from typing import TYPE_CHECKING, Protocol

from upskit.config.addresses import DEFAULT_PORT, join_system

if TYPE_CHECKING:
    import asyncio

    from upskit.config.settings import Settings
    from upskit.model import Device
    from upskit.sim.physics import UpsPhysics

DEMO_UPS = "demo"
DEMO_ID = "upskit-demo"
DEMO_HID_ID = "upskit-demo-hid"
#: Load on the UPS, percent.
DEMO_LOAD = 40.0
#: Battery seconds from mains loss (with a full battery) to low battery.
ON_BATTERY = 30.0
#: Battery seconds of runtime left at low battery: the monitors' time to shut down.
RESERVE = 60.0
#: Battery seconds to recharge an empty battery.
RECHARGE = 30.0
#: Real seconds between the load going off and mains coming back.
OUTAGE = 5.0
#: What upsmon needs with its defaults, low battery to SHUTDOWNCMD: a 2 s driver poll,
#: POLLFREQALERT 5, HOSTSYNC 15, FINALDELAY 5.
UPSMON_DEFAULT_NEEDS = 27.0


def add_arguments(parser: argparse.ArgumentParser) -> None:
    from upskit.cli.argtypes import non_negative_int, non_negative_number, positive_number
    from upskit.cli.common import parse_listen
    from upskit.cli.httpopt import add_http_argument

    parser.add_argument("--listen", type=parse_listen, default=None, metavar="HOST:PORT",
                        help=f"address to serve on (default 127.0.0.1:{DEFAULT_PORT})")
    parser.add_argument("--online", type=non_negative_number, default=15.0, metavar="SECONDS",
                        help="seconds on mains before each power failure, at least (default "
                             "15; mains also stay on until the battery is full again)")
    parser.add_argument("--speed", type=positive_number, default=1.0,
                        help="simulated seconds per real second for the battery (default 1; "
                             f"above {RESERVE / UPSMON_DEFAULT_NEEDS:.0f} the low-battery "
                             "reserve is shorter than upsmon needs with its default timings)")
    kind = parser.add_mutually_exclusive_group()
    kind.add_argument("--hid", action="store_true",
                      help="serve a simulated USB HID UPS (APC Back-UPS, usbhid-ups) "
                           "instead of the Megatec one")
    kind.add_argument("--snmp", choices=("ietf", "apcc", "pw"), default=None, metavar="MIB",
                      help="serve a simulated SNMP card (ietf, apcc or pw) read by snmp-ups "
                           "instead")
    kind.add_argument("--contact", type=_upstype, default=None, metavar="UPSTYPE",
                      help="serve a simulated contact-closure UPS of this genericups cable "
                           "type (0-23, e.g. 2 for APC Back-UPS with cable 940-0020) instead")
    parser.add_argument("--cycles", type=non_negative_int, default=0,
                        help="stop after this many failure/recovery cycles (default: run forever)")
    add_http_argument(parser)


def _upstype(text: str) -> int:
    import argparse

    if not text.isdigit() or not 0 <= int(text) <= 23:
        raise argparse.ArgumentTypeError(f"a genericups upstype is 0 to 23, not {text!r}")
    return int(text)


class PowerSim(Protocol):
    """The simulated hardware the power script drives: its physics and its mains."""

    @property
    def physics(self) -> UpsPhysics: ...

    def mains(self, present: bool) -> None: ...


class HidPowerSim:
    """The simulated USB HID UPS as the power script drives it."""

    def __init__(self, physics: UpsPhysics) -> None:
        self._physics = physics

    @property
    def physics(self) -> UpsPhysics:
        return self._physics

    def mains(self, present: bool) -> None:
        self._physics.set_mains(present)


def sim_url(speed: float) -> str:
    return f"sim://megatec?id={DEMO_ID}&speed={speed:g}"


def hid_sim_url(speed: float) -> str:
    return f"sim://usb/apc-back-ups?id={DEMO_HID_ID}&speed={speed:g}"


def snmp_sim_url(mib: str, speed: float) -> str:
    return f"sim://snmp/{mib}?id={DEMO_ID}-snmp&speed={speed:g}"


def contact_sim_url(upstype: int, speed: float) -> str:
    return f"sim://contact/{upstype}?id={DEMO_ID}-contact&speed={speed:g}"


def build_settings(listen_host: str, listen_port: int, speed: float = 1.0,
                   hid: bool = False, contact: int | None = None,
                   snmp: str | None = None) -> Settings:
    from upskit.config.settings import Listen, Settings, UpsSettings, UserSettings

    settings = Settings(source="")
    settings.upsd.listen = [Listen(listen_host, listen_port)]
    if snmp is not None:
        url = snmp_sim_url(snmp, speed)
        section = UpsSettings(name=DEMO_UPS, driver="snmp-ups", port=url,
                              desc=f"Simulated SNMP card ({snmp})",
                              options={"port": url, "mibs": snmp, "pollinterval": "1"})
    elif contact is not None:
        url = contact_sim_url(contact, speed)
        section = UpsSettings(name=DEMO_UPS, driver="genericups", port=url,
                              desc=f"Simulated contact-closure UPS (upstype {contact})",
                              options={"port": url, "upstype": str(contact)})
    elif hid:
        url = hid_sim_url(speed)
        section = UpsSettings(name=DEMO_UPS, driver="usbhid-ups", port=url,
                              desc="Simulated APC Back-UPS (USB HID)",
                              options={"port": url, "pollinterval": "1", "pollfreq": "5"})
    else:
        section = UpsSettings(name=DEMO_UPS, driver="nutdrv_qx", port=sim_url(speed),
                              desc="Simulated Megatec UPS",
                              options={"port": sim_url(speed), "protocol": "megatec",
                                       "pollfreq": "1"})
    settings.ups.ups[DEMO_UPS] = section
    settings.users["admin"] = UserSettings("admin", password="demo", actions={"SET", "FSD"},
                                           instcmds={"ALL"}, upsmon="primary")
    settings.users["monuser"] = UserSettings("monuser", password="secret", upsmon="secondary")
    return settings


def demo_battery(physics: UpsPhysics) -> None:
    """Size the simulated battery for the cycle described in the module docstring."""
    runtime = ON_BATTERY + RESERVE
    with physics.lock:
        physics.update()
        physics.load = DEMO_LOAD
        physics.full_load_runtime = runtime * DEMO_LOAD / 100
        physics.low_battery = RESERVE / runtime
        physics.recharge_time = RECHARGE


def hid_power_sim(speed: float) -> HidPowerSim:
    """The demo's simulated HID UPS (created here, before its driver opens it), its
    low-runtime limit at the demo's reserve so that it says low battery when the
    Megatec one would."""
    from upskit.sim.usb.hidups import HidUpsDevice
    from upskit.sim.usb.ports import make_port, usb_bus

    make_port(hid_sim_url(speed), {})  # registers the unit on the simulated bus
    unit = usb_bus(DEMO_HID_ID).device
    assert isinstance(unit, HidUpsDevice)
    unit.runtime_low = RESERVE
    return HidPowerSim(unit.physics)


def shutdown_log() -> str:
    """Where the suggested SHUTDOWNCMD writes: a file in the temporary directory."""
    import tempfile

    return os.path.join(tempfile.gettempdir(), "upskit-demo-shutdown.log")


def suggested_upsmon_conf(target: str) -> list[str]:
    """The upsmon.conf lines the demo suggests: a primary and a harmless SHUTDOWNCMD."""
    return [f"MONITOR {target} 1 admin demo primary",
            f'SHUTDOWNCMD "echo upskit demo: SHUTDOWNCMD ran >> {shlex.quote(shutdown_log())}"']


def banner(host: str, port: int, online: float, speed: float) -> str:
    target = join_system(DEMO_UPS, host, port)
    monitor, shutdowncmd = suggested_upsmon_conf(target)
    return (f"upskit demo: serving UPS '{DEMO_UPS}' on {host}:{port}\n"
            f"  read it:     upsc {target}     (or: upskit get {target})\n"
            f"  commands:    upscmd -l {target}; upscmd -u admin -p demo {target} beeper.toggle\n"
            f"  variables:   upsrw -u admin -p demo {target}\n"
            f"  upsmon.conf: {monitor}\n"
            f"               {shutdowncmd}\n"
            "               (for upsmon or upskit monitor, with their default timings; a second\n"
            f"               machine: MONITOR {target} 1 monuser secret secondary)\n"
            f"Each cycle: mains for {online:g} s (and until the battery is full), "
            f"{ON_BATTERY / speed:g} s on battery,\n"
            f"then low battery with {RESERVE / speed:g} s of runtime left. Once a primary has "
            "set FSD and\nevery monitor has logged out, the UPS cuts its load; mains come back "
            f"{OUTAGE:g} s later,\nthe UPS restarts and FSD is cleared. Ctrl-C stops.")


async def power_script(sim: PowerSim, device: Device, logins: Callable[[], int],
                       online: float, cycles: int, stop: asyncio.Event) -> None:
    """Drive the simulated hardware through identical power failures."""
    import asyncio

    physics = sim.physics
    demo_battery(physics)
    with physics.lock:
        full = physics.charge

    async def until(condition: Callable[[], bool], at_least: float = 0.0) -> bool:
        """Wait ``at_least`` seconds and until ``condition``; False when stopped."""
        loop = asyncio.get_running_loop()
        earliest = loop.time() + at_least
        while True:
            with physics.lock:
                physics.update()
                if loop.time() >= earliest and condition():
                    return True
            try:
                async with asyncio.timeout(0.25):  # not wait_for: it may swallow a cancel
                    await stop.wait()
            except TimeoutError:
                continue
            return False

    done = 0
    while True:
        if not await until(lambda: physics.charge >= full, online):
            return
        print("demo: -- mains power lost --", flush=True)
        sim.mains(False)
        if not await until(lambda: physics.battery_low):
            return
        print(f"demo: -- low battery: {RESERVE / physics.speed:g} s of runtime left --",
              flush=True)
        if not await until(lambda: not physics.output_on or (device.fsd and logins() == 0)):
            return
        if physics.output_on:
            print("demo: -- FSD set and no monitor logged in: the UPS cuts its load --",
                  flush=True)
            physics.schedule_shutdown(0.0, None)  # back on when mains return
        else:
            print("demo: -- battery exhausted: the load lost power --", flush=True)
        if not await until(lambda: True, OUTAGE):
            return
        cleared = ", the FSD latch is cleared" if device.fsd else ""
        print(f"demo: -- mains power back: the UPS restarts{cleared} --", flush=True)
        sim.mains(True)
        device.clear_fsd()
        done += 1
        if cycles and done >= cycles:
            if await until(lambda: True, 3):
                stop.set()
            return


def run(args: argparse.Namespace) -> int:
    import asyncio
    import sys

    from upskit.cli.common import run_until_signal
    from upskit.cli.httpopt import apply_http, web_extra_missing
    from upskit.model import DeviceEvent, EventKind
    from upskit.runtime import Runtime
    from upskit.sim.ports import get_or_create

    listen = args.listen
    host, port = (listen.host, listen.port) if listen else ("127.0.0.1", DEFAULT_PORT)
    settings = build_settings(host, port, args.speed, args.hid, args.contact, args.snmp)
    apply_http(settings, args.http)
    missing = web_extra_missing(settings)
    if missing:
        print(f"upskit demo: {missing}", file=sys.stderr)
        return 1
    # the demo's history lives as long as the demo, sampled often enough for its charts
    settings.web.history.path = ":memory:"
    settings.web.history.interval = 2.0
    sim: PowerSim | None = None
    if args.snmp is not None:
        pass  # its agent starts in the demo's event loop, below
    elif args.contact is not None:
        from upskit.sim.contact import get_or_create as contact_unit

        sim = contact_unit(contact_sim_url(args.contact, args.speed))
    else:
        sim = hid_power_sim(args.speed) if args.hid else get_or_create(sim_url(args.speed))

    async def main(stop: asyncio.Event) -> int:
        from upskit.runtime.exporters import add_exporters

        power = sim
        if power is None:  # the simulated SNMP card: its agent lives in this loop
            from upskit.sim.ports import sim_device
            from upskit.sim.snmp.serve import serve_url

            await serve_url(snmp_sim_url(args.snmp, args.speed))
            power = sim_device(f"{DEMO_ID}-snmp")

        runtime = Runtime(settings, with_monitor=False)
        _, http = add_exporters(runtime)
        try:
            await runtime.start()
        except OSError as exc:
            print(f"upskit demo: {exc.strerror or exc}", file=sys.stderr)
            print("upskit demo: try another address, e.g. --listen 127.0.0.1:3494",
                  file=sys.stderr)
            await runtime.stop()
            return 1
        server = runtime.server
        assert server is not None
        bound_host, bound_port = server.ports[0]
        print(banner(bound_host, bound_port, args.online, args.speed), flush=True)
        if http is not None and http.ports:
            print(f"  dashboard:   {http.url}  (log in as admin / demo to run commands)",
                  flush=True)
        device = runtime.registry.get(DEMO_UPS)
        assert device is not None

        def show(event: DeviceEvent) -> None:
            # the FSD latch shows as clients see it; its clearing shows with the next status
            if event.kind is EventKind.STATUS or (event.kind is EventKind.FSD and device.fsd):
                charge = device.get("battery.charge") or "?"
                status = " ".join(device.status_tokens())
                print(f"demo: ups.status = {status}  (battery.charge {charge} %)", flush=True)

        device.subscribe(show)
        if device.get("ups.status"):
            print(f"demo: ups.status = {device.get('ups.status')}", flush=True)
        script = asyncio.create_task(power_script(
            power, device,
            lambda: len(server.clients(DEMO_UPS)), args.online, args.cycles, stop))
        stopped = asyncio.create_task(stop.wait())
        try:
            await asyncio.wait({script, stopped}, return_when=asyncio.FIRST_COMPLETED)
        finally:
            script.cancel()
            stopped.cancel()
            await runtime.stop()
        if not script.cancelled() and script.exception() is not None:
            print(f"upskit demo: the power script failed: {script.exception()!r}",
                  file=sys.stderr)
            return 1
        print("upskit demo: stopped", flush=True)
        return 0

    return run_until_signal(main)
