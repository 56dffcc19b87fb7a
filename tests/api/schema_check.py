"""Validating an answer against the API's own OpenAPI 3.0 schema with jsonschema.

OpenAPI 3.0 says `nullable: true` where JSON Schema says `"null"` among the types; the schema is converted, and
objects with listed properties are closed (`additionalProperties: false`), so an answer with a field the schema
does not describe fails too.
"""

import json

from django.test import Client
from jsonschema import Draft202012Validator

_SCHEMA = None


def openapi_schema():
    global _SCHEMA
    if _SCHEMA is None:
        response = Client().get("/api/v1/schema/", {"format": "json"}, HTTP_ACCEPT="application/json")
        assert response.status_code == 200
        _SCHEMA = json.loads(response.content)
    return _SCHEMA


def _convert(node):
    if isinstance(node, list):
        return [_convert(item) for item in node]
    if not isinstance(node, dict):
        return node
    node = {key: _convert(value) for key, value in node.items()}
    if node.get("type") == "object" and "properties" in node and "additionalProperties" not in node:
        node["additionalProperties"] = False
    if node.pop("nullable", False):
        if isinstance(node.get("type"), str):
            node["type"] = [node["type"], "null"]
            if "enum" in node:
                node["enum"] = [*node["enum"], None]
        else:
            node = {"anyOf": [node, {"type": "null"}]}
    return node


def validator_for(path_template, status="200"):
    schema = openapi_schema()
    answer = schema["paths"][path_template]["get"]["responses"][status]["content"]["application/json"]["schema"]
    root = {**_convert(answer), "components": _convert(schema["components"])}
    return Draft202012Validator(root)


def errors(path_template, data):
    return [f"{list(error.path)}: {error.message}" for error in validator_for(path_template).iter_errors(data)]
