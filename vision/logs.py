"""Logging: JSON lines (or plain text) on stderr, each carrying the id of the request that wrote it.

Settings build their LOGGING from `logging_config()`; `vision.middleware.RequestIdMiddleware` sets the id.
Nothing here imports models, so the settings module may import it.
"""

import contextvars
import json
import logging
import re
import sys
import uuid
from datetime import UTC, datetime
from email.utils import getaddresses

current_request_id = contextvars.ContextVar("request_id", default="-")

# Letters, digits and . _ - (UUIDs, nginx's $request_id, most tracing ids); anything else is replaced.
SANE_REQUEST_ID = re.compile(r"[A-Za-z0-9._-]{1,128}")

FORMATS = ("json", "text")


def request_id_from(header_value):
    """The caller's request id if it is a sane token, else a new random one."""
    if SANE_REQUEST_ID.fullmatch(header_value):
        return header_value
    return uuid.uuid4().hex


def parse_admins(value):
    """`"Name <mail>, Other <mail2>"` (as in an email header) as Django's ADMINS: [(name, mail), …]."""
    return [(name, address) for name, address in getaddresses([value]) if address]


class RequestIdFilter(logging.Filter):
    """Puts the current request's id on every record (`-` outside a request).

    Django logs a 4xx it did not raise ("Not Found: …") after the middleware has returned, but with the request
    on the record; its id is taken from there.
    """

    def filter(self, record):
        record.request_id = getattr(getattr(record, "request", None), "request_id", None) or current_request_id.get()
        return True


class JsonFormatter(logging.Formatter):
    """One JSON object per line: time, level, logger, message, request id; the traceback when there is one."""

    def format(self, record):
        entry = {
            "time": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
            "request_id": getattr(record, "request_id", current_request_id.get()),
        }
        # django.request and django.security put the status code and the request on their records.
        if hasattr(record, "status_code"):
            entry["status_code"] = record.status_code
        request = getattr(record, "request", None)
        if request is not None and hasattr(request, "method"):
            entry["method"] = request.method
            entry["path"] = request.get_full_path()
        if record.exc_info:
            entry["exc_type"] = record.exc_info[0].__name__ if record.exc_info[0] else None
            entry["traceback"] = self.formatException(record.exc_info)
        if record.stack_info:
            entry["stack"] = self.formatStack(record.stack_info)
        return json.dumps(entry, ensure_ascii=False, default=str)


class StderrHandler(logging.StreamHandler):
    """Writes to the current sys.stderr (looked up on each record, as logging's last-resort handler does), so
    a server that redirects stderr and a test that captures it both get every line."""

    def __init__(self, level=logging.NOTSET):
        logging.Handler.__init__(self, level)

    @property
    def stream(self):
        return sys.stderr


def logging_config(level="INFO", log_format="json", mail_admins=False):
    """The LOGGING dict: everything to stderr at `level`; unhandled errors also mailed to ADMINS if asked."""
    if log_format not in FORMATS:
        raise ValueError(f"LOG_FORMAT must be one of {', '.join(FORMATS)}, not {log_format!r}")
    request_handlers = ["mail_admins"] if mail_admins else []
    return {
        "version": 1,
        "disable_existing_loggers": False,
        "filters": {
            "request_id": {"()": "vision.logs.RequestIdFilter"},
            "require_debug_false": {"()": "django.utils.log.RequireDebugFalse"},
        },
        "formatters": {
            "json": {"()": "vision.logs.JsonFormatter"},
            "text": {"format": "%(asctime)s %(levelname)s [%(request_id)s] %(name)s: %(message)s"},
        },
        "handlers": {
            "stderr": {"()": "vision.logs.StderrHandler", "formatter": log_format, "filters": ["request_id"]},
            "mail_admins": {
                "class": "django.utils.log.AdminEmailHandler",
                "level": "ERROR",
                "filters": ["require_debug_false"],
            },
        },
        "root": {"handlers": ["stderr"], "level": level.upper()},
        "loggers": {
            # Replaces Django's own handlers (console only with DEBUG on, mail_admins always); records reach
            # the root's stderr handler instead, once each.
            "django": {"handlers": [], "level": level.upper(), "propagate": True},
            "django.request": {"handlers": request_handlers, "level": level.upper(), "propagate": True},
            "django.security": {"handlers": request_handlers, "level": level.upper(), "propagate": True},
        },
    }
