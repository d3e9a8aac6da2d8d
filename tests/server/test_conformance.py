"""Every command through its success form and each of its error forms, over real sockets."""

from __future__ import annotations

import asyncio
import re

import pytest

from upskit.model import CmdResult
from upskit.server.commands import HELP_LINE, VERSION_LINE

from .conftest import LineClient, Served

UUID = re.compile(r"^[0-9A-F]{8}-[0-9A-F]{4}-[0-9A-F]{4}-[0-9A-F]{4}-[0-9A-F]{12}$")


async def expect(client: LineClient, pairs: list[tuple[str, str]]) -> None:
    for request, reply in pairs:
        assert await client.ask(request) == reply, request


async def test_version_and_help(client: LineClient) -> None:
    await expect(client, [
        ("VER", VERSION_LINE.strip()),
        ("VER x", "ERR INVALID-ARGUMENT"),
        ("NETVER", "1.3"),
        ("PROTVER", "1.3"),
        ("NETVER x", "ERR INVALID-ARGUMENT"),
        ("HELP", HELP_LINE.strip()),
        ("HELP me", "ERR INVALID-ARGUMENT"),
        ("help", HELP_LINE.strip()),
        ("NOSUCH", "ERR UNKNOWN-COMMAND"),
        ("", "ERR UNKNOWN-COMMAND"),
    ])
    words = VERSION_LINE.split()
    assert words[:4] == ["Network", "UPS", "Tools", "upsd"] and re.match(r"\d+\.\d+", words[4])


async def test_get_forms(client: LineClient) -> None:
    await expect(client, [
        ("GET VAR ups1 battery.charge", 'VAR ups1 battery.charge "100"'),
        ("GET VAR ups1 battery.charge extra", 'VAR ups1 battery.charge "100"'),
        ("get var ups1 ups.status", 'VAR ups1 ups.status "OL CHRG"'),
        ("GET VAR ups1 ups.model", 'VAR ups1 ups.model "Smart \\"Quoted\\" \\\\ UPS"'),
        ("GET VAR UPS1 battery.charge", 'VAR UPS1 battery.charge "100"'),
        ("GET VAR ups battery.charge", 'VAR ups battery.charge "100"'),
        ("GET VAR ups1", "ERR INVALID-ARGUMENT"),
        ("GET VAR nope battery.charge", "ERR UNKNOWN-UPS"),
        ("GET VAR ups1 no.such", "ERR VAR-NOT-SUPPORTED"),
        ("GET TYPE ups1 ups.id", "TYPE ups1 ups.id RW STRING:8"),
        ("GET TYPE ups1 ups.beeper.status", "TYPE ups1 ups.beeper.status RW ENUM"),
        ("GET TYPE ups1 input.transfer.low", "TYPE ups1 input.transfer.low RW RANGE NUMBER"),
        ("GET TYPE ups1 battery.charge", "TYPE ups1 battery.charge NUMBER"),
        ("GET TYPE ups1 ups.mfr", "TYPE ups1 ups.mfr STRING:4"),
        ("GET TYPE ups1 no.such", "ERR VAR-NOT-SUPPORTED"),
        ("GET TYPE ups1", "ERR INVALID-ARGUMENT"),
        ("GET DESC ups1 battery.charge", 'DESC ups1 battery.charge "Battery charge (percent of full)"'),
        ("GET DESC ups1 no.such", 'DESC ups1 no.such "Description unavailable"'),
        ("GET DESC nope battery.charge", "ERR UNKNOWN-UPS"),
        ("GET DESC ups1", "ERR INVALID-ARGUMENT"),
        ("GET CMDDESC ups1 load.off", 'CMDDESC ups1 load.off "Cut power to the load right away"'),
        ("GET CMDDESC ups1 no.such", 'CMDDESC ups1 no.such "Description unavailable"'),
        ("GET CMDDESC ups1", "ERR INVALID-ARGUMENT"),
        ("GET UPSDESC ups1", 'UPSDESC ups1 "Rack UPS"'),
        ("GET UPSDESC ups", 'UPSDESC ups "Rack UPS"'),
        ("GET UPSDESC nope", "ERR UNKNOWN-UPS"),
        ("GET UPSDESC", "ERR INVALID-ARGUMENT"),
        ("GET NUMLOGINS ups1", "NUMLOGINS ups1 0"),
        ("GET NUMLOGINS nope", "ERR UNKNOWN-UPS"),
        ("GET NUMLOGINS", "ERR INVALID-ARGUMENT"),
        ("GET TRACKING", "OFF"),
        ("GET TRACKING some-id", "ERR FEATURE-NOT-CONFIGURED"),
        ("GET", "ERR INVALID-ARGUMENT"),
        ("GET NOSUCH ups1", "ERR INVALID-ARGUMENT"),
    ])


