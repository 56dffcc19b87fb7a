import json
import logging
import logging.config
import sys

import pytest
from django.conf import settings as django_settings
from django.test import Client

from vision import logs


def _json_lines(text):
    return [json.loads(line) for line in text.splitlines() if line.strip()]


@pytest.mark.django_db
@pytest.mark.urls("tests.vision.error_urls")
def test_an_error_in_a_view_is_logged_with_its_traceback_and_request_id(capsys):
    capsys.readouterr()

    response = Client(raise_request_exception=False).get("/broken/view/", HTTP_X_REQUEST_ID="trace-me-42")

    assert response.status_code == 500
    entries = _json_lines(capsys.readouterr().err)  # every line on stderr is JSON
    errors = [entry for entry in entries if entry["logger"] == "django.request" and entry["level"] == "ERROR"]
    assert len(errors) == 1
    assert errors[0]["request_id"] == "trace-me-42" == response["X-Request-ID"]
    assert errors[0]["status_code"] == 500
    assert errors[0]["path"] == "/broken/view/"
    assert 'raise ZeroDivisionError("a bug in a view")' in errors[0]["traceback"]
    assert errors[0]["traceback"].endswith("ZeroDivisionError: a bug in a view")


@pytest.mark.django_db
@pytest.mark.urls("tests.vision.error_urls")
def test_a_database_outage_is_logged_as_an_error(capsys):
    capsys.readouterr()

    response = Client(raise_request_exception=False).get("/broken/database/")

    errors = [entry for entry in _json_lines(capsys.readouterr().err) if entry["level"] == "ERROR"]
    assert [entry["status_code"] for entry in errors] == [503]
    assert errors[0]["exc_type"] == "OperationalError"
    assert errors[0]["request_id"] == response["X-Request-ID"]


def test_a_line_outside_a_request_has_a_dash_for_its_id():
    record = logging.LogRecord("x", logging.INFO, __file__, 1, "started", (), None)
    logs.RequestIdFilter().filter(record)

    assert json.loads(logs.JsonFormatter().format(record))["request_id"] == "-"


def test_the_json_formatter_writes_one_line_with_the_traceback():
    try:
        raise ZeroDivisionError("boom")
    except ZeroDivisionError:
        record = logging.LogRecord("x", logging.ERROR, __file__, 1, "failed %s", ("here",), sys.exc_info())
    token = logs.current_request_id.set("req-1")
    try:
        logs.RequestIdFilter().filter(record)
    finally:
        logs.current_request_id.reset(token)

    line = logs.JsonFormatter().format(record)

    assert "\n" not in line
    entry = json.loads(line)
    assert entry["message"] == "failed here"
    assert entry["request_id"] == "req-1"
    assert entry["level"] == "ERROR"
    assert entry["exc_type"] == "ZeroDivisionError"
    assert "ZeroDivisionError: boom" in entry["traceback"]


def test_the_admins_variable_reads_like_an_email_header():
    assert logs.parse_admins("山田 太郎 <yamada@example.jp>, ops@example.jp") == [
        ("山田 太郎", "yamada@example.jp"),
        ("", "ops@example.jp"),
    ]
    assert logs.parse_admins("") == []


def test_an_unknown_log_format_is_refused():
    with pytest.raises(ValueError, match="LOG_FORMAT"):
        logs.logging_config(log_format="xml")


def test_admins_get_the_errors_by_mail_only_when_set():
    assert logs.logging_config(mail_admins=True)["loggers"]["django.request"]["handlers"] == ["mail_admins"]
    assert logs.logging_config(mail_admins=False)["loggers"]["django.request"]["handlers"] == []


@pytest.mark.django_db
def test_a_not_found_is_logged_with_its_request_id(capsys):
    # Django writes "Not Found: …" after every middleware has returned, so the id cannot come from the context.
    capsys.readouterr()

    response = Client().get("/ja/areas/kumamoto/indicators/no-such-indicator/")

    warnings = [entry for entry in _json_lines(capsys.readouterr().err) if entry["logger"] == "django.request"]
    assert [(entry["level"], entry["status_code"]) for entry in warnings] == [("WARNING", 404)]
    assert warnings[0]["request_id"] == response["X-Request-ID"]


@pytest.mark.django_db
@pytest.mark.urls("tests.vision.error_urls")
def test_admins_get_a_mail_with_the_traceback_for_a_500(settings, mailoutbox):
    settings.ADMINS = [("運用担当", "ops@example.jp")]
    logging.config.dictConfig(logs.logging_config(mail_admins=True))
    try:
        Client(raise_request_exception=False).get("/broken/view/")
    finally:
        logging.config.dictConfig(django_settings.LOGGING)

    assert [message.to for message in mailoutbox] == [["ops@example.jp"]]
    assert "ZeroDivisionError at /broken/view/" in mailoutbox[0].body
    assert 'raise ZeroDivisionError("a bug in a view")' in mailoutbox[0].body  # the traceback
