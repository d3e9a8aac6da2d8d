"""Same requests to Debian's upsd (+ dummy-ups) and to upskit, serving the same data: same replies.

The upskit device is built as a mirror of what the real upsd publishes (values,
types, string lengths, writable flags, commands, description), then scripted
sessions run against both servers.  Differences allowed by design: the VER line,
the HELP line (upskit lists PROTVER, as newer upsd does), description texts
(our own words), and tracking ids (random).
"""

from __future__ import annotations

import os
import re
import subprocess
from pathlib import Path

import pytest

from tests.nutreal import UPSD, nut_server, requires_nut
from tests.support import UPSKIT, ask, free_port, stop, wait_served
from upskit.config.settings import UserSettings
from upskit.model import CmdResult, Device, DeviceRegistry
from upskit.server.protocol import split_line

from .conftest import LineClient, apply_type_words, start_server

pytestmark = [pytest.mark.nut, requires_nut]

DEV = """\
ups.status: OL
ups.mfr: Acme
ups.model: Smart 1500
battery.charge: 100
battery.runtime: 1800
input.voltage: 230.0
ups.id: myups
ups.delay.shutdown: 20
input.transfer.low: 180
device.mfr: Acme
"""

USERS = {
    "admin": UserSettings("admin", password="secret", actions={"SET", "FSD"}, instcmds={"ALL"}),
    "monpri": UserSettings("monpri", password="pw", upsmon="primary"),
    "monsec": UserSettings("monsec", password="pw", upsmon="secondary"),
    "reader": UserSettings("reader", password="pw"),
}

READS = [
    "NETVER", "PROTVER", "NETVER x", "VER x", "HELP x", "FOO", "", "   ",
    "GET VAR dummy ups.status", "get var dummy battery.charge", "GET VAR DUMMY ups.mfr",
    "GET VAR dummy", "GET VAR nope ups.status", "GET VAR dummy no.such",
    "GET VAR dummy ups.status extra", 'GET VAR "dummy" "ups.model"', "GET VAR dum\\my ups.id",
    "GET VAR dummy ups.status # note", "GET VAR dummy\\ ups.status", 'GET VAR dummy "ups.id"x',
    'GET VAR dummy x"ups.id"', "GET VAR dummy #ups.id", 'GET VAR "" ""',
    "GET TYPE dummy ups.id", "GET TYPE dummy battery.charge", "GET TYPE dummy device.mfr",
    "GET TYPE dummy no.such", "GET TYPE dummy",
    "GET DESC dummy no.such", "GET DESC nope x", "GET DESC dummy",
    "GET CMDDESC dummy no.such", "GET CMDDESC nope x", "GET CMDDESC dummy",
    "GET UPSDESC dummy", "GET UPSDESC nope", "GET UPSDESC", "GET UPSDESC dummy extra",
    "GET NUMLOGINS dummy", "GET NUMLOGINS nope", "GET NUMLOGINS",
    "GET TRACKING", "GET TRACKING abc", "GET", "GET FOO", "GET FOO bar",
    "LIST UPS", "LIST UPS x", "LIST VAR dummy", "LIST VAR Dummy extra", "LIST RW dummy",
    "LIST CMD dummy", "LIST ENUM dummy ups.id", "LIST RANGE dummy ups.id",
    "LIST CLIENT dummy", "LIST CLIENT nope", "LIST ENUM nope x", "LIST ENUM dummy nope",
    "LIST RANGE dummy nope", "LIST VAR nope", "LIST RW nope", "LIST CMD nope",
    "LIST", "LIST FOO", "LIST FOO bar", "LIST VAR", "LIST ENUM dummy",
    "SET TRACKING ON", "SET VAR dummy ups.id x", "INSTCMD dummy load.off", "LOGIN dummy",
    "PRIMARY dummy", "MASTER dummy", "FSD dummy", "SET", "INSTCMD", "LOGIN",
    "STARTTLS", "LOGOUT extra", "USERNAME", "USERNAME a b", "PASSWORD", "PASSWORD a b",
    "USERNAME someone", "SET VAR dummy ups.id x", "INSTCMD dummy load.off",
]

ADMIN = [
    "USERNAME admin", "USERNAME admin", "PASSWORD secret", "PASSWORD again",
    "SET VAR dummy no.such 1", "SET VAR nope ups.id 1", "SET VAR dummy device.mfr x",
    "SET VAR dummy ups.id", "SET VAR dummy", "SET VAR", "SET FOO bar",
    "SET TRACKING", "SET TRACKING MAYBE", "SET TRACKING ON extra", "GET TRACKING",
    "INSTCMD dummy no.such", "INSTCMD nope load.off", "INSTCMD dummy", "INSTCMD",
    "GET TRACKING 00000000-0000-0000-0000-000000000000", "SET TRACKING off", "GET TRACKING",
    "INSTCMD dummy no.such", "LOGIN dummy", "PRIMARY dummy", "FSD nope", "FSD", "FSD a b",
    "PRIMARY", "LOGIN a b", "LOGOUT",
]

