"""Each bridge, byte-exact on the wire: the requests pyusb really made on the simulated bus."""

from __future__ import annotations

import pytest

from upskit.sim.usb import simulated_bus
from upskit.sim.usb.device import UsbRequest
from upskit.sim.usb.responder import FixedMegatec
from upskit.transport import PortSilent, TransportError

Q1 = b"(230.0 230.0 230.0 015 50.0 13.6 25.0 00001001\r"


async def _one(name: str, command: bytes = b"Q1\r", options: dict[str, str] | None = None,
               **quirks: object) -> tuple[bytes | TransportError, list[UsbRequest]]:
    bus = simulated_bus(name, responder=None if name == "energizer" else FixedMegatec())
    for key, value in quirks.items():
        setattr(bus.device, key, value)
    transport = bus.transport(options)
    await transport.open()
    bus.device.log.clear()
    try:
        reply: bytes | TransportError = await transport.exchange(command)
    except TransportError as exc:
        reply = exc
    return reply, list(bus.device.log)


def controls(log: list[UsbRequest]) -> list[tuple[int, int, int, int, bytes]]:
    return [(r.request_type, r.request, r.value, r.index, r.data)
            for r in log if r.kind == "control"]


def reads(log: list[UsbRequest]) -> list[tuple[int, int]]:
    return [(r.endpoint, r.length) for r in log if r.kind == "read"]


async def test_cypress_pads_8_byte_set_reports_and_reads_8_bytes() -> None:
    reply, log = await _one("cypress", b"I\r")
    assert reply.startswith(b"#UPSKIT SIM")
    # 0665:5161 drains stale reports first (one timed-out read), then sends.
    assert controls(log) == [(0x21, 0x09, 0x0200, 0, b"I\r" + b"\x00" * 6)]
    assert reads(log)[0] == (0x81, 8)
    assert all(r == (0x81, 8) for r in reads(log))
    assert [r.timeout for r in log if r.kind == "control"] == [5000]


async def test_cypress_multi_chunk_command() -> None:
    reply, log = await _one("cypress", b"S.5R0001\r")
    assert isinstance(reply, PortSilent)  # shutdown commands get no answer
    assert [c[4] for c in controls(log)] == [b"S.5R0001", b"\r" + b"\x00" * 7]


async def test_phoenix_flushes_before_sending_with_1s_control_timeout() -> None:
    reply, log = await _one("phoenix")
    assert reply == Q1
    kinds = [r.kind for r in log]
    assert kinds[0] == "read"  # flush first
    assert controls(log)[0][:3] == (0x21, 0x09, 0x0200)
    assert {r.timeout for r in log if r.kind == "control"} == {1000}


async def test_ippon_uses_wvalue_2_unpadded_and_one_64_byte_read() -> None:
    reply, log = await _one("ippon", b"Q1\r")
    assert reply == Q1
    assert controls(log) == [(0x21, 0x09, 0x0002, 0, b"Q1\r")]
    assert reads(log) == [(0x81, 64)]


async def test_ippon_empty_answer_is_00_0d() -> None:
    bus = simulated_bus("ippon", responder=FixedMegatec())
    transport = bus.transport()
    await transport.open()
    assert await transport.exchange(b"T\r") == b""


async def test_gtec_unpadded_0002_and_128_byte_reads() -> None:
    reply, log = await _one("gtec", b"QGS\r", {"subdriver": "gtec", "vendorid": "0665",
                                                "productid": "5161"})
    assert reply == b"QGS\r"  # echoed: unknown to the fixed UPS
    assert controls(log) == [(0x21, 0x09, 0x0002, 0, b"QGS\r")]
    assert reads(log) == [(0x81, 128)]


async def test_omron_sends_exact_16_byte_reports() -> None:
    reply, log = await _one("omron")
    assert reply == Q1
    assert controls(log) == [(0x21, 0x09, 0x0002, 0, b"Q1\r" + b"\x00" * 13)]
    assert reads(log) == [(0x81, 64)]


async def test_sgs_length_prefixed_packets() -> None:
    reply, log = await _one("sgs", b"S.5R0001\r")
    assert reply == b""  # silence ends the reply on this chip: an empty answer
    assert [c[4] for c in controls(log)] == [b"\x07S.5R000", b"\x021\r" + b"\x00" * 5]
    reply, log = await _one("sgs")
    assert reply == Q1
    assert all(r == (0x81, 8) for r in reads(log))


