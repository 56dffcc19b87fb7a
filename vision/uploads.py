"""Uploaded import files kept between the dry run and the confirmation, for the user who uploaded them."""

import json
import secrets
import time
from pathlib import Path

from django.conf import settings

MAX_AGE_SECONDS = 24 * 60 * 60


def _directory():
    directory = Path(settings.IMPORT_TMP_DIR)
    directory.mkdir(parents=True, exist_ok=True)
    return directory


def stash(data: bytes, filename: str, user, meta=None) -> str:
    """Keep the file (and `meta`, e.g. the versions its dry run saw); returns a token only this user can redeem."""
    directory = _directory()
    cutoff = time.time() - MAX_AGE_SECONDS
    for old in [*directory.glob("*.upload"), *directory.glob("*.meta.json")]:
        if old.stat().st_mtime < cutoff:
            old.unlink(missing_ok=True)
    token = secrets.token_urlsafe(16)
    suffix = ".xlsx" if filename.lower().endswith(".xlsx") else ".csv"
    (directory / f"{user.pk}-{token}{suffix}.upload").write_bytes(data)
    (directory / f"{user.pk}-{token}.meta.json").write_text(json.dumps(meta or {}), encoding="utf-8")
    return token


def stashed_meta(token: str, user) -> dict:
    """The `meta` stashed with a file (an empty dict when there is none)."""
    if not token or not token.replace("-", "").replace("_", "").isalnum():
        return {}
    path = _directory() / f"{user.pk}-{token}.meta.json"
    return json.loads(path.read_text(encoding="utf-8")) if path.exists() else {}


def redeem(token: str, user):
    """(data, filename) of a stashed file, or None when the token is unknown, expired or someone else's."""
    if not token or not token.replace("-", "").replace("_", "").isalnum():
        return None
    for suffix in (".csv", ".xlsx"):
        path = _directory() / f"{user.pk}-{token}{suffix}.upload"
        if path.exists() and path.stat().st_mtime >= time.time() - MAX_AGE_SECONDS:
            return path.read_bytes(), f"upload{suffix}"
    return None


def discard(token: str, user):
    for path in [*_directory().glob(f"{user.pk}-{token}.*.upload"), _directory() / f"{user.pk}-{token}.meta.json"]:
        path.unlink(missing_ok=True)