WRONG_PASSWORD = [
    "USERNAME admin", "PASSWORD wrong", "LOGIN nope", "LOGIN dummy",
    "SET VAR dummy ups.id foo", "INSTCMD dummy load.off", "FSD dummy",
]

READER = [
    "USERNAME reader", "PASSWORD pw", "LOGIN dummy", "SET VAR dummy ups.id foo",
    "SET VAR nope ups.id foo", "SET VAR dummy no.such foo", "INSTCMD dummy load.off",
    "INSTCMD dummy no.such", "INSTCMD nope load.off", "FSD dummy", "FSD nope",
    "PRIMARY dummy", "PRIMARY nope",
]

UNKNOWN_USER = ["USERNAME nobody", "PASSWORD x", "LOGIN dummy", "SET VAR dummy ups.id foo",
                "INSTCMD dummy load.off"]

HALF_LOGIN = ["USERNAME monpri", "LOGIN dummy", "FSD dummy"]
PASSWORD_ONLY = ["PASSWORD pw", "LOGIN dummy", "PRIMARY dummy"]

SECONDARY = ["USERNAME monsec", "PASSWORD pw", "PRIMARY dummy", "FSD dummy", "LOGIN dummy",
             "GET NUMLOGINS dummy", "LIST CLIENT dummy"]

PRIMARY = [
    "USERNAME monpri", "PASSWORD pw", "PRIMARY dummy", "MASTER dummy", "LOGIN nope",
    "LOGIN dummy", "LOGIN dummy", "LOGIN nope", "LOGIN dummy extra", "GET NUMLOGINS dummy",
    "LIST CLIENT dummy", "GET NUMLOGINS DUMMY", "LIST CLIENT DUMMY", "USERNAME x",
    "PASSWORD y", "SET VAR dummy ups.id x", "INSTCMD dummy load.off",
]

WRITES = [
    "USERNAME admin", "PASSWORD secret", "FSD dummy", "GET VAR dummy ups.status",
    "LIST VAR dummy", "LIST RW dummy", "SET VAR dummy ups.id new", "INSTCMD dummy load.off",
    "INSTCMD dummy load.off param", "INSTCMD dummy load.off param extra",
    "SET TRACKING ON", "SET VAR dummy ups.id other", "INSTCMD dummy load.off",
]

AFTER_FSD = ["GET VAR dummy ups.status", "LOGOUT", "VER"]

SCRIPTS = [READS, ADMIN, WRONG_PASSWORD, READER, UNKNOWN_USER, HALF_LOGIN, PASSWORD_ONLY,
           SECONDARY, PRIMARY, WRITES, AFTER_FSD]

_UUID = re.compile(r"[0-9A-F]{8}-[0-9A-F]{4}-[0-9A-F]{4}-[0-9A-F]{4}-[0-9A-F]{12}")
_DESC = re.compile(r'^((?:CMD)?DESC \S+ \S+) ".*"$')


def normalise(request: str, reply: str) -> str:
    if request.upper() in ("VER", "HELP"):
        return "<" + request.upper() + ">"
    reply = _UUID.sub("<ID>", reply)
    return _DESC.sub(r'\1 "<text>"', reply)


async def mirror(real: LineClient, name: str) -> Device:
    """Build a Device that publishes what the real upsd publishes for ``name``."""
    device = Device(name)
    device.desc = split_line(await real.ask(f"GET UPSDESC {name}"))[2]
    for line in (await real.ask(f"LIST VAR {name}")).split("\n")[1:-1]:
        _, _, var, value = split_line(line)
        device.set(var, value)
    for var in [v.name for v in device.variables()]:
        apply_type_words(device, var, (await real.ask(f"GET TYPE {name} {var}")).split()[3:])
    for line in (await real.ask(f"LIST CMD {name}")).split("\n")[1:-1]:
        device.add_command(line.split()[2])

    async def handled_cmd(cmd: str, param: str | None) -> CmdResult:
        return CmdResult.HANDLED

    async def handled_set(var: str, value: str) -> CmdResult:
        device.set(var, value)
        return CmdResult.HANDLED

    device.bind(handled_cmd, handled_set)
    device.set_connected(True)
    device.data_ok()
    return device


async def test_same_replies_as_real_upsd(tmp_path: Path) -> None:
    with nut_server(tmp_path, {"dummy": DEV}, descriptions={"dummy": 'A "test" UPS'}) as nut:
        real = await LineClient.connect(nut.port)
        try:
            device = await mirror(real, "dummy")
        finally:
            await real.close()
        registry = DeviceRegistry()
        registry.add(device)
        ours_server = await start_server(registry)
        ours_server.state.accounts.__init__(USERS)  # type: ignore[misc]
        differences: list[str] = []
        try:
            for script in SCRIPTS:
                real = await LineClient.connect(nut.port)
                ours = await LineClient.connect(ours_server.ports[0][1])
                try:
                    for request in script:
                        expected = normalise(request, await real.ask(request))
                        got = normalise(request, await ours.ask(request))
                        if expected != got:
                            differences.append(f"{request!r}:\n  upsd:   {expected!r}\n"
                                               f"  upskit: {got!r}")
                finally:
                    await real.close()
                    await ours.close()
        finally:
            await ours_server.stop()
        assert not differences, "\n".join(differences)


