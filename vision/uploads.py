"""Uploaded import files kept between the dry run and the confirmation, for the user who uploaded them."""

import secrets
import time
from pathlib import Path

from django.conf import settings

MAX_AGE_SECONDS = 24 * 60 * 60


def _directory():
    directory = Path(settings.IMPORT_TMP_DIR)
    directory.mkdir(parents=True, exist_ok=True)
    return directory


def stash(data: bytes, filename: str, user) -> str:
    """Keep the file; returns a token that only this user can redeem."""
    directory = _directory()
    cutoff = time.time() - MAX_AGE_SECONDS
    for old in directory.glob("*.upload"):
        if old.stat().st_mtime < cutoff:
            old.unlink(missing_ok=True)
    token = secrets.token_urlsafe(16)
    suffix = ".xlsx" if filename.lower().endswith(".xlsx") else ".csv"
    (directory / f"{user.pk}-{token}{suffix}.upload").write_bytes(data)
    return token


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
    for path in _directory().glob(f"{user.pk}-{token}.*.upload"):
        path.unlink(missing_ok=True)
