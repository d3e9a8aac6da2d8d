"""Quick and full walks of every dialect on its canned table.

After start-up, quick walks send only the queries of quick-polled rows; full
walks (every ``pollfreq``) add the other answered queries, and queries whose
rows are all static are never sent again.  All dialects run at once.
"""

from __future__ import annotations

import asyncio
import contextlib

from tests.drivers.qx.protocols.harness import Run, run_table
from tests.drivers.qx.protocols.test_bad_input_all import DIALECTS
from upskit.drivers.qx.dialect import get_dialect
from upskit.drivers.qx.items import QxFlag
from upskit.sim.canned import canned_table

_NOT_READ = QxFlag.CMD | QxFlag.SETVAR | QxFlag.ABSENT


def _query(frame: bytes) -> str:
    return frame.removesuffix(b"\r").decode("latin-1")


def _key(query: str) -> str:
    """The fixed part of a query (``GS,{a}`` is sent as ``GS,00``)."""
    return query.split("{", 1)[0]


def _matches(sent: str, queries: set[str]) -> bool:
    return any(sent.startswith(q) for q in queries)


async def test_quick_and_full_walks() -> None:
    async with contextlib.AsyncExitStack() as stack:
        runs: dict[str, Run] = {}
        for protocol in DIALECTS:
            runs[protocol] = await stack.enter_async_context(
                run_table(protocol, protocol=protocol, pollfreq="1"))
        marks = {p: len(r.sim.received) for p, r in runs.items()}
        await asyncio.sleep(1.3)
        for protocol, run in runs.items():
            dialect = get_dialect(protocol)
            assert dialect is not None
            rows = [i for i in dialect.items if not i.flags & _NOT_READ and i.query]
            quick = {_key(i.query) for i in rows if i.has(QxFlag.QUICK_POLL)}
            moving = {_key(i.query) for i in rows
                      if not i.flags & (QxFlag.STATIC | QxFlag.SEMI_STATIC)}
            static_only = {_key(i.query) for i in rows} - {
                _key(i.query) for i in rows if not i.has(QxFlag.STATIC)}
            answered = {k.upper() for k in canned_table(protocol).replies}
            frames = [_query(f) for f in run.sim.received[marks[protocol]:]]
            assert quick and frames, protocol
            # the walks right after start-up are quick ones
            assert all(_matches(q, quick) for q in frames[:len(quick)]), (protocol, frames)
            full_only = {q for q in moving - quick if any(a.startswith(q.upper())
                                                          for a in answered)}
            assert all(any(f.startswith(q) for f in frames) for q in full_only), (
                protocol, full_only, frames)
            assert not [f for f in frames if f in static_only], (protocol, frames)
