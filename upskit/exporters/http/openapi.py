"""The OpenAPI 3.1 document of the REST API, served at ``/api/openapi.json``.

Written by hand next to the handlers; the tests check every response against it.
"""

from __future__ import annotations

from typing import Any

from upskit import __version__

_STRING_OR_NULL = {"type": ["string", "null"]}

SCHEMAS: dict[str, Any] = {
    "Error": {
        "type": "object", "additionalProperties": False, "required": ["error", "message"],
        "properties": {
            "error": {"type": "string", "description": "NUT's error word",
                      "enum": ["ACCESS-DENIED", "UNKNOWN-UPS", "VAR-NOT-SUPPORTED",
                               "CMD-NOT-SUPPORTED", "INVALID-ARGUMENT", "INVALID-VALUE",
                               "READONLY", "TOO-LONG", "DATA-STALE", "DRIVER-NOT-CONNECTED",
                               "INSTCMD-FAILED", "SET-FAILED", "UNKNOWN-COMMAND",
                               "FEATURE-NOT-CONFIGURED"]},
            "message": {"type": "string"}}},
    "Summary": {
        "type": "object", "additionalProperties": False,
        "required": ["name", "desc", "status", "stale", "connected", "fsd", "main"],
        "properties": {
            "name": {"type": "string"}, "desc": {"type": "string"},
            "status": {"type": "string", "description": "ups.status, empty while stale"},
            "stale": {"type": "boolean"}, "connected": {"type": "boolean"},
            "fsd": {"type": "boolean"},
            "main": {"type": "object", "additionalProperties": False,
                     "required": ["battery.charge", "battery.runtime", "ups.load",
                                  "input.voltage", "output.voltage"],
                     "properties": {k: _STRING_OR_NULL for k in (
                         "battery.charge", "battery.runtime", "ups.load", "input.voltage",
                         "output.voltage")}}}},
    "Variable": {
        "type": "object", "additionalProperties": False,
        "required": ["name", "value", "type", "writable", "enums", "ranges"],
        "properties": {
            "name": {"type": "string"}, "value": {"type": "string"},
            "type": {"type": "array", "items": {"type": "string"}},
            "writable": {"type": "boolean"},
            "enums": {"type": "array", "items": {"type": "string"}},
            "ranges": {"type": "array", "items": {
                "type": "array", "items": {"type": "integer"}, "minItems": 2, "maxItems": 2}}}},
    "UpsList": {
        "type": "object", "additionalProperties": False, "required": ["ups"],
        "properties": {"ups": {"type": "array",
                               "items": {"$ref": "#/components/schemas/Summary"}}}},
    "VariableList": {
        "type": "object", "additionalProperties": False, "required": ["ups", "variables"],
        "properties": {"ups": {"type": "string"}, "variables": {
            "type": "array", "items": {"$ref": "#/components/schemas/Variable"}}}},
    "CommandList": {
        "type": "object", "additionalProperties": False, "required": ["ups", "commands"],
        "properties": {"ups": {"type": "string"}, "commands": {"type": "array", "items": {
            "type": "object", "additionalProperties": False,
            "required": ["name", "allowed"],
            "properties": {"name": {"type": "string"},
                           "allowed": {"type": "boolean",
                                       "description": "the authenticated user may run it"}}}}}},
    "SettingList": {
        "type": "object", "additionalProperties": False, "required": ["ups", "allowed", "settings"],
        "properties": {"ups": {"type": "string"},
                       "allowed": {"type": "boolean",
                                   "description": "the authenticated user may change them"},
                       "settings": {"type": "array",
                                    "items": {"$ref": "#/components/schemas/Variable"}}}},
    "Result": {
        "type": "object", "additionalProperties": False, "required": ["result"],
        "properties": {"result": {"type": "string", "enum": ["OK", "PENDING"]}}},
    "CommandRequest": {
        "type": "object", "additionalProperties": False,
        "properties": {"param": {"type": "string"}}},
    "SetRequest": {
        "type": "object", "additionalProperties": False, "required": ["value"],
        "properties": {"value": {"type": "string"}}},
    "Sample": {
        "type": "object", "additionalProperties": False,
        "required": ["ups", "t", "status", "charge", "runtime", "load", "input_voltage",
                     "output_voltage", "battery_voltage"],
        "properties": {
            "ups": {"type": "string"}, "t": {"type": "number"}, "status": {"type": "string"},
            **{k: {"type": ["number", "null"]} for k in (
                "charge", "runtime", "load", "input_voltage", "output_voltage",
                "battery_voltage")}}},
    "History": {
        "type": "object", "additionalProperties": False,
        "required": ["ups", "since", "until", "step", "samples"],
        "properties": {"ups": {"type": "string"}, "since": {"type": "number"},
                       "until": {"type": "number"}, "step": {"type": "number"},
                       "samples": {"type": "array",
                                   "items": {"$ref": "#/components/schemas/Sample"}}}},
    "Event": {
        "type": "object", "additionalProperties": False,
        "required": ["id", "t", "ups", "kind", "text"],
        "properties": {"id": {"type": "integer"}, "t": {"type": "number"},
                       "ups": {"type": "string"}, "kind": {"type": "string"},
                       "text": {"type": "string"}}},
    "EventList": {
        "type": "object", "additionalProperties": False, "required": ["events"],
        "properties": {"events": {"type": "array",
                                  "items": {"$ref": "#/components/schemas/Event"}}}},
    "Me": {
        "type": "object", "additionalProperties": False,
        "required": ["user", "set", "instcmds"],
        "properties": {"user": _STRING_OR_NULL, "set": {"type": "boolean"},
                       "instcmds": {"type": "array", "items": {"type": "string"}}}},
}

