"""The REST API against its own OpenAPI document; NUT's users and rights; NUT's error
words."""

from __future__ import annotations

import base64
import copy
from typing import Any

import aiohttp
import jsonschema
import pytest

from tests.exporters.conftest import Served
from tests.exporters.openapi_check import OpenApi
from tests.support import eventually


def basic(user: str, password: str) -> dict[str, str]:
    token = base64.b64encode(f"{user}:{password}".encode()).decode()
    return {"Authorization": f"Basic {token}"}


ADMIN = basic("admin", "adminpw")
BEEPER = basic("beeper", "beeperpw")
VIEWER = basic("viewer", "viewerpw")


async def call(served: Served, api: OpenApi | None, method: str, template: str,
               status: int, *, auth: dict[str, str] | None = None,
               json: Any = None, query: str = "", **parts: str) -> Any:
    path = template.format(**parts) + query
    async with aiohttp.ClientSession() as session, session.request(
            method, served.url + path, headers=auth, json=json) as response:
        body = await response.json(content_type=None)
        assert response.status == status, (method, path, response.status, body)
        assert response.headers["Content-Type"].startswith("application/json")
    if api is not None:
        api.check(method, template, status, body)
    return body


@pytest.fixture
async def api(served: Served) -> OpenApi:
    async with aiohttp.ClientSession() as session, \
            session.get(served.url + "/api/openapi.json") as response:
        assert response.status == 200
        return OpenApi(await response.json())


async def test_reading_needs_no_login_and_matches_the_document(served: Served,
                                                              api: OpenApi) -> None:
    listing = await call(served, api, "GET", "/api/ups", 200)
    assert [u["name"] for u in listing["ups"]] == ["ups", "old"]
    first = listing["ups"][0]
    assert first["status"] == "OL" and first["main"]["battery.charge"] == "87"
    assert listing["ups"][1]["stale"] is True and listing["ups"][1]["status"] == ""
    detail = await call(served, api, "GET", "/api/ups/{ups}", 200, ups="ups")
    assert "beeper.toggle" in detail["commands"]
    assert {"name": "input.transfer.high", "value": "264", "type": ["RW", "ENUM"],
            "writable": True, "enums": ["253", "264", "271"], "ranges": []} \
        in detail["variables"]
    variables = await call(served, api, "GET", "/api/ups/{ups}/variables", 200, ups="ups")
    assert any(v["name"] == "ups.id" and v["type"] == ["RW", "STRING:8"]
               for v in variables["variables"])
    one = await call(served, api, "GET", "/api/ups/{ups}/variables/{var}", 200, ups="ups",
                     var="battery.charge")
    assert one["value"] == "87"
    commands = await call(served, api, "GET", "/api/ups/{ups}/commands", 200, ups="ups")
    assert all(not c["allowed"] for c in commands["commands"])
    settings = await call(served, api, "GET", "/api/ups/{ups}/settings", 200, ups="ups")
    assert settings["allowed"] is False
    assert {s["name"] for s in settings["settings"]} == {"ups.id", "input.transfer.high"}
    me = await call(served, api, "GET", "/api/me", 200)
    assert me == {"user": None, "set": False, "instcmds": []}