async def test_list_forms(client: LineClient, served: Served) -> None:
    reply = await client.ask("LIST UPS")
    assert reply == 'BEGIN LIST UPS\nUPS ups1 "Rack UPS"\nUPS ups "Rack UPS"\nEND LIST UPS'
    assert await client.ask("LIST UPS extra") == reply
    var_lines = (await client.ask("LIST VAR ups1")).split("\n")
    assert var_lines[0] == "BEGIN LIST VAR ups1" and var_lines[-1] == "END LIST VAR ups1"
    names = [line.split()[2] for line in var_lines[1:-1]]
    assert names == sorted(names) == [v.name for v in served.device.variables()]
    assert 'VAR ups1 ups.status "OL CHRG"' in var_lines
    assert (await client.ask("LIST VAR ups")).startswith("BEGIN LIST VAR ups\nVAR ups ")
    assert await client.ask("LIST RW ups1") == (
        "BEGIN LIST RW ups1\n"
        'RW ups1 input.transfer.low "180"\n'
        'RW ups1 ups.beeper.status "enabled"\n'
        'RW ups1 ups.id "rack-1"\n'
        "END LIST RW ups1"
    )
    assert await client.ask("LIST CMD ups1") == (
        "BEGIN LIST CMD ups1\nCMD ups1 beeper.toggle\nCMD ups1 load.off\n"
        "CMD ups1 test.battery.start\nEND LIST CMD ups1"
    )
    assert await client.ask("LIST ENUM ups1 ups.beeper.status") == (
        "BEGIN LIST ENUM ups1 ups.beeper.status\n"
        'ENUM ups1 ups.beeper.status "enabled"\nENUM ups1 ups.beeper.status "disabled"\n'
        "END LIST ENUM ups1 ups.beeper.status"
    )
    assert await client.ask("LIST ENUM ups1 ups.id") == (
        "BEGIN LIST ENUM ups1 ups.id\nEND LIST ENUM ups1 ups.id"
    )
    assert await client.ask("LIST RANGE ups1 input.transfer.low") == (
        "BEGIN LIST RANGE ups1 input.transfer.low\n"
        'RANGE ups1 input.transfer.low "160" "190"\n'
        'RANGE ups1 input.transfer.low "200" "210"\n'
        "END LIST RANGE ups1 input.transfer.low"
    )
    assert await client.ask("LIST CLIENT ups1") == "BEGIN LIST CLIENT ups1\nEND LIST CLIENT ups1"
    await expect(client, [
        ("LIST VAR nope", "ERR UNKNOWN-UPS"),
        ("LIST RW nope", "ERR UNKNOWN-UPS"),
        ("LIST CMD nope", "ERR UNKNOWN-UPS"),
        ("LIST CLIENT nope", "ERR UNKNOWN-UPS"),
        ("LIST ENUM nope x", "ERR UNKNOWN-UPS"),
        ("LIST RANGE ups1 no.such", "ERR VAR-NOT-SUPPORTED"),
        ("LIST ENUM ups1 no.such", "ERR VAR-NOT-SUPPORTED"),
        ("LIST VAR", "ERR INVALID-ARGUMENT"),
        ("LIST ENUM ups1", "ERR INVALID-ARGUMENT"),
        ("LIST RANGE ups1", "ERR INVALID-ARGUMENT"),
        ("LIST", "ERR INVALID-ARGUMENT"),
        ("LIST NOSUCH", "ERR INVALID-ARGUMENT"),
    ])