SCHEMAS["Detail"] = {
    "type": "object", "additionalProperties": False,
    "required": [*SCHEMAS["Summary"]["required"], "variables", "commands"],
    "properties": {
        **SCHEMAS["Summary"]["properties"],
        "variables": {"type": "array", "items": {"$ref": "#/components/schemas/Variable"}},
        "commands": {"type": "array", "items": {"type": "string"}}}}


def _ref(name: str) -> dict[str, str]:
    return {"$ref": f"#/components/schemas/{name}"}


def _ok(schema: str, text: str = "OK") -> dict[str, Any]:
    return {"description": text, "content": {"application/json": {"schema": _ref(schema)}}}


_ERROR = {"description": "NUT's error word", "content": {
    "application/json": {"schema": _ref("Error")}}}


def _errors(*codes: str) -> dict[str, Any]:
    return dict.fromkeys(codes, _ERROR)


_UPS = {"name": "ups", "in": "path", "required": True, "schema": {"type": "string"}}
_VAR = {"name": "var", "in": "path", "required": True, "schema": {"type": "string"}}
_CMD = {"name": "cmd", "in": "path", "required": True, "schema": {"type": "string"}}
_SINCE = {"name": "since", "in": "query", "schema": {"type": "string"},
          "description": "how far back: seconds, or 30m, 2h, 7d ... (default 1d)"}


def document() -> dict[str, Any]:
    """The whole OpenAPI document."""
    paths: dict[str, Any] = {
        "/api/ups": {"get": {"summary": "Every UPS at a glance", "operationId": "listUps",
                             "responses": {"200": _ok("UpsList")}}},
        "/api/ups/{ups}": {"get": {
            "summary": "One UPS with every variable and command", "operationId": "getUps",
            "parameters": [_UPS], "responses": {"200": _ok("Detail"), **_errors("404")}}},
        "/api/ups/{ups}/variables": {"get": {
            "summary": "Variables (LIST VAR)", "operationId": "listVariables",
            "parameters": [_UPS], "responses": {"200": _ok("VariableList"),
                                                **_errors("404", "503")}}},
        "/api/ups/{ups}/variables/{var}": {
            "get": {"summary": "One variable (GET VAR, TYPE, ENUM, RANGE)",
                    "operationId": "getVariable", "parameters": [_UPS, _VAR],
                    "responses": {"200": _ok("Variable"), **_errors("404", "503")}},
            "put": {"summary": "Change a variable (SET VAR; needs SET in upsd.users)",
                    "operationId": "setVariable", "parameters": [_UPS, _VAR],
                    "security": [{"basic": []}],
                    "requestBody": {"required": True, "content": {
                        "application/json": {"schema": _ref("SetRequest")}}},
                    "responses": {"200": _ok("Result"),
                                  **_errors("400", "401", "403", "404", "502", "503")}}},
        "/api/ups/{ups}/commands": {"get": {
            "summary": "Instant commands (LIST CMD), with what the user may run",
            "operationId": "listCommands", "parameters": [_UPS],
            "responses": {"200": _ok("CommandList"), **_errors("401", "404")}}},
        "/api/ups/{ups}/commands/{cmd}": {"post": {
            "summary": "Run an instant command (INSTCMD; needs it in upsd.users)",
            "operationId": "runCommand", "parameters": [_UPS, _CMD],
            "security": [{"basic": []}],
            "requestBody": {"required": False, "content": {
                "application/json": {"schema": _ref("CommandRequest")}}},
            "responses": {"200": _ok("Result"),
                          **_errors("400", "401", "403", "404", "502", "503")}}},
        "/api/ups/{ups}/settings": {"get": {
            "summary": "Writable variables (LIST RW), with whether the user may set them",
            "operationId": "listSettings", "parameters": [_UPS],
            "responses": {"200": _ok("SettingList"), **_errors("401", "404")}}},
        "/api/ups/{ups}/history": {"get": {
            "summary": "Samples of the main variables", "operationId": "getHistory",
            "parameters": [_UPS, _SINCE,
                           {"name": "step", "in": "query", "schema": {"type": "string"},
                            "description": "average over buckets of this length (default: "
                                           "enough for about 300 points)"}],
            "responses": {"200": _ok("History"), **_errors("400", "404", "503")}}},
        "/api/events": {"get": {
            "summary": "The event log", "operationId": "listEvents",
            "parameters": [_SINCE,
                           {"name": "ups", "in": "query", "schema": {"type": "string"}},
                           {"name": "limit", "in": "query",
                            "schema": {"type": "integer", "minimum": 0}}],
            "responses": {"200": _ok("EventList"), **_errors("400", "404", "503")}}},
        "/api/me": {"get": {
            "summary": "Who the credentials name and what they may do",
            "operationId": "me", "responses": {"200": _ok("Me"), **_errors("401")}}},
        "/api/live": {"get": {
            "summary": "Server-sent events: 'hello' (every UPS), 'ups' (one UPS changed), "
                       "'log' (a new event)", "operationId": "live",
            "responses": {"200": {"description": "text/event-stream",
                                  "content": {"text/event-stream": {}}}}}},
    }
    return {
        "openapi": "3.1.0",
        "info": {"title": "upskit", "version": __version__,
                 "description": "UPSes served by one upskit process. Errors carry NUT's "
                                "error words. Authentication: HTTP Basic with a user of "
                                "upsd.users; reading needs none."},
        "paths": paths,
        "components": {"schemas": SCHEMAS,
                       "securitySchemes": {"basic": {"type": "http", "scheme": "basic"}}},
    }
