"""A NUT server in a process of its own, for tests that watch it from outside (RSS, CPU, log).

Run as ``python -m tests.server.serve_process [options]``: serves one UPS called
``ups1`` (with ``--vars`` variables) on 127.0.0.1, prints the port on the first line
of standard output and logs to standard error.  With ``--hog-descriptors`` it then
opens /dev/null until the process has no descriptor left, and closes them all again
on SIGUSR1: a server that has run out of descriptors, on demand.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import errno
import logging
import os
import signal

from upskit.config.settings import Listen, UpsdSettings
from upskit.model import Device, DeviceRegistry
from upskit.server import NutServer


def build_device(variables: int) -> Device:
    device = Device("ups1", desc="Served from a separate process")
    device.set_status(["OL"])
    for i in range(variables):
        device.set(f"test.variable.{i:03d}", f"value number {i} of a realistic length")
    device.set_connected(True)
    device.data_ok()
    return device


def hog_descriptors() -> list[int]:
    """Open /dev/null until the process is out of descriptors; return what was opened."""
    held: list[int] = []
    while True:
        try:
            held.append(os.open(os.devnull, os.O_RDONLY))
        except OSError as exc:
            if exc.errno in (errno.EMFILE, errno.ENFILE):
                return held
            raise


async def serve(args: argparse.Namespace) -> None:
    device = build_device(args.vars)
    registry = DeviceRegistry()
    registry.add(device)
    settings = UpsdSettings(listen=[Listen("127.0.0.1", 0)], maxconn=args.maxconn,
                            idle_timeout=args.idle_timeout)
    server = NutServer(registry, settings, {})
    if args.stall_timeout is not None:
        server.write_stall_timeout = args.stall_timeout
    await server.start()
    print(server.ports[0][1], flush=True)
    loop = asyncio.get_running_loop()
    held: list[int] = []
    if args.hog_descriptors:
        held = hog_descriptors()
        logging.getLogger("serve_process").warning("holding %d descriptors", len(held))

    def release() -> None:
        for fd in held:
            os.close(fd)
        logging.getLogger("serve_process").warning("released %d descriptors", len(held))
        held.clear()

    loop.add_signal_handler(signal.SIGUSR1, release)
    stop = asyncio.Event()
    loop.add_signal_handler(signal.SIGTERM, stop.set)
    while not stop.is_set():
        device.data_ok()
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(stop.wait(), 1.0)
    await server.stop()


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--vars", type=int, default=40)
    parser.add_argument("--maxconn", type=int, default=1024)
    parser.add_argument("--idle-timeout", type=float, default=0.0)
    parser.add_argument("--stall-timeout", type=float, default=None)
    parser.add_argument("--hog-descriptors", action="store_true")
    args = parser.parse_args()
    logging.basicConfig(level=logging.INFO,
                        format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    asyncio.run(serve(args))


if __name__ == "__main__":
    main()
