"""Writes to series values: recording, publishing and confirming them. Every change leaves a history row."""

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from vision import roles
from vision.tabular import ImportOutcome, import_table, run_import  # noqa: F401  (the admin imports them here)

from . import judgements
from .models import PUBLIC_FIGURES, Observation
from .opendata import plain_number

VALUE_FIELDS = PUBLIC_FIGURES
IDENTITY_FIELDS = ("indicator_id", "fiscal_year", "kind")


class StaleEdit(ValidationError):
    """A save based on an older version of the row than the one stored: someone else changed it meanwhile."""


def _stale_message(stored, kind_label=None):
    latest = stored.history.order_by("-history_date").select_related("history_user").first()
    who = latest.history_user if latest is not None else None
    who_name = (who.get_full_name() or who.get_username()) if who is not None else _("別の職員")
    value = plain_number(stored.value) if stored.value is not None else (stored.missing_reason or "―")
    return _(
        "%(year)s年度の%(kind)sは、この画面を開いた後に %(who)s が「%(value)s」に変更しました。"
        "最新の値を確認してから、もう一度入力してください。"
    ) % {"year": stored.fiscal_year, "kind": kind_label or stored.get_kind_display(), "who": who_name, "value": value}


def check_version(stored, expected_version):
    """Refuse a save based on `expected_version` when the stored row is newer (0: the row did not exist yet)."""
    if expected_version is None:
        return
    current = stored.lock_version if stored is not None else 0
    if current != expected_version:
        raise StaleEdit(
            _stale_message(stored) if stored is not None else _("この値は、この画面を開いた後に削除されました。")
        )


def _apply_publication_state(observation, stored):
    """The publication state of a changed row, from the stored row (never from the caller).

    A published row's figures move to its published_… columns before it changes, so they stay public while the
    correction is a draft; a second correction keeps the published figure that is already there. A correction
    that comes back to exactly the published figure leaves nothing waiting.
    """
    if stored is None:
        observation.is_published = observation.pending_correction = observation.pending_retraction = False
        observation.published_at = observation.published_by = None
        return
    source = stored if stored.is_published else None
    for name in PUBLIC_FIGURES:
        published = getattr(source, name) if source else getattr(stored, f"published_{name}")
        setattr(observation, f"published_{name}", published)
    public = stored.is_published or stored.pending_correction
    back_to_published = (
        public
        and all(getattr(observation, name) == getattr(observation, f"published_{name}") for name in PUBLIC_FIGURES)
        and all(getattr(observation, name) == getattr(stored, name) for name in IDENTITY_FIELDS)
    )
    observation.is_published = back_to_published
    observation.pending_correction = public and not back_to_published
    observation.pending_retraction = stored.pending_retraction
    observation.published_at, observation.published_by_id = stored.published_at, stored.published_by_id
    observation.lock_version = stored.lock_version + 1


def is_unchanged(observation, stored):
    """Whether saving `observation` over `stored` would change nothing: the same figures, indicator, year and kind."""
    return all(getattr(stored, name) == getattr(observation, name) for name in (*PUBLIC_FIGURES, *IDENTITY_FIELDS))


# The columns a written import may change on a stored row (its identity, figures and publication state).
BULK_UPDATE_FIELDS = (
    *VALUE_FIELDS,
    "is_published",
    "pending_correction",
    "pending_retraction",
    *(f"published_{name}" for name in PUBLIC_FIGURES),
    "published_at",
    "published_by",
    "lock_version",
    "updated_at",
)


# The cleaned values of a row a written import creates or changes, in this order (kpi.series_import keeps them).
ROW_FIELDS = (*IDENTITY_FIELDS, *PUBLIC_FIGURES)


