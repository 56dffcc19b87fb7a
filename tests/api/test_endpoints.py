"""Every endpoint of /api/v1/, discovered from the schema, answers 200 with a body its schema describes."""

import pytest

from .schema_check import errors, openapi_schema

pytestmark = pytest.mark.django_db


def endpoint_paths():
    return sorted(openapi_schema()["paths"])


def test_the_schema_lists_every_registered_endpoint(reference_data):
    from api.urls import router

    listed = {path.split("/")[3] for path in endpoint_paths()}
    assert listed == {prefix for prefix, _viewset, _basename in router.registry}


def test_every_list_and_detail_answer_validates_against_the_schema(reference_data, client):
    checked = 0
    for path in endpoint_paths():
        if "{" in path:
            continue
        response = client.get(path, {"page_size": 5})
        assert response.status_code == 200, path
        body = response.json()
        assert errors(path, body) == [], path
        assert body["results"], f"{path} is empty in the reference data"
        detail = path + "{id}/"
        first = body["results"][0]
        key = first.get("id", first.get("indicator_id"))
        response = client.get(f"{path}{key}/")
        assert response.status_code == 200, detail
        assert errors(detail, response.json()) == [], detail
        checked += 1
    assert checked == 9
