"""The driver context: one shared service of a kind per process, closed at the end."""

from __future__ import annotations

import pytest

from tests.support import PollOnly
from upskit.drivers.context import DriverContext, Services, default_context
from upskit.model import Device


class Engine:
    """Stands for an SNMP engine: expensive, shared, closed asynchronously."""

    made = 0

    def __init__(self, community: str = "public") -> None:
        Engine.made += 1
        self.community = community
        self.closed = False

    async def aclose(self) -> None:
        self.closed = True


class Socket:
    """A service with a plain close() that fails."""

    def close(self) -> None:
        raise OSError("already gone")


async def test_one_service_per_kind_and_name_made_on_first_use() -> None:
    Engine.made = 0
    context = DriverContext()
    first = context.service(Engine)
    assert context.service(Engine) is first and Engine.made == 1
    private = context.service(Engine, lambda: Engine("secret"), name="site-b")
    assert private is not first and private.community == "secret"
    assert context.service(Engine, name="site-b") is private and Engine.made == 2
    assert Engine in context.services and len(context.services) == 2
    context.service(Socket)
    await context.aclose()  # the failing close() of Socket does not stop the others
    assert first.closed and private.closed
    assert len(context.services) == 0
    assert context.service(Engine) is not first  # a fresh one after closing


def test_a_factory_must_make_the_kind_asked_for() -> None:
    with pytest.raises(TypeError, match="Engine"):
        Services().get(Engine, lambda: "not an engine")  # type: ignore[arg-type,return-value]


def test_drivers_share_their_context() -> None:
    context = DriverContext()
    a = PollOnly(Device("a"), {}, context=context)
    b = PollOnly(Device("b"), {}, context=context)
    assert a.context is b.context is context
    assert a.context.service(Engine) is b.context.service(Engine)
    lone = PollOnly(Device("c"), {})
    assert lone.context is default_context()
