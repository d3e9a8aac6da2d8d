"""The sans-I/O core: calls run on a scripted shell, replies read line by line."""

from __future__ import annotations

import inspect
import subprocess
import sys
from typing import Any

import pytest

from upskit.client import AsyncClient, Client, NutConnectionError, NutError, NutProtocolError, calls
from upskit.client import commands as c


class ScriptedShell:
    """Answers each exchange with scripted lines; the clock moves only when pausing."""

    def __init__(self, *replies: list[str] | BaseException) -> None:
        self.replies = list(replies)
        self.sent: list[bytes] = []
        self.pauses: list[float] = []
        self.now = 100.0
        self.closed = False

    def _exchange(self, exchange: c.Exchange[Any]) -> Any:
        self.sent.append(exchange.encode())
        script = self.replies.pop(0)
        if isinstance(script, BaseException):
            raise script
        reply = exchange.reply()
        for line in script:
            if reply.feed(line):
                return reply.value
        raise AssertionError("reply incomplete")

    def _pause(self, seconds: float) -> None:
        self.pauses.append(seconds)
        self.now += seconds

    def _clock(self) -> float:
        return self.now

    def close(self) -> None:
        self.closed = True


def run(call: calls.Call[Any], shell: ScriptedShell) -> Any:
    return calls.Run(call).blocking(shell)


def test_wait_for_tracking_pauses_between_polls_until_known() -> None:
    shell = ScriptedShell(["PENDING"], ["PENDING"], ["SUCCESS"])
    assert run(calls.wait_for_tracking("id1", timeout=10, interval=0.5), shell) == "SUCCESS"
    assert shell.sent == [b"GET TRACKING id1\n"] * 3
    assert shell.pauses == [0.5, 0.5]


def test_wait_for_tracking_gives_up_at_the_deadline() -> None:
    shell = ScriptedShell(*[["PENDING"]] * 5)
    assert run(calls.wait_for_tracking("x", timeout=2.5, interval=1), shell) == "PENDING"
    assert shell.pauses == [1, 1, 0.5]


def test_primary_falls_back_to_master_only_for_old_servers() -> None:
    shell = ScriptedShell(["ERR INVALID-ARGUMENT"], ["OK MASTER-GRANTED"])
    assert run(calls.primary("u"), shell) is None
    assert shell.sent == [b"PRIMARY u\n", b"MASTER u\n"]
    shell = ScriptedShell(["ERR ACCESS-DENIED"])
    with pytest.raises(NutError, match="ACCESS-DENIED"):
        run(calls.primary("u"), shell)
    shell = ScriptedShell(NutConnectionError("gone", code="UNKNOWN-COMMAND"))
    with pytest.raises(NutConnectionError):
        run(calls.primary("u"), shell)
    assert len(shell.sent) == 1


def test_logout_closes_whatever_happens() -> None:
    shell = ScriptedShell(NutConnectionError("reset"))
    assert run(calls.logout(), shell) is None
    assert shell.closed
    shell = ScriptedShell(KeyboardInterrupt())
    with pytest.raises(KeyboardInterrupt):
        run(calls.logout(), shell)
    assert shell.closed


def test_one_line_reply_stays_in_step_after_any_answer() -> None:
    reply = c.get_var("u", "v").reply()
    assert not reply.in_step
    with pytest.raises(NutProtocolError):
        reply.feed("VAR u other 1")
    assert reply.keeps_connection(NutProtocolError())


def test_list_reply_is_in_step_only_after_an_err_in_place_of_the_list() -> None:
    refused = c.list_vars("u").reply()
    with pytest.raises(NutError):
        refused.feed("ERR UNKNOWN-UPS")
    assert refused.in_step
    garbled = c.list_vars("u").reply()
    with pytest.raises(NutProtocolError):
        garbled.feed("BEGIN LIST VAR other")
    assert not garbled.in_step
    broken = c.list_vars("u").reply()
    assert not broken.feed("BEGIN LIST VAR u")
    assert not broken.feed('VAR u a "1"')
    with pytest.raises(NutError):
        broken.feed("ERR DATA-STALE")
    assert not broken.in_step
    whole = c.list_vars("u").reply()
    for line in ("BEGIN LIST VAR u", 'VAR u a "1"', 'VAR u b "2 3"'):
        assert not whole.feed(line)
    assert whole.feed("END LIST VAR u")
    assert whole.value == {"a": "1", "b": "2 3"}


def test_each_public_method_is_written_once_for_both_clients() -> None:
    client = Client("localhost")
    public = {name for name in dir(client) if not name.startswith("_")
              and callable(getattr(client, name))}
    assert {"get_var", "list_vars", "primary", "logout", "starttls", "wait_for_tracking"} <= public
    shell_specific = {"connect", "close"}
    for name in public - shell_specific:
        assert inspect.getattr_static(Client, name) is inspect.getattr_static(AsyncClient, name)


async def test_bad_arguments_fail_when_awaited_without_connecting() -> None:
    client = AsyncClient("127.0.0.1", 9)
    pending = client.request("VER\nLOGOUT")
    with pytest.raises(ValueError):
        await pending
    assert not client.connected
    with pytest.raises(ValueError):
        Client("127.0.0.1", 9).get_var("u", "a\x00b")


def test_blocking_client_loads_without_asyncio() -> None:
    code = ("import sys, upskit.client\nupskit.client.Client('localhost')\n"
            "print(sorted(m for m in ('asyncio', 'ssl') if m in sys.modules))")
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                            timeout=60, check=True)
    assert result.stdout.strip() == "[]"