@transaction.atomic
def write_observations_in_bulk(new, changed, *, user=None, batch_size=1000, progress=None):
    """Write the rows of a validated import in batches: what save_observation does row by row, for a whole file.

    `new` are the ROW_FIELDS values of each row to create, `changed` (pk, *ROW_FIELDS values) of each stored row to
    change (locked by the import's check), all validated already. A model instance exists only for the batch being
    written. The publication state follows the same rules (a change to a published value waits as a correction),
    history is recorded for every row, the data version moves on, and the rows written must all still be ones
    `user` may change, or nothing is written (as vision.roles.check_written per row). `progress(done, total)` is
    called after each batch (default: the running background job's progress, if any).
    """
    import copy

    from vision import dataversion, jobs

    def report(done, total):
        jobs.report(done, total, phase=jobs.WRITING)

    progress = progress or report
    now = timezone.now()
    total, written = len(new) + len(changed), 0
    created, updated, indicator_ids = [], [], set()
    for start in range(0, len(new), batch_size):
        batch = []
        for values in new[start : start + batch_size]:
            observation = Observation(**dict(zip(ROW_FIELDS, values, strict=True)))
            _apply_publication_state(observation, None)
            observation.updated_at = now
            batch.append(observation)
        Observation.objects.bulk_create(batch)
        created += [observation.pk for observation in batch]
        indicator_ids |= {observation.indicator_id for observation in batch}
        written += len(batch)
        progress(written, total)
    for start in range(0, len(changed), batch_size):
        rows = changed[start : start + batch_size]
        stored = Observation.objects.in_bulk([pk for pk, *_values in rows])
        batch = []
        for pk, *values in rows:
            observation = copy.copy(stored[pk])
            for name, value in zip(ROW_FIELDS, values, strict=True):
                setattr(observation, name, value)
            _apply_publication_state(observation, stored[pk])
            observation.updated_at = now
            batch.append(observation)
        Observation.objects.bulk_update(batch, BULK_UPDATE_FIELDS)
        updated += [observation.pk for observation in batch]
        indicator_ids |= {observation.indicator_id for observation in batch}
        written += len(batch)
        progress(written, total)
    if user is not None:
        pks = created + updated
        for start in range(0, len(pks), 5000):
            chunk = pks[start : start + 5000]
            if roles.restrict(user, "change", Observation.objects.filter(pk__in=chunk)).count() != len(chunk):
                raise PermissionDenied(_("この変更を行う権限がありません（担当の範囲の外になります）。"))
    history_user = user if user is not None and user.is_authenticated else None
    for pks, history_type in ((created, "+"), (updated, "~")):
        record_history_in_bulk(pks, history_type, history_user, "一括取込み")
    dataversion.bump()
    observations_written_in_bulk(indicator_ids)


def record_history_in_bulk(pks, history_type, user, reason, batch_size=5000):
    """The history records of rows just written, copied by the database from the rows as stored (INSERT … SELECT),
    with the same columns as simple-history's own records: one statement per batch and no Python object per row,
    for an import of up to 100,000 values."""
    history = Observation.history.model
    quote = connection.ops.quote_name
    columns = ", ".join(quote(field.column) for field in history.tracked_fields)
    when = connection.ops.adapt_datetimefield_value(timezone.now())
    with connection.cursor() as cursor:
        for start in range(0, len(pks), batch_size):
            chunk = pks[start : start + batch_size]
            cursor.execute(
                f"INSERT INTO {quote(history._meta.db_table)} ({columns}, history_date, history_user_id, "
                f"history_change_reason, history_type) SELECT {columns}, %s, %s, %s, %s "
                f"FROM {quote(Observation._meta.db_table)} WHERE id IN ({', '.join(['%s'] * len(chunk))})",
                [when, user.pk if user is not None else None, reason, history_type, *chunk],
            )


def observations_written_in_bulk(indicator_ids):
    """Called after an import has written series values of these indicators in batches, which sends no save
    signals: the place for anything that must follow every write of a value (kept in step by signals for single
    saves).

    The stored public judgements (kpi.judgements) of the indicators written: judged now, or once at the end of the
    enclosing judgements.batch() (import_observations opens one)."""
    judgements.touch(set(indicator_ids))


@transaction.atomic
def save_observation(observation, *, user=None, history=True, clean=True, expected_version=None):
    """The one write path for a series value: every screen, import and revert saves through here.

    A new value, or a change to a value's figures or identity, is a draft until it is published; while a
    correction to a published value waits, the published figure stays public, unchanged (kept in the row's
    published_… columns). The publication state is never taken from the caller. With `expected_version`, a row
    changed by someone else since the caller read it is refused (StaleEdit, with the newer value and who entered
    it). Validation runs as for a form (ValidationError with Japanese messages, nothing written). With `user`,
    the row must afterwards still be one that user may change (vision.roles.check_written), or nothing is
    written. Returns whether anything changed.
    """
    stored = Observation.objects.select_for_update().filter(pk=observation.pk).first() if observation.pk else None
    check_version(stored, expected_version)
    if stored is not None and is_unchanged(observation, stored):
        return False
    _apply_publication_state(observation, stored)
    if clean:  # an import has validated the whole file already
        observation.full_clean()
    if not history:
        observation.skip_history_when_saving = True
    try:
        observation.save()
    finally:
        if not history:
            del observation.skip_history_when_saving
    if user is not None:
        roles.check_written(user, "change", observation)
    return True


