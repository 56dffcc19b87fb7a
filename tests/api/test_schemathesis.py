"""Requests generated from the API's own OpenAPI schema (schemathesis): no answer is a server error, and every
answer has a documented status, content type and body. Bounded and derandomized, so every run (and CI) sends the
same requests; nothing here is skipped."""

import pytest
import schemathesis
from django.core.signals import request_finished, request_started
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections
from hypothesis import HealthCheck, given, settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

pytestmark = pytest.mark.django_db

CHECKS = [not_a_server_error, status_code_conformance, content_type_conformance, response_schema_conformance]


@pytest.fixture
def api_schema(reference_data, settings):
    settings.API_ANONYMOUS_RATE = "1000000/minute"  # the generated requests are not to be throttled
    # Requests go through the WSGI handler inside the test's transaction: as Django's test client does, keep the
    # request signals from closing the test's connection.
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    try:
        yield schemathesis.openapi.from_wsgi("/api/v1/schema/?format=json", get_wsgi_application())
    finally:
        request_started.connect(close_old_connections)
        request_finished.connect(close_old_connections)


SETTINGS = settings(
    max_examples=30,
    derandomize=True,
    deadline=None,
    database=None,
    suppress_health_check=list(HealthCheck),
)


def test_generated_requests_get_documented_answers(api_schema):
    operations = [result.ok() for result in api_schema.get_all_operations()]
    assert len(operations) >= 18  # a list and a detail for each endpoint
    for operation in operations:

        @SETTINGS
        @given(case=operation.as_strategy())
        def call(case):
            case.call_and_validate(checks=CHECKS)

        call()