async def test_errors_carry_nut_words(served: Served, api: OpenApi) -> None:
    body = await call(served, api, "GET", "/api/ups/{ups}", 404, ups="nope")
    assert body["error"] == "UNKNOWN-UPS"
    body = await call(served, api, "GET", "/api/ups/{ups}/variables/{var}", 404, ups="ups",
                      var="no.such")
    assert body["error"] == "VAR-NOT-SUPPORTED"
    body = await call(served, api, "GET", "/api/ups/{ups}/variables", 503, ups="old")
    assert body["error"] in {"DATA-STALE", "DRIVER-NOT-CONNECTED"}
    body = await call(served, api, "POST", "/api/ups/{ups}/commands/{cmd}", 404, auth=ADMIN,
                      ups="ups", cmd="no.such")
    assert body["error"] == "CMD-NOT-SUPPORTED"
    body = await call(served, api, "PUT", "/api/ups/{ups}/variables/{var}", 400, auth=ADMIN,
                      json={"value": "999"}, ups="ups", var="input.transfer.high")
    assert body["error"] == "INVALID-VALUE"
    body = await call(served, api, "PUT", "/api/ups/{ups}/variables/{var}", 400, auth=ADMIN,
                      json={"value": "much-too-long"}, ups="ups", var="ups.id")
    assert body["error"] == "TOO-LONG"
    body = await call(served, api, "PUT", "/api/ups/{ups}/variables/{var}", 400, auth=ADMIN,
                      json={"value": "1"}, ups="ups", var="battery.charge")
    assert body["error"] == "READONLY"
    body = await call(served, api, "PUT", "/api/ups/{ups}/variables/{var}", 400, auth=ADMIN,
                      json=["not", "an", "object"], ups="ups", var="ups.id")
    assert body["error"] == "INVALID-ARGUMENT"
    body = await call(served, api, "POST", "/api/ups/{ups}/commands/{cmd}", 502, auth=ADMIN,
                      ups="ups", cmd="shutdown.return")
    assert body["error"] == "INSTCMD-FAILED"
    body = await call(served, None, "GET", "/api/nothing/here", 404)
    assert body["error"] == "UNKNOWN-COMMAND"
    body = await call(served, api, "GET", "/api/ups/{ups}/history", 400, ups="ups",
                      query="?since=soon")
    assert body["error"] == "INVALID-ARGUMENT"
    body = await call(served, api, "GET", "/api/events", 404, query="?ups=nope")
    assert body["error"] == "UNKNOWN-UPS"


async def test_rights_come_from_upsd_users(served: Served, api: OpenApi) -> None:
    # no login, a wrong password, a user without the right: refused, nothing reaches the UPS
    body = await call(served, api, "POST", "/api/ups/{ups}/commands/{cmd}", 401, ups="ups",
                      cmd="beeper.toggle")
    assert body["error"] == "ACCESS-DENIED"
    body = await call(served, api, "POST", "/api/ups/{ups}/commands/{cmd}", 401,
                      auth=basic("admin", "wrong"), ups="ups", cmd="beeper.toggle")
    assert body["error"] == "ACCESS-DENIED"
    body = await call(served, api, "POST", "/api/ups/{ups}/commands/{cmd}", 403, auth=VIEWER,
                      ups="ups", cmd="beeper.toggle")
    assert body["error"] == "ACCESS-DENIED"
    body = await call(served, api, "POST", "/api/ups/{ups}/commands/{cmd}", 403, auth=BEEPER,
                      ups="ups", cmd="test.battery.start")
    assert body["error"] == "ACCESS-DENIED"
    body = await call(served, api, "PUT", "/api/ups/{ups}/variables/{var}", 403, auth=BEEPER,
                      json={"value": "rack-b"}, ups="ups", var="ups.id")
    assert body["error"] == "ACCESS-DENIED"
    assert served.calls == []
    # what each may do, as the dashboard asks
    commands = await call(served, api, "GET", "/api/ups/{ups}/commands", 200, auth=BEEPER,
                          ups="ups")
    assert {c["name"]: c["allowed"] for c in commands["commands"]} == {
        "beeper.toggle": True, "test.battery.start": False, "shutdown.return": False}
    me = await call(served, api, "GET", "/api/me", 200, auth=BEEPER)
    assert me == {"user": "beeper", "set": False, "instcmds": ["beeper.toggle"]}
    settings = await call(served, api, "GET", "/api/ups/{ups}/settings", 200, auth=ADMIN,
                          ups="ups")
    assert settings["allowed"] is True
    # allowed: they reach the driver
    assert await call(served, api, "POST", "/api/ups/{ups}/commands/{cmd}", 200, auth=BEEPER,
                      ups="ups", cmd="beeper.toggle") == {"result": "OK"}
    assert await call(served, api, "POST", "/api/ups/{ups}/commands/{cmd}", 200, auth=ADMIN,
                      json={"param": "60"}, ups="ups", cmd="test.battery.start") \
        == {"result": "OK"}
    assert await call(served, api, "PUT", "/api/ups/{ups}/variables/{var}", 200, auth=ADMIN,
                      json={"value": "rack-b"}, ups="ups", var="ups.id") == {"result": "OK"}
    assert served.calls == [("instcmd", "beeper.toggle", None),
                            ("instcmd", "test.battery.start", "60"),
                            ("setvar", "ups.id", "rack-b")]
    assert served.ups.get("ups.id") == "rack-b"
    # and each is in the event log
    served.history.store.commit()  # type: ignore[union-attr]
    events = await call(served, api, "GET", "/api/events", 200)
    texts = [e["text"] for e in events["events"] if e["kind"] in ("command", "set")]
    assert texts == ["beeper ran beeper.toggle: HANDLED", "admin ran test.battery.start 60: "
                     "HANDLED", "admin set ups.id to rack-b: HANDLED"]