@transaction.atomic
def delete_observation(observation, *, user=None, expected_version=None):
    """Delete a series value: a draft goes at once; a published value waits, public, until its removal is published.

    Returns "deleted" or "pending".
    """
    stored = Observation.objects.select_for_update().get(pk=observation.pk)
    check_version(stored, expected_version)
    if user is not None:
        roles.check_written(user, "change", stored)
    if not (stored.is_published or stored.pending_correction):
        stored.delete()
        return "deleted"
    stored.pending_retraction = True
    stored.lock_version += 1
    stored.save(update_fields=["pending_retraction", "lock_version", "updated_at"])
    return "pending"


def record_observation(indicator, fiscal_year, kind, *, user=None, expected_version=None, **values):
    """Create or change one series value by its indicator, year and kind (through `save_observation`).

    Returns (observation, changed).
    """
    observation = Observation.objects.filter(indicator=indicator, fiscal_year=fiscal_year, kind=kind).first()
    if observation is None:
        observation = Observation(indicator=indicator, fiscal_year=fiscal_year, kind=kind)
    for name, value in values.items():
        if name not in VALUE_FIELDS:
            raise TypeError(f"not a value field: {name}")
        setattr(observation, name, value)
    return observation, save_observation(observation, user=user, expected_version=expected_version)


@transaction.atomic
def publish(observations, user):
    """Publish drafts, corrections and removals: from now on the public pages and open data show them.

    Returns how many changed.
    """
    with judgements.batch():  # each indicator judged once, at the end, in id order
        return _publish(observations, user, timezone.now())


def _publish(observations, user, now):
    count = 0
    for observation in observations:
        if observation.pending_retraction:
            observation.delete()
            count += 1
            continue
        if observation.is_published:
            continue
        observation.is_published = True
        observation.pending_correction = False
        for name in PUBLIC_FIGURES:
            field = Observation._meta.get_field(f"published_{name}")
            setattr(observation, field.name, field.get_default())
        observation.published_at = now
        observation.published_by = user
        observation.lock_version += 1
        observation.save()
        count += 1
    return count


@transaction.atomic
def confirm_provisional(observations):
    """Mark provisional values (概算値) as confirmed; each becomes a draft to publish, and history keeps the step."""
    count = 0
    for observation in observations:
        if observation.is_provisional:
            record_observation(observation.indicator, observation.fiscal_year, observation.kind, is_provisional=False)
            count += 1
    return count


def import_observations(
    data, filename="", *, user=None, dry_run=True, expected_versions=None, areas=None, preview=None, progress=None
):
    """Check, and unless `dry_run` write, a file of series values; any bad row means nothing is written.

    Accepts the long and the wide layout, CSV (UTF-8, UTF-8 with BOM, Shift_JIS) and XLSX. Raises
    importing.ImportFileError when the file itself cannot be read. Indicator codes are looked up among `areas`
    (every area when None), within the row's area when its `area` column names one. The rows are checked and
    written by kpi.series_import (`preview`: whether a dry run keeps each row's preview, by default yes, or a
    number: the first so many rows'; `progress(done, total)`: called while checking and writing, by default the
    running job's progress).
    """
    from . import series_import
    from .importing import detect_layout, file_rows, read_table, wide_to_long

    rows = read_table(data, filename)
    layout = detect_layout(rows[0])
    if layout == "wide":
        body, sources, cell_errors = wide_to_long(rows)
        headers = body.headers
    else:
        headers, body, cell_errors = [str(h).strip() for h in rows[0]], rows[1:], []
        sources = [(number, None) for number in file_rows(rows)[1:]]
    del rows
    # An import judges each indicator it touched once, at the end, not once per row (kpi.judgements).
    with judgements.batch():
        return series_import.import_file(
            headers,
            body,
            sources,
            cell_errors,
            layout,
            user=user,
            dry_run=dry_run,
            expected_versions=expected_versions,
            areas=areas,
            preview=preview,
            progress=progress,
            release_rows=layout == "long",  # `body` is this function's own list of the file's rows
        )