async def test_begin_end_echo_arguments_as_sent(client: LineClient) -> None:
    reply = await client.ask('LIST VAR "UPS1" extra')
    assert reply.startswith("BEGIN LIST VAR UPS1\nVAR UPS1 ")
    assert reply.endswith("\nEND LIST VAR UPS1")


async def test_unavailable_device(client: LineClient, served: Served) -> None:
    served.device.set_connected(False)
    for request in ["GET VAR ups1 ups.status", "GET VAR ups1 no.such", "GET TYPE ups1 ups.id",
                    "GET DESC ups1 ups.id", "GET CMDDESC ups1 load.off",
                    "GET NUMLOGINS ups1", "LIST VAR ups1", "LIST RW ups1", "LIST CMD ups1",
                    "LIST ENUM ups1 ups.id", "LIST RANGE ups1 ups.id"]:
        assert await client.ask(request) == "ERR DRIVER-NOT-CONNECTED", request
    assert await client.ask("GET UPSDESC ups1") == 'UPSDESC ups1 "Rack UPS"'
    assert (await client.ask("LIST CLIENT ups1")).startswith("BEGIN LIST CLIENT ups1")
    assert await client.ask("GET VAR nope ups.status") == "ERR UNKNOWN-UPS"
    served.device.set_connected(True)
    served.device.data_stale()
    assert await client.ask("GET VAR ups1 ups.status") == "ERR DATA-STALE"
    assert await client.ask("LIST VAR ups1") == "ERR DATA-STALE"
    served.device.data_ok()
    assert await client.ask("GET VAR ups1 battery.charge") == 'VAR ups1 battery.charge "100"'


async def test_maxage_makes_silent_driver_stale(served: Served, client: LineClient) -> None:
    served.server.settings.maxage = 0.05
    await asyncio.sleep(0.1)
    assert await client.ask("GET VAR ups1 ups.status") == "ERR DATA-STALE"
    served.device.data_ok()
    assert await client.ask("GET VAR ups1 ups.status") == 'VAR ups1 ups.status "OL CHRG"'


async def test_username_password(client: LineClient) -> None:
    await expect(client, [
        ("USERNAME", "ERR INVALID-ARGUMENT"),
        ("USERNAME a b", "ERR INVALID-ARGUMENT"),
        ("USERNAME admin", "OK"),
        ("USERNAME admin", "ERR ALREADY-SET-USERNAME"),
        ("PASSWORD", "ERR INVALID-ARGUMENT"),
        ('PASSWORD "secret"', "OK"),
        ("PASSWORD again", "ERR ALREADY-SET-PASSWORD"),
    ])


@pytest.mark.parametrize("request_line", [
    "SET VAR ups1 ups.id x", "SET TRACKING ON", "SET", "INSTCMD ups1 load.off", "INSTCMD",
    "LOGIN ups1", "LOGIN", "PRIMARY ups1", "MASTER ups1", "FSD ups1", "FSD",
])
async def test_writes_need_username_then_password(client: LineClient, request_line: str) -> None:
    assert await client.ask(request_line) == "ERR USERNAME-REQUIRED"
    assert await client.ask("USERNAME admin") == "OK"
    assert await client.ask(request_line) == "ERR PASSWORD-REQUIRED"