async def test_phoenixtec_vendor_request_whole_command() -> None:
    reply, log = await _one("phoenixtec")
    assert reply == Q1
    assert controls(log) == [(0x42, 0x0D, 0, 0, b"Q1\r")]
    reply, log = await _one("phoenixtec", b"TL\r")
    assert reply == b"" and reads(log) == []  # no answer expected, no read made
    reply, log = await _one("phoenixtec", b"MSO\r")
    assert reads(log)  # "M" must not swallow "MSO"


async def test_fuji_interrupt_out_frame() -> None:
    reply, log = await _one("fuji")
    assert reply == Q1
    writes = [(r.endpoint, r.data) for r in log if r.kind == "write"]
    assert writes == [(0x02, bytes([0x80, 0x06, 3, 0x03]) + b"Q1\x00" + bytes([47]))]
    assert all(r == (0x81, 8) for r in reads(log))
    reply, log = await _one("fuji", b"S05R0000\r")
    assert reply == b"S05R0000\r" and not [r for r in log if r.kind == "write"]
    reply, log = await _one("fuji", b"S05R0003\r")
    assert [r.data for r in log if r.kind == "write"] == [bytes([0x80, 6, 4, 3]) + b"S05\x00"]


async def test_ablerex_feature_report_5() -> None:
    reply, log = await _one("ablerex")
    assert reply == Q1
    sent = controls(log)
    assert sent[0] == (0x21, 0x09, 0x0305, 0, (b"\x05\x00\x03Q1").ljust(47, b"\x00"))
    assert (sent[1][0], sent[1][1], sent[1][2]) == (0xA1, 0x01, 0x0305)
    assert [r.length for r in log if r.kind == "control"][1] == 47


@pytest.mark.parametrize(("command", "index"), [
    (b"Q1\r", 0x03), (b"F\r", 0x0D), (b"I\r", 0x0C), (b"T\r", 0x04), (b"TL\r", 0x05),
    (b"Q\r", 0x07), (b"C\r", 0x0B), (b"CT\r", 0x0B),
])
async def test_krauler_maps_commands_to_string_indexes(command: bytes, index: int) -> None:
    _reply, log = await _one("krauler", command)
    strings = [r.value & 0xFF for r in controls_full(log) if r.value >> 8 == 0x03 and r.value & 0xFF]
    assert strings == [index]


def controls_full(log: list[UsbRequest]) -> list[UsbRequest]:
    return [r for r in log if r.kind == "control"]


async def test_krauler_unknown_command_is_echoed_without_traffic() -> None:
    reply, log = await _one("krauler", b"S01R0002\r")
    assert reply == b"S01R0002\r" and log == []


async def test_krauler_retries_no_ack_and_fixes_leader() -> None:
    bus = simulated_bus("krauler", responder=FixedMegatec(status="X230.0 230.0 230.0 015 50.0 13.6 25.0 00001001"))
    bus.device.no_ack = 3  # type: ignore[attr-defined]
    transport = bus.transport()
    await transport.open()
    bus.device.log.clear()
    assert await transport.exchange(b"Q1\r") == Q1  # leader 'X' replaced by '('
    assert len([r for r in bus.device.log if r.value == 0x0303]) == 4


async def test_krauler_langid_fix_reads_raw_descriptor_with_that_langid() -> None:
    bus = simulated_bus("krauler", responder=FixedMegatec())
    bus.device.answer_langid = 0x4095  # type: ignore[attr-defined]
    plain = bus.transport()
    await plain.open()
    with pytest.raises(PortSilent):  # "UPS No Ack" ten times
        await plain.exchange(b"Q1\r")
    await plain.close()
    fixed = bus.transport({"langid_fix": "0x4095"})
    await fixed.open()
    bus.device.log.clear()
    assert await fixed.exchange(b"Q1\r") == Q1
    assert [(r.value, r.index) for r in bus.device.log] == [(0x0303, 0x4095)]


@pytest.mark.parametrize(("command", "index"), [
    (b"S.5R0000\r", 0x10), (b"S.5\r", 0x18), (b"S01\r", 0x68), (b"S10R0000\r", 0xF0),
    (b"S.7\r", 0x38), (b"S03R0001\r", 0x88), (b"C\r", 0x0A),
])
async def test_fabula_shutdown_indexes(command: bytes, index: int) -> None:
    reply, log = await _one("fabula", command)
    assert [r.value & 0xFF for r in log if r.kind == "control" and r.value >> 8 == 3
            and r.value & 0xFF > 2] == [index]
    assert reply in (b"", b"\r")


