"""SNMP agent settings: addresses as NUT's port= takes them, v3 checks."""

from __future__ import annotations

import pytest

from upskit.transport.snmp import BadTarget, SecLevel, SnmpTarget, Version, split_host


@pytest.mark.parametrize(("text", "expected"), [
    ("ups1.example.net", ("ups1.example.net", 161)),
    ("10.0.0.5:1161", ("10.0.0.5", 1161)),
    ("[fe80::1]:162", ("fe80::1", 162)),
    ("[2001:db8::7]", ("2001:db8::7", 161)),
    ("2001:db8::7", ("2001:db8::7", 161)),
    (" 127.0.0.1 ", ("127.0.0.1", 161)),
])
def test_host_and_port_forms(text: str, expected: tuple[str, int]) -> None:
    assert split_host(text) == expected


@pytest.mark.parametrize("text", ["", ":161", "host:0", "host:99999", "host:abc", "[::1",
                                  "[::1]x"])
def test_bad_addresses_are_refused_with_a_reason(text: str) -> None:
    with pytest.raises(BadTarget):
        split_host(text)


def test_address_shows_ipv6_in_brackets() -> None:
    assert SnmpTarget("::1", 1161).address == "[::1]:1161"
    assert SnmpTarget("ups", 161).address == "ups:161"


def test_v3_needs_a_user_and_long_enough_keys() -> None:
    with pytest.raises(BadTarget, match="secName"):
        SnmpTarget("h", version=Version.V3)
    with pytest.raises(BadTarget, match="authPassword"):
        SnmpTarget("h", version=Version.V3, sec_name="u", sec_level=SecLevel.AUTH_NO_PRIV,
                   auth_password="short")
    with pytest.raises(BadTarget, match="privPassword"):
        SnmpTarget("h", version=Version.V3, sec_name="u", sec_level=SecLevel.AUTH_PRIV,
                   auth_password="longenough", priv_password="")
    ok = SnmpTarget("h", version=Version.V3, sec_name="u", sec_level=SecLevel.AUTH_PRIV,
                    auth_password="longenough", priv_password="alsolong", auth_protocol="SHA512",
                    priv_protocol="AES256")
    assert ok.sec_level is SecLevel.AUTH_PRIV


def test_unknown_protocols_are_named() -> None:
    with pytest.raises(BadTarget, match="authProtocol 'SHA1'"):
        SnmpTarget("h", auth_protocol="SHA1")
    with pytest.raises(BadTarget, match="privProtocol '3DES'"):
        SnmpTarget("h", priv_protocol="3DES")