async def test_set_var_order_and_forms(client: LineClient, served: Served) -> None:
    await client.login("reader", "pw")
    await expect(client, [
        ("SET VAR nope ups.id x", "ERR UNKNOWN-UPS"),
        ("SET VAR ups1 ups.id x", "ERR ACCESS-DENIED"),
        ("SET VAR ups1 no.such x", "ERR ACCESS-DENIED"),
        ("SET VAR ups1 ups.id", "ERR INVALID-ARGUMENT"),
    ])
    admin = await LineClient.connect(served.port)
    try:
        await admin.login("admin", "secret")
        await expect(admin, [
            ("SET VAR ups1 no.such x", "ERR VAR-NOT-SUPPORTED"),
            ("SET VAR ups1 battery.charge 5", "ERR READONLY"),
            ("SET VAR ups1 ups.id waytoolongvalue", "ERR TOO-LONG"),
            ("SET VAR ups1 ups.beeper.status loud", "ERR INVALID-VALUE"),
            ("SET VAR ups1 input.transfer.low 195", "ERR INVALID-VALUE"),
            ("SET VAR ups1 input.transfer.low abc", "ERR INVALID-VALUE"),
            ("SET VAR ups1 input.transfer.low 205", "OK"),
            ('SET VAR ups "ups.id" "a b"', "OK"),
            ("SET VAR", "ERR INVALID-ARGUMENT"),
            ("SET NOSUCH x", "ERR INVALID-ARGUMENT"),
        ])
        assert served.recorder.calls == [("setvar", "input.transfer.low", "205"),
                                         ("setvar", "ups.id", "a b")]
        served.device.set_connected(False)
        assert await admin.ask("SET VAR ups1 ups.id x") == "ERR DRIVER-NOT-CONNECTED"
        served.device.set_connected(True)
        served.recorder.result = CmdResult.FAILED
        assert await admin.ask("SET VAR ups1 ups.id x") == "ERR SET-FAILED"
        served.recorder.result = CmdResult.INVALID
        assert await admin.ask("SET VAR ups1 ups.id x") == "ERR INVALID-VALUE"
        served.recorder.raise_error = True
        assert await admin.ask("SET VAR ups1 ups.id x") == "ERR SET-FAILED"
    finally:
        await admin.close()


async def test_wrong_password_is_refused_at_use(client: LineClient) -> None:
    await client.login("admin", "wrong")
    assert await client.ask("SET VAR ups1 ups.id x") == "ERR ACCESS-DENIED"
    assert await client.ask("INSTCMD ups1 load.off") == "ERR ACCESS-DENIED"
    assert await client.ask("FSD ups1") == "ERR ACCESS-DENIED"


async def test_instcmd_order_and_forms(client: LineClient, served: Served) -> None:
    await client.login("tester", "pw")
    await expect(client, [
        ("INSTCMD nope load.off", "ERR UNKNOWN-UPS"),
        ("INSTCMD ups1 no.such", "ERR CMD-NOT-SUPPORTED"),
        ("INSTCMD ups1 load.off", "ERR ACCESS-DENIED"),
        ("INSTCMD ups1", "ERR INVALID-ARGUMENT"),
        ("INSTCMD ups1 test.battery.start", "OK"),
        ("INSTCMD ups test.battery.start 60", "OK"),
    ])
    assert served.recorder.calls == [("instcmd", "test.battery.start", None),
                                     ("instcmd", "test.battery.start", "60")]
    served.recorder.result = CmdResult.FAILED
    assert await client.ask("INSTCMD ups1 test.battery.start") == "ERR INSTCMD-FAILED"
    served.recorder.result = CmdResult.INVALID
    assert await client.ask("INSTCMD ups1 test.battery.start x") == "ERR INVALID-ARGUMENT"
    served.recorder.result = CmdResult.HANDLED
    served.recorder.raise_error = True
    assert await client.ask("INSTCMD ups1 test.battery.start") == "ERR INSTCMD-FAILED"
    served.device.data_stale()
    assert await client.ask("INSTCMD ups1 test.battery.start") == "ERR DATA-STALE"


