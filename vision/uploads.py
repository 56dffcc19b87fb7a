"""Uploaded import files kept between the dry run and the confirmation, for the user who uploaded them.

They live in the database (vision.models.PendingUpload), so the confirmation may land on any app server behind the
load balancer, not only the one that ran the dry run. A file is kept at most MAX_AGE_SECONDS and each user at most
MAX_PER_USER files (the oldest go first); the size cap is the upload's own (vision.tabular.MAX_FILE_BYTES).
"""

import secrets
from datetime import timedelta

from django.utils import timezone

from .models import PendingUpload
from .tabular import MAX_FILE_BYTES

MAX_AGE_SECONDS = 24 * 60 * 60
MAX_PER_USER = 5


def _fresh():
    return PendingUpload.objects.filter(created_at__gte=timezone.now() - timedelta(seconds=MAX_AGE_SECONDS))


def _valid(token):
    return bool(token) and len(token) <= 64 and token.replace("-", "").replace("_", "").isalnum()


def stash(data: bytes, filename: str, user, meta=None) -> str:
    """Keep the file (and `meta`, e.g. the versions its dry run saw); returns a token only this user can redeem."""
    if len(data) > MAX_FILE_BYTES:
        raise ValueError(f"an upload of {len(data)} bytes is over the cap of {MAX_FILE_BYTES}")
    cleanup()
    newest = PendingUpload.objects.filter(user=user).order_by("-created_at", "-pk").values_list("pk", flat=True)
    PendingUpload.objects.filter(user=user).exclude(pk__in=list(newest[: MAX_PER_USER - 1])).delete()
    token = secrets.token_urlsafe(16)
    suffix = ".xlsx" if filename.lower().endswith(".xlsx") else ".csv"
    PendingUpload.objects.create(token=token, user=user, suffix=suffix, data=data, meta=meta or {})
    return token


def stashed_meta(token: str, user) -> dict:
    """The `meta` stashed with a file (an empty dict when there is none)."""
    if not _valid(token):
        return {}
    return _fresh().filter(token=token, user=user).values_list("meta", flat=True).first() or {}


def remember(token: str, user, meta: dict):
    """Replace the `meta` stashed with a file (e.g. once a background job has checked it)."""
    if _valid(token):
        _fresh().filter(token=token, user=user).update(meta=meta)


def redeem(token: str, user):
    """(data, filename) of a stashed file, or None when the token is unknown, expired or someone else's."""
    if not _valid(token):
        return None
    found = _fresh().filter(token=token, user=user).values_list("data", "suffix").first()
    if found is None:
        return None
    data, suffix = found
    return bytes(data), f"upload{suffix}"


def discard(token: str, user):
    PendingUpload.objects.filter(token=token, user=user).delete()


def cleanup() -> int:
    """Delete the files older than MAX_AGE_SECONDS; returns how many went."""
    deleted, _by_model = PendingUpload.objects.exclude(pk__in=_fresh().values("pk")).delete()
    return deleted
