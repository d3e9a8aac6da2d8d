"""Checks answers of the REST API against the OpenAPI document the process serves."""

from __future__ import annotations

import copy
from typing import Any

import jsonschema


class OpenApi:
    """The served document; :meth:`check` fails on an undocumented status or a body
    that does not match the documented schema."""

    def __init__(self, document: dict[str, Any]) -> None:
        self.document = document
        jsonschema.Draft202012Validator.check_schema(
            {"$defs": document["components"]["schemas"]})

    def check(self, method: str, template: str, status: int, body: Any) -> None:
        operation = self.document["paths"][template][method.lower()]
        responses = operation["responses"]
        assert str(status) in responses, f"{method} {template}: status {status} undocumented"
        schema = responses[str(status)]["content"]["application/json"]["schema"]
        root = {**copy.deepcopy(schema), "components": self.document["components"]}
        jsonschema.Draft202012Validator(root).validate(body)
