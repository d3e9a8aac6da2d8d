"""``upskit demo``: a simulated Megatec UPS that loses mains, runs low and recovers."""

from __future__ import annotations

import argparse
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import asyncio

    from upskit.config.settings import Settings

DEMO_UPS = "demo"
DEMO_ID = "upskit-demo"


def add_arguments(parser: argparse.ArgumentParser) -> None:
    from upskit.cli.common import parse_listen

    parser.add_argument("--listen", type=parse_listen, default=None, metavar="HOST:PORT",
                        help="address to serve on (default 127.0.0.1:3493)")
    parser.add_argument("--online", type=float, default=15.0, metavar="SECONDS",
                        help="seconds on mains before each power failure (default 15)")
    parser.add_argument("--speed", type=float, default=1.0,
                        help="simulated seconds per real second for the battery (default 1)")
    parser.add_argument("--cycles", type=int, default=0,
                        help="stop after this many failure/recovery cycles (default: run forever)")


def sim_url(speed: float) -> str:
    return f"sim://megatec?id={DEMO_ID}&speed={speed:g}"


def build_settings(listen_host: str, listen_port: int, speed: float = 1.0) -> Settings:
    from upskit.config.settings import Listen, Settings, UpsSettings, UserSettings

    settings = Settings(source="")
    settings.upsd.listen = [Listen(listen_host, listen_port)]
    settings.ups.ups[DEMO_UPS] = UpsSettings(
        name=DEMO_UPS,
        driver="nutdrv_qx",
        port=sim_url(speed),
        desc="Simulated Megatec UPS",
        options={"port": sim_url(speed), "protocol": "megatec",
                 "pollfreq": "1"},
    )
    settings.users["admin"] = UserSettings("admin", password="demo", actions={"SET", "FSD"},
                                           instcmds={"ALL"}, upsmon="primary")
    settings.users["monuser"] = UserSettings("monuser", password="secret", upsmon="secondary")
    return settings


async def power_script(online: float, cycles: int, stop: asyncio.Event,
                       speed: float = 1.0) -> None:
    """Drive the simulated hardware: mains off, drain to low battery, mains back."""
    import asyncio

    from upskit.sim.ports import get_or_create

    sim = get_or_create(sim_url(speed))
    physics = sim.physics
    physics.load = 40.0
    physics.full_load_runtime = 10.0  # drains from full to low battery in about 20 s
    physics.recharge_time = 60.0
    done = 0

    async def pause(seconds: float) -> bool:
        try:
            await asyncio.wait_for(stop.wait(), seconds)
        except TimeoutError:
            return False
        return True

    while not stop.is_set():
        if await pause(online):
            return
        print("demo: -- mains power lost --", flush=True)
        sim.mains(False)
        while not physics.battery_low and not stop.is_set():
            if await pause(0.5):
                return
        if await pause(5):
            return
        print("demo: -- mains power back --", flush=True)
        sim.mains(True)
        done += 1
        if cycles and done >= cycles:
            if not await pause(3):
                stop.set()
            return


def run(args: argparse.Namespace) -> int:
    import asyncio

    from upskit.cli.common import run_until_signal
    from upskit.model import DeviceEvent, EventKind
    from upskit.runtime import Runtime

    listen = args.listen
    host, port = (listen.host, listen.port) if listen else ("127.0.0.1", 3493)
    settings = build_settings(host, port, args.speed)

    async def main(stop: asyncio.Event) -> int:
        runtime = Runtime(settings, with_monitor=False)
        try:
            await runtime.start()
        except OSError as exc:
            print(f"upskit demo: cannot listen on {host}:{port}: {exc.strerror or exc}")
            print("upskit demo: try another address, e.g. --listen 127.0.0.1:3494")
            await runtime.stop()
            return 1
        assert runtime.server is not None
        bound_host, bound_port = runtime.server.ports[0]
        target = f"{DEMO_UPS}@{bound_host}" + ("" if bound_port == 3493 else f":{bound_port}")
        print(f"upskit demo: serving UPS '{DEMO_UPS}' on {bound_host}:{bound_port}\n"
              f"  read it:     upsc {target}     (or: upskit get {target})\n"
              f"  commands:    upscmd -l {target}; upscmd -u admin -p demo {target} beeper.toggle\n"
              f"  variables:   upsrw -u admin -p demo {target}\n"
              f"  upsmon:      MONITOR {target} 1 monuser secret secondary\n"
              "Power fails every cycle and comes back after low battery. Ctrl-C stops.",
              flush=True)
        device = runtime.registry.get(DEMO_UPS)
        assert device is not None

        def show(event: DeviceEvent) -> None:
            if event.kind is EventKind.STATUS:
                charge = device.get("battery.charge") or "?"
                print(f"demo: ups.status = {event.value}  (battery.charge {charge} %)", flush=True)

        device.subscribe(show)
        if device.get("ups.status"):
            print(f"demo: ups.status = {device.get('ups.status')}", flush=True)
        script = asyncio.create_task(power_script(args.online, args.cycles, stop, args.speed))
        try:
            await stop.wait()
        finally:
            script.cancel()
            await runtime.stop()
        print("upskit demo: stopped", flush=True)
        return 0

    return run_until_signal(main)
