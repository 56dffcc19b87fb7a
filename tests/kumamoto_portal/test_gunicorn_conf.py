"""kumamoto_portal/gunicorn.conf.py: gunicorn's settings from the environment, and its JSON access log."""

import datetime
import json
import os
import runpy
import subprocess
import sys
from pathlib import Path
from types import SimpleNamespace

import pytest

BASE_DIR = Path(__file__).resolve().parents[2]
CONF = BASE_DIR / "kumamoto_portal" / "gunicorn.conf.py"


@pytest.fixture
def conf(monkeypatch):
    """The config file's settings, read with the environment the test sets (the caller's GUNICORN_* removed)."""
    for name in list(os.environ):
        if name.startswith("GUNICORN_") or name in ("LOG_FORMAT", "LOG_LEVEL"):
            monkeypatch.delenv(name)

    def read(**variables):
        for name, value in variables.items():
            monkeypatch.setenv(name, value)
        return runpy.run_path(str(CONF))

    return read


def test_defaults_suit_a_server_behind_a_reverse_proxy(conf):
    settings = conf()

    assert settings["wsgi_app"] == "kumamoto_portal.wsgi:application"
    assert settings["bind"] == ["127.0.0.1:8000"]
    assert settings["workers"] == 2 * os.cpu_count() + 1
    assert settings["threads"] == 1
    assert settings["timeout"] == 60
    assert settings["graceful_timeout"] == 30
    assert settings["max_requests"] == 1000
    assert settings["max_requests_jitter"] == 100
    assert settings["accesslog"] == "-"
    assert settings["logger_class"] is settings["JsonAccessLogger"]
    assert settings["control_socket_disable"] is True


def test_every_setting_comes_from_the_environment(conf):
    settings = conf(
        GUNICORN_BIND="0.0.0.0:8001,[::]:8001",
        GUNICORN_WORKERS="2",
        GUNICORN_THREADS="4",
        GUNICORN_TIMEOUT="300",
        GUNICORN_GRACEFUL_TIMEOUT="45",
        GUNICORN_KEEPALIVE="10",
        GUNICORN_MAX_REQUESTS="0",
        GUNICORN_ACCESS_LOG="off",
        LOG_FORMAT="text",
        LOG_LEVEL="WARNING",
    )

    assert settings["bind"] == ["0.0.0.0:8001", "[::]:8001"]
    assert (settings["workers"], settings["threads"]) == (2, 4)
    assert (settings["timeout"], settings["graceful_timeout"], settings["keepalive"]) == (300, 45, 10)
    assert (settings["max_requests"], settings["max_requests_jitter"]) == (0, 0)
    assert settings["accesslog"] is None
    assert settings["loglevel"] == "warning"
    assert "logger_class" not in settings  # gunicorn's own combined log format


def test_an_access_is_one_json_line_with_the_request_id(conf):
    record = conf()["access_record"](
        SimpleNamespace(status="404 Not Found", headers=[("X-Request-ID", "abc123")], sent=1234),
        {
            "REQUEST_METHOD": "GET",
            "RAW_URI": "/ja/search/?q=%E4%BA%BA%E5%8F%A3",
            "PATH_INFO": "/ja/search/",
            "QUERY_STRING": "q=%E4%BA%BA%E5%8F%A3",
            "REMOTE_ADDR": "127.0.0.1",
            "HTTP_X_FORWARDED_FOR": "203.0.113.7",
            "HTTP_USER_AGENT": 'Mozilla/5.0 "quoted"',
        },
        datetime.timedelta(milliseconds=12, microseconds=345),
    )

    line = json.loads(json.dumps(record))  # survives a round trip, quotes in the user agent included
    assert line["logger"] == "gunicorn.access"
    assert line["message"] == "GET /ja/search/?q=%E4%BA%BA%E5%8F%A3 404"
    assert line["request_id"] == "abc123"
    assert (line["method"], line["path"], line["status"], line["bytes"]) == ("GET", "/ja/search/", 404, 1234)
    assert line["duration_ms"] == 12.3
    assert (line["remote_addr"], line["forwarded_for"]) == ("127.0.0.1", "203.0.113.7")
    assert line["user_agent"] == 'Mozilla/5.0 "quoted"'


def test_gunicorns_own_messages_are_json_lines(conf, capsys):
    from gunicorn.config import Config

    settings = conf()
    config = Config()
    config.set("errorlog", "-")
    logger = settings["JsonAccessLogger"](config)

    logger.warning("Worker (pid:%s) was sent SIGKILL!", 4242)

    line = json.loads(capsys.readouterr().err.strip().splitlines()[-1])
    assert (line["level"], line["logger"]) == ("WARNING", "gunicorn.error")
    assert line["message"] == "Worker (pid:4242) was sent SIGKILL!"


def test_gunicorn_accepts_the_config_and_loads_the_portal():
    environment = {name: value for name, value in os.environ.items() if not name.startswith("GUNICORN_")}
    result = subprocess.run(
        [sys.executable, "-m", "gunicorn", "--check-config", "-c", str(CONF)],
        cwd=BASE_DIR,
        env=environment,
        capture_output=True,
        text=True,
        timeout=120,
    )

    assert result.returncode == 0, result.stdout + result.stderr


def test_a_worker_sets_what_it_loaded_aside_from_the_garbage_collector(conf):
    import gc

    settings = conf()
    thresholds = gc.get_threshold()
    try:
        settings["post_worker_init"](SimpleNamespace())

        assert gc.get_freeze_count() > 10_000  # Django and the portal, loaded by the test run
        assert gc.get_threshold() == (700, 10, 100)
    finally:
        gc.unfreeze()
        gc.set_threshold(*thresholds)