async def test_fabula_no_ack_is_an_empty_reply() -> None:
    bus = simulated_bus("fabula", responder=FixedMegatec())
    bus.device.no_ack = 1  # type: ignore[attr-defined]
    transport = bus.transport()
    await transport.open()
    assert await transport.exchange(b"Q1\r") == b""
    assert await transport.exchange(b"Q1\r") == Q1


async def test_hunnox_lockstep_sequence() -> None:
    bus = simulated_bus("hunnox", responder=FixedMegatec())
    transport = bus.transport()
    await transport.open()
    bus.device.log.clear()
    assert await transport.exchange(b"Q1\r") == Q1
    first = [(r.value, r.length) for r in bus.device.log if r.kind == "control"]
    assert first[:3] == [(0x0300, 1026), (0x0300, 1026), (0x0301, 1026)]
    assert first[3][0] == 0x0303
    bus.device.log.clear()
    assert (await transport.exchange(b"BL\r")).startswith(b"BL")  # fixed UPS echoes BL
    second = [r.value & 0xFF for r in bus.device.log if r.kind == "control"]
    assert second == [0x0D, 0xF3]
    bus.device.log.clear()
    await transport.exchange(b"F\r")
    assert [r.value & 0xFF for r in bus.device.log if r.kind == "control"] == [0x03, 0x0D]


async def test_hunnox_without_lockstep_gets_no_ack() -> None:
    bus = simulated_bus("hunnox", responder=FixedMegatec())
    transport = bus.transport({"subdriver": "krauler", "vendorid": "0001", "productid": "0000",
                               "product": "MEC0003"})
    await transport.open()
    with pytest.raises(PortSilent):
        await transport.exchange(b"Q1\r")


async def test_snr_wakes_the_chip_and_uses_langid() -> None:
    reply, log = await _one("snr", b"Q1\r", {"subdriver": "snr", "vendorid": "0001",
                                              "productid": "0000"})
    assert reply == Q1
    assert [r.kind for r in log][:2] == ["read", "control"]
    assert (log[0].endpoint, log[0].length) == (0x81, 102)
    assert (log[1].value, log[1].index, log[1].length) == (0x0303, 0x0409, 102)


async def test_armac_control_mode_wire() -> None:
    reply, log = await _one("armac")
    assert reply == Q1
    assert [c[4] for c in controls(log)] == [b"\xa3Q1\r", b"\xa1\x00\x00\x00"]
    assert all(c[:3] == (0x21, 0x09, 0x0200) for c in controls(log))
    assert all(r == (0x81, 8) for r in reads(log))


async def test_armac_interrupt_mode_wire() -> None:
    reply, log = await _one("armac-interrupt")
    assert reply == Q1
    assert [(r.endpoint, r.data) for r in log if r.kind == "write"] == [(0x02, b"\xa4Q1\r\x00")]
    assert reads(log) == [(0x82, 64)]


async def test_armac_local_echo() -> None:
    reply, log = await _one("armac", b"QGS\r")
    assert reply == b"QGS\r" and log == []


async def test_vultech_nul_status_bits_read_as_zero() -> None:
    reply, _ = await _one("vultech-v2000")
    assert reply == Q1


async def test_energizer_output_reports_are_8_usages_per_char() -> None:
    from upskit.transport.usb.bridges.energizer import report_of, usages_of

    assert usages_of(b"A") == {1, 7}
    assert report_of(usages_of(b"Q1\r")) == b"Q1\r" + b"\x00" * 5
    reply, log = await _one("energizer", b"I\r")
    assert reply == b"#Energizer ER-OF800 A0\r"
    assert controls(log) == [(0x21, 0x09, 0x0200, 0, b"I\r" + b"\x00" * 6)]
    assert all(r == (0x81, 8) for r in reads(log))


@pytest.mark.parametrize("model", ["energizer-er-of800", "energizer-er-hm450",
                                   "energizer-er-hmof600"])
async def test_energizer_models_found_and_speak_q1_and_i(model: str) -> None:
    bus = simulated_bus(model)
    transport = bus.transport()
    await transport.open()
    assert transport.bridge.name == "energizer"
    assert (await transport.exchange(b"I\r")).startswith(b"#Energizer " + model.split("-", 1)[1].upper().encode())
    assert (await transport.exchange(b"Q1\r")).startswith(b"(")
