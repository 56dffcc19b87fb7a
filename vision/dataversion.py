"""The public data version: one number that every change to the portal's data moves on.

Caches of public pages and API answers depend on it (and browsers revalidate against it through the ETag), so a
published change shows at once on every app server: nothing is ever invalidated one by one. API answers and chart
images are keyed by it, so an old version's entries simply stop being asked for; a public page's entry records the
version it was rendered at and is rendered again when that is not the version of now (`current_and_entry`).

The number lives in the database (`DataVersion`, one row), so every app server agrees on it. A change bumps it
in the same transaction as the change itself (a bulk job wraps its writes in `batch()` to bump once); after the
commit the new number is written to the shared cache, where readers find it without a query. With a per-process cache
(LocMemCache, `make run` without Redis) readers ask the database every time, since another worker process would
not see this one's cache.

Every save and delete of a model of the portal's apps bumps it (signals connected in `vision.apps`); code that
writes around the signals (`QuerySet.update`, `bulk_create`, raw SQL) calls `bump()` itself.
"""

import threading
from contextlib import contextmanager

from django.core.cache import cache, caches
from django.core.cache.backends.locmem import LocMemCache
from django.core.cache.backends.redis import RedisCache
from django.db import connection, connections, transaction
from django.db.models import F

CACHE_KEY = "data-version"
# Apps whose rows are the portal's data; a change to any of their models moves the version.
DATA_APPS = ("vision", "agreements", "kpi", "committee")


def _cache_is_shared() -> bool:
    return not isinstance(caches["default"], LocMemCache)


def _read_database() -> int:
    from .models import DataVersion

    return DataVersion.objects.filter(pk=DataVersion.SINGLETON).values_list("value", flat=True).first() or 0


def current() -> int:
    """The data version now (from the shared cache when it has it, else from the database)."""
    if not _cache_is_shared():
        return _read_database()
    value = cache.get(CACHE_KEY)
    if value is None:
        value = _read_database()
        cache.set(CACHE_KEY, value, timeout=None)
    return value


def current_and_entry(key):
    """The data version now and the cache's entry under `key`, read together: one round trip to a shared cache
    (the public page cache asks for both on every request)."""
    if not _cache_is_shared():
        return _read_database(), cache.get(key)
    found = cache.get_many([CACHE_KEY, key])
    version = found.get(CACHE_KEY)
    if version is None:
        version = current()
    return version, found.get(key)


def _publish():
    cache.set(CACHE_KEY, _read_database(), timeout=None)


def _publish_pending() -> bool:
    return any(func is _publish for _sids, func, _robust in connection.run_on_commit)


_suspended = threading.local()


def bump():
    """Move the version on; the new number is published to the shared cache once the transaction commits."""
    from .models import DataVersion

    if getattr(_suspended, "depth", 0):
        _suspended.missed = True
        return
    updated = DataVersion.objects.filter(pk=DataVersion.SINGLETON).update(value=F("value") + 1)
    if not updated:
        DataVersion.objects.get_or_create(pk=DataVersion.SINGLETON, defaults={"value": 1})
    if not (connection.in_atomic_block and _publish_pending()):
        transaction.on_commit(_publish)


def after_restore():
    """After a backup is restored (`manage.py after_restore`): the version moves past every number used before the
    restore and the cache is emptied of everything cached under them. Returns (the new version, the cache keys
    removed; None for a per-process cache, emptied in this process only).

    The restored database holds the version of the backup's time; the numbers after it were used by the changes
    since, and pages, API answers and ETags were cached under them. Bumping the restored number would reuse one, so
    the new number is one past the larger of the database's and the shared cache's (the last one published)."""
    from .models import DataVersion

    highest = _read_database()
    if _cache_is_shared():
        highest = max(highest, cache.get(CACHE_KEY) or 0)
    with transaction.atomic():
        if not DataVersion.objects.filter(pk=DataVersion.SINGLETON).update(value=highest + 1):
            DataVersion.objects.create(pk=DataVersion.SINGLETON, value=highest + 1)
    removed = _empty_cache()
    _publish()
    return highest + 1, removed


def _empty_cache():
    """Remove every entry of Django's cache. On Redis only the cache's own keys (KEY_PREFIX), never the job queue's
    in the same database; elsewhere the backend's clear()."""
    default = caches["default"]
    if not isinstance(default, RedisCache):
        default.clear()
        return None
    client = default._cache.get_client(write=True)
    removed, keys = 0, []
    for key in client.scan_iter(match=default.make_key("*"), count=1000):
        keys.append(key)
        if len(keys) == 1000:
            removed += client.unlink(*keys)
            keys = []
    if keys:
        removed += client.unlink(*keys)
    return removed


@contextmanager
def batch():
    """Within it, the writes of a bulk job (an import, the reference loader) bump the version once, at the end."""
    depth = getattr(_suspended, "depth", 0)
    if depth == 0:
        _suspended.missed = False
    _suspended.depth = depth + 1
    try:
        yield
    finally:
        _suspended.depth = depth
        if depth == 0 and _suspended.missed:
            bump()


def bump_on_change(sender, **kwargs):
    """Signal receiver for post_save and post_delete (raw fixture loads included)."""
    bump()


def bump_on_relation_change(sender, action, **kwargs):
    """Signal receiver for m2m_changed: a through table of the portal's apps, after the change."""
    if action.startswith("post_") and is_data_model(sender):
        bump()


def bump_after_migrate(sender, using, **kwargs):
    """Signal receiver for post_migrate, even with nothing to migrate: a data migration writes through historical
    models, which send no signals here, and a deploy runs `migrate` before starting new code, whose templates may
    render the same data differently, so cached pages of the old code must not be served by the new."""
    from .models import DataVersion

    with connections[using].cursor() as cursor:
        tables = connections[using].introspection.table_names(cursor)
    if DataVersion._meta.db_table in tables:
        bump()


def is_data_model(model) -> bool:
    """A model of the portal's apps, other than this counter, the history tables (which change with their row) and
    models that declare `is_public_data = False` (pending uploads)."""
    from simple_history.models import HistoricalChanges

    from .models import DataVersion

    return (
        model._meta.app_label in DATA_APPS
        and model is not DataVersion
        and getattr(model, "is_public_data", True)
        and not issubclass(model, HistoricalChanges)
    )