async def test_tracking(client: LineClient, served: Served) -> None:
    await client.login("admin", "secret")
    await expect(client, [
        ("SET TRACKING", "ERR INVALID-ARGUMENT"),
        ("SET TRACKING MAYBE", "ERR INVALID-ARGUMENT"),
        ("SET TRACKING on", "OK"),
        ("GET TRACKING", "ON"),
    ])
    served.recorder.delay = 0.3
    reply = await client.ask("INSTCMD ups1 load.off")
    assert reply.startswith("OK TRACKING ")
    tid = reply.split()[2]
    assert UUID.match(tid)
    assert await client.ask(f"GET TRACKING {tid}") == "PENDING"
    for _ in range(100):
        status = await client.ask(f"GET TRACKING {tid}")
        if status != "PENDING":
            break
        await asyncio.sleep(0.02)
    assert status == "SUCCESS"
    served.recorder.delay = 0
    served.recorder.result = CmdResult.FAILED
    reply = await client.ask("SET VAR ups1 ups.id new")
    tid2 = reply.split()[2]
    await asyncio.sleep(0.05)
    assert await client.ask(f"GET TRACKING {tid2}") == "ERR FAILED"
    assert await client.ask("GET TRACKING 00000000-0000-0000-0000-000000000000") == "ERR UNKNOWN"
    # checks that fail before the driver still answer with an error, not a tracking id
    assert await client.ask("SET VAR ups1 battery.charge 5") == "ERR READONLY"
    other = await LineClient.connect(served.port)
    try:
        assert await other.ask(f"GET TRACKING {tid}") == "ERR FEATURE-NOT-CONFIGURED"
        assert await other.ask("SET TRACKING ON") == "ERR USERNAME-REQUIRED"
    finally:
        await other.close()
    assert await client.ask("SET TRACKING OFF") == "OK"
    assert await client.ask("GET TRACKING") == "OFF"
    served.recorder.result = CmdResult.HANDLED
    assert await client.ask("INSTCMD ups1 load.off") == "OK"


async def test_tracking_ids_expire_after_trackingdelay(client: LineClient, served: Served) -> None:
    served.server.state.tracking.delay = 0.05
    await client.login("admin", "secret")
    assert await client.ask("SET TRACKING ON") == "OK"
    tid = (await client.ask("INSTCMD ups1 load.off")).split()[2]
    await asyncio.sleep(0.1)
    assert await client.ask(f"GET TRACKING {tid}") == "ERR UNKNOWN"


async def test_slow_command_is_answered_ok_after_the_wait(client: LineClient, served: Served) -> None:
    served.server.state.command_wait = 0.05
    served.recorder.delay = 0.5
    await client.login("admin", "secret")
    assert await client.ask("INSTCMD ups1 load.off") == "OK"
    assert await client.ask("VER") == VERSION_LINE.strip()


