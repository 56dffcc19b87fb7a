"""gunicorn's settings for the portal, every one from the environment (README: 本番運用).

    gunicorn -c kumamoto_portal/gunicorn.conf.py

GUNICORN_BIND (127.0.0.1:8000, behind a reverse proxy on the same host), GUNICORN_WORKERS (2 × cores + 1),
GUNICORN_THREADS (1: one request per process at a time), GUNICORN_TIMEOUT (60 s before a silent worker is
killed and restarted), GUNICORN_GRACEFUL_TIMEOUT (30 s for requests under way to finish on a restart),
GUNICORN_KEEPALIVE (5 s), GUNICORN_MAX_REQUESTS (a worker is replaced after this many requests; 0 never),
GUNICORN_ACCESS_LOG ("-": stdout, "off": none). With LOG_FORMAT=json (the default, as the portal's own logs on
stderr) each access is one JSON object per line on stdout and gunicorn's own messages are JSON lines on stderr;
with LOG_FORMAT=text, gunicorn's combined log format and plain lines.
"""

import datetime
import gc
import json
import logging
import os

from gunicorn.glogging import Logger


def _int(name, default):
    value = os.environ.get(name, "").strip()
    return int(value) if value else default


class JsonLineFormatter(logging.Formatter):
    """gunicorn's own messages (workers booting, timeouts) as JSON lines, like the portal's on the same stderr."""

    def format(self, record):
        entry = {
            "time": datetime.datetime.fromtimestamp(record.created, datetime.UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
            "request_id": "-",
        }
        if record.exc_info:
            entry["traceback"] = self.formatException(record.exc_info)
        return json.dumps(entry, ensure_ascii=False)


class JsonAccessLogger(Logger):
    """gunicorn's logger, writing each access as one JSON object and its error log as JSON lines, with the names
    of the portal's log lines."""

    def setup(self, cfg):
        super().setup(cfg)
        for handler in self.error_log.handlers:
            handler.setFormatter(JsonLineFormatter())

    def access(self, resp, req, environ, request_time):
        if not self.access_log_enabled:
            return
        try:
            self.access_log.info(json.dumps(access_record(resp, environ, request_time), ensure_ascii=False))
        except Exception:
            self.exception("Could not write the access log line")


def access_record(resp, environ, request_time):
    """The access log line's fields: what was asked, how it was answered, how long it took, and the request id
    that the portal's own log lines (and the X-Request-ID header) carry."""
    status = resp.status.split(None, 1)[0] if isinstance(resp.status, str) else resp.status
    headers = {name.lower(): value for name, value in resp.headers}
    return {
        "time": datetime.datetime.now(datetime.UTC).isoformat(timespec="milliseconds"),
        "level": "INFO",
        "logger": "gunicorn.access",
        "message": f"{environ.get('REQUEST_METHOD')} {environ.get('RAW_URI', environ.get('PATH_INFO'))} {status}",
        "request_id": headers.get("x-request-id", "-"),
        "method": environ.get("REQUEST_METHOD"),
        "path": environ.get("PATH_INFO"),
        "query": environ.get("QUERY_STRING", ""),
        "status": int(status),
        "bytes": getattr(resp, "sent", None),
        "duration_ms": round(request_time.total_seconds() * 1000, 1),
        "remote_addr": environ.get("REMOTE_ADDR"),
        "forwarded_for": environ.get("HTTP_X_FORWARDED_FOR", ""),
        "user_agent": environ.get("HTTP_USER_AGENT", ""),
        "referer": environ.get("HTTP_REFERER", ""),
    }


wsgi_app = "kumamoto_portal.wsgi:application"
proc_name = "kumamoto-portal"

bind = [address.strip() for address in os.environ.get("GUNICORN_BIND", "127.0.0.1:8000").split(",")]
workers = _int("GUNICORN_WORKERS", 2 * (os.cpu_count() or 1) + 1)
threads = _int("GUNICORN_THREADS", 1)
timeout = _int("GUNICORN_TIMEOUT", 60)
graceful_timeout = _int("GUNICORN_GRACEFUL_TIMEOUT", 30)
keepalive = _int("GUNICORN_KEEPALIVE", 5)
# Replacing a worker now and then bounds the memory a long-lived process can gather; the jitter keeps the workers
# from all restarting at once.
max_requests = _int("GUNICORN_MAX_REQUESTS", 1000)
max_requests_jitter = _int("GUNICORN_MAX_REQUESTS_JITTER", max_requests // 10)

_access_log = os.environ.get("GUNICORN_ACCESS_LOG", "-").strip()
accesslog = None if _access_log.lower() in ("", "off", "none") else _access_log
errorlog = "-"
loglevel = os.environ.get("LOG_LEVEL", "INFO").lower()
if os.environ.get("LOG_FORMAT", "json").lower() != "text":
    logger_class = JsonAccessLogger

# The workers' heartbeat files on a memory file system, not a disk that may stall.
if os.path.isdir("/dev/shm"):
    worker_tmp_dir = "/dev/shm"
# gunicorn's control socket is one path per user: two instances on a machine would share it. Not needed here.
control_socket_disable = True


# The garbage collector's oldest generation, scanned whole: with the portal loaded that took ~65 ms in a worker and
# fell on about one request in 25 of the national home page (p50 52 ms, max 118 ms in-process). Everything loaded
# before the first request is set aside for good (gc.freeze), and the oldest generation is collected 10 times less
# often (threshold 10 → 100): then no full collection fell in 120 requests and the max was 56–67 ms. Young cycles are
# still collected as before, and GUNICORN_MAX_REQUESTS replaces each worker now and then.
GC_THRESHOLDS = (700, 10, 100)


def post_worker_init(worker):
    gc.freeze()
    gc.set_threshold(*GC_THRESHOLDS)