async def test_history_and_events_follow_the_model(served: Served, api: OpenApi) -> None:
    served.ups.set_status(["OB", "DISCHRG"])
    served.ups.set("battery.charge", "80")

    async def sampled() -> bool:
        body = await call(served, api, "GET", "/api/ups/{ups}/history", 200, ups="ups",
                          query="?since=10m&step=0.01")
        return any(s["charge"] == 80 for s in body["samples"])

    await eventually(sampled, 10, "a sample with the new charge")
    history = await call(served, api, "GET", "/api/ups/{ups}/history", 200, ups="ups",
                         query="?since=1h")
    assert history["step"] == pytest.approx(12.0)  # about 300 points over the hour
    assert history["samples"][-1]["status"] == "OB DISCHRG"
    events = await call(served, api, "GET", "/api/events", 200)
    assert ("ups", "status", "OB DISCHRG") in [(e["ups"], e["kind"], e["text"])
                                               for e in events["events"]]
    served.registry.get("old").data_ok()  # type: ignore[union-attr]
    await eventually(lambda: call(served, api, "GET", "/api/events", 200, query="?ups=old"),
                     10, "the old UPS's event")
    only_old = await call(served, api, "GET", "/api/events", 200, query="?ups=old&limit=5")
    assert [(e["ups"], e["kind"]) for e in only_old["events"]] == [("old", "ok")]


def test_a_wrong_schema_is_caught(served: Served) -> None:
    """The check is not a formality: a document that forgets a field, or that types one
    wrongly, fails on the answers the service really gives."""
    from upskit.exporters.http.openapi import document
    from upskit.exporters.http.views import summary

    body = {"ups": [summary(served.ups)]}
    OpenApi(document()).check("GET", "/api/ups", 200, body)
    forgot = document()
    del forgot["components"]["schemas"]["Summary"]["properties"]["fsd"]
    with pytest.raises(jsonschema.ValidationError):
        OpenApi(forgot).check("GET", "/api/ups", 200, body)
    mistyped = copy.deepcopy(document())
    mistyped["components"]["schemas"]["Summary"]["properties"]["stale"] = {"type": "string"}
    with pytest.raises(jsonschema.ValidationError):
        OpenApi(mistyped).check("GET", "/api/ups", 200, body)
    with pytest.raises(AssertionError, match="undocumented"):
        OpenApi(document()).check("GET", "/api/ups", 418, body)


async def test_changes_asked_by_another_site_are_refused(served: Served, api: OpenApi) -> None:
    """A browser that remembers Basic credentials sends them with a form another site
    posts: such a request never reaches the UPS."""
    for header in ({"Origin": "http://evil.example"}, {"Sec-Fetch-Site": "cross-site"}):
        body = await call(served, api, "POST", "/api/ups/{ups}/commands/{cmd}", 403,
                          auth={**ADMIN, **header}, ups="ups", cmd="beeper.toggle")
        assert body["error"] == "ACCESS-DENIED"
    assert served.calls == []
    same = {"Origin": served.url, "Sec-Fetch-Site": "same-origin"}
    await call(served, api, "POST", "/api/ups/{ups}/commands/{cmd}", 200,
               auth={**ADMIN, **same}, ups="ups", cmd="beeper.toggle")
    assert served.calls == [("instcmd", "beeper.toggle", None)]