async def test_login_numlogins_list_client(served: Served) -> None:
    pri = await LineClient.connect(served.port)
    sec = await LineClient.connect(served.port)
    try:
        assert await pri.ask("LOGIN ups1 extra") == "ERR USERNAME-REQUIRED"
        await pri.login("monpri", "pw")
        await expect(pri, [
            ("LOGIN", "ERR INVALID-ARGUMENT"),
            ("LOGIN nope", "ERR UNKNOWN-UPS"),
            ("LOGIN ups1", "OK"),
            ("LOGIN ups1", "ERR ALREADY-LOGGED-IN"),
            ("LOGIN nope", "ERR ALREADY-LOGGED-IN"),
            ("LOGIN ups1 extra", "ERR INVALID-ARGUMENT"),
            ("PRIMARY ups1", "OK PRIMARY-GRANTED"),
            ("MASTER ups", "OK MASTER-GRANTED"),
            ("PRIMARY nope", "ERR UNKNOWN-UPS"),
            ("PRIMARY", "ERR INVALID-ARGUMENT"),
        ])
        await sec.login("monsec", "pw")
        assert await sec.ask("PRIMARY ups1") == "ERR ACCESS-DENIED"
        assert await sec.ask("LOGIN ups") == "OK"
        assert await pri.ask("GET NUMLOGINS ups1") == "NUMLOGINS ups1 2"
        assert await pri.ask("GET NUMLOGINS ups") == "NUMLOGINS ups 2"
        assert await pri.ask("LIST CLIENT ups1") == (
            "BEGIN LIST CLIENT ups1\nCLIENT ups1 127.0.0.1\nCLIENT ups1 127.0.0.1\nEND LIST CLIENT ups1"
        )
        assert served.server.clients("ups") == ["127.0.0.1", "127.0.0.1"]
        assert await sec.ask("LOGOUT") == "OK Goodbye"
        assert await sec.closed()
        for _ in range(100):
            if await pri.ask("GET NUMLOGINS ups1") == "NUMLOGINS ups1 1":
                break
            await asyncio.sleep(0.01)
        assert served.server.clients("ups1") == ["127.0.0.1"]
        await pri.close()
        for _ in range(100):
            if not served.server.clients("ups1"):
                break
            await asyncio.sleep(0.01)
        assert served.server.clients("ups1") == []
        assert served.server.clients("nope") == []
    finally:
        await pri.close()
        await sec.close()


async def test_login_rights(client: LineClient, served: Served) -> None:
    await client.login("admin", "secret")
    assert await client.ask("LOGIN ups1") == "ERR ACCESS-DENIED"
    assert await client.ask("PRIMARY ups1") == "ERR ACCESS-DENIED"


async def test_fsd(client: LineClient, served: Served) -> None:
    await client.login("monsec", "pw")
    await expect(client, [
        ("FSD nope", "ERR UNKNOWN-UPS"),
        ("FSD ups1", "ERR ACCESS-DENIED"),
        ("FSD ups1 extra", "ERR INVALID-ARGUMENT"),
    ])
    assert not served.device.fsd
    pri = await LineClient.connect(served.port)
    try:
        await pri.login("monpri", "pw")
        assert await pri.ask("FSD ups") == "OK FSD-SET"
    finally:
        await pri.close()
    assert served.device.fsd
    assert await client.ask("GET VAR ups1 ups.status") == 'VAR ups1 ups.status "FSD OL CHRG"'
    assert 'VAR ups1 ups.status "FSD OL CHRG"' in await client.ask("LIST VAR ups1")
    served.device.set_status(["OB", "LB"])
    assert await client.ask("GET VAR ups1 ups.status") == 'VAR ups1 ups.status "FSD OB LB"'
    admin = await LineClient.connect(served.port)
    try:
        await admin.login("admin", "secret")
        assert await admin.ask("FSD ups1") == "OK FSD-SET"
    finally:
        await admin.close()


async def test_starttls_not_configured(client: LineClient) -> None:
    assert await client.ask("STARTTLS") == "ERR FEATURE-NOT-CONFIGURED"
    assert await client.ask("VER") == VERSION_LINE.strip()


async def test_logout(client: LineClient) -> None:
    assert await client.ask("LOGOUT now") == "ERR INVALID-ARGUMENT"
    await client.send("LOGOUT")
    await client.send("VER")
    assert await client.line() == "OK Goodbye"
    assert await client.closed()


async def test_upsdesc_unavailable_without_description(served: Served) -> None:
    from .conftest import make_device

    bare = make_device("bare")
    bare.desc = ""
    served.registry.add(bare)
    client = await LineClient.connect(served.port)
    try:
        assert await client.ask("GET UPSDESC bare") == 'UPSDESC bare "Unavailable"'
        # upsd words it differently in LIST UPS
        assert 'UPS bare "Description unavailable"' in await client.ask("LIST UPS")
    finally:
        await client.close()