# ------------------------------------------- whole processes on the same files
REPO = Path(__file__).resolve().parents[2]
SMALL_DEV = "ups.status: OL\nbattery.charge: 90\n"


def _upskit_run(confdir: Path, port: int, log: Path,
                env: dict[str, str] | None = None) -> subprocess.Popen[bytes]:
    with open(log, "wb") as out:
        return subprocess.Popen(
            [*UPSKIT, "run", "--nut-config-dir", str(confdir),
             "--listen", f"127.0.0.1:{port}", "--no-monitor",
             "--control-socket", str(confdir / "upskit.sock")],
            cwd=REPO, stdout=subprocess.DEVNULL, stderr=out, stdin=subprocess.DEVNULL,
            env=dict(os.environ, **(env or {})),
        )


def _wait_answer(port: int, proc: subprocess.Popen[bytes], line: str, log: Path) -> str:
    return wait_served(port, line, lambda reply: not reply.startswith("ERR DRIVER-NOT-CONNECTED"),
                       proc=proc, log=log)


def test_list_ups_in_ups_conf_order_as_upsd(tmp_path: Path) -> None:
    devices = {"zeta": SMALL_DEV, "alpha": SMALL_DEV, "mid": SMALL_DEV}
    with nut_server(tmp_path, devices, descriptions={"alpha": "Second one"}) as nut:
        port = free_port()
        log = tmp_path / "upskit.log"
        proc = _upskit_run(nut.paths.root, port, log)
        try:
            for name in devices:
                _wait_answer(port, proc, f"GET VAR {name} ups.status", log)
            expected = ask(nut.port, "LIST UPS")
            assert expected.splitlines()[1].startswith("UPS zeta ")
            assert ask(port, "LIST UPS") == expected
        finally:
            stop(proc)


def _no_ups_dir(root: Path, upsd_conf: str) -> Path:
    root.mkdir()
    root.chmod(0o750)
    (root / "ups.conf").write_text("# nothing configured yet\n")
    (root / "upsd.conf").write_text(upsd_conf)
    (root / "upsd.users").write_text("[admin]\n  password = secret\n")
    for name in ("ups.conf", "upsd.conf", "upsd.users"):
        (root / name).chmod(0o640)
    return root


def _real_upsd(root: Path, log: Path, env: dict[str, str]) -> subprocess.Popen[bytes]:
    assert UPSD is not None
    with open(log, "wb") as out:
        return subprocess.Popen(
            [UPSD, "-u", "root", "-F"], stdout=out, stderr=subprocess.STDOUT,
            stdin=subprocess.DEVNULL,
            env=dict(os.environ, NUT_CONFPATH=str(root), NUT_STATEPATH=str(root),
                     NUT_ALTPIDPATH=str(root), **env),
        )


@pytest.mark.parametrize(("upsd_conf", "env", "allowed"), [
    ("", {}, False),
    ("ALLOW_NO_DEVICE true\n", {}, True),
    ("", {"ALLOW_NO_DEVICE": "yes"}, True),
    ("ALLOW_NO_DEVICE true\n", {"ALLOW_NO_DEVICE": "no"}, False),  # the environment wins
], ids=["refused", "upsd.conf", "environment", "environment-says-no"])
def test_no_ups_defined_as_upsd(tmp_path: Path, upsd_conf: str, env: dict[str, str],
                                allowed: bool) -> None:
    ports = {"upsd": free_port(), "upskit": free_port()}
    roots = {name: _no_ups_dir(tmp_path / name, f"LISTEN 127.0.0.1 {port}\n{upsd_conf}")
             for name, port in ports.items()}
    logs = {name: tmp_path / f"{name}.log" for name in ports}
    procs = {"upsd": _real_upsd(roots["upsd"], logs["upsd"], env),
             "upskit": _upskit_run(roots["upskit"], ports["upskit"], logs["upskit"], env)}
    try:
        if not allowed:
            codes = {name: proc.wait(timeout=30) for name, proc in procs.items()}
            upsd_out = logs["upsd"].read_text(errors="replace")
            assert codes["upsd"] != 0
            assert "at least one UPS must be defined in ups.conf" in upsd_out
            ours = logs["upskit"].read_text(errors="replace").splitlines()
            assert codes["upskit"] == 2, ours
            assert len(ours) == 1 and "at least one UPS must be defined in ups.conf" in ours[0]
            return
        replies = {
            name: [_wait_answer(ports[name], proc, request, logs[name])
                   for request in ("LIST UPS", "GET VAR nope ups.status", "GET NUMLOGINS x")]
            for name, proc in procs.items()
        }
        assert replies["upskit"] == replies["upsd"]
        assert replies["upsd"][0] == "BEGIN LIST UPS\nEND LIST UPS"
        for name in ("upsd", "upskit"):
            text = logs[name].read_text(errors="replace")
            assert "at least one UPS must be defined in ups.conf" in text, text
    finally:
        for proc in procs.values():
            stop(proc)
