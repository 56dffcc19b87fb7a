"""Writes to series values: recording, publishing and confirming them. Every change leaves a history row."""

from django.db import transaction
from django.utils import timezone

from vision.tabular import ImportOutcome, import_table, run_import  # noqa: F401  (the admin imports them here)

from .models import Observation

VALUE_FIELDS = ("value", "comparator", "measured_year", "is_provisional", "missing_reason", "printed", "note")


def record_observation(indicator, fiscal_year, kind, **values):
    """Create or change one series value; a new or changed value becomes a draft until it is published.

    Returns (observation, changed). Validation runs as for a form, so a bad value raises ValidationError
    with the field's Japanese message and nothing is written.
    """
    observation = Observation.objects.filter(indicator=indicator, fiscal_year=fiscal_year, kind=kind).first()
    if observation is None:
        observation = Observation(indicator=indicator, fiscal_year=fiscal_year, kind=kind)
    before = {name: getattr(observation, name) for name in VALUE_FIELDS}
    for name, value in values.items():
        if name not in VALUE_FIELDS:
            raise TypeError(f"not a value field: {name}")
        setattr(observation, name, value)
    after = {name: getattr(observation, name) for name in VALUE_FIELDS}
    if observation.pk is not None and before == after:
        return observation, False
    observation.is_published = False
    observation.published_at = None
    observation.published_by = None
    observation.full_clean()
    observation.save()
    return observation, True


@transaction.atomic
def publish(observations, user):
    """Publish drafts: from now on the public pages and open data show them. Returns how many changed."""
    count = 0
    now = timezone.now()
    for observation in observations:
        if observation.is_published:
            continue
        observation.is_published = True
        observation.published_at = now
        observation.published_by = user
        observation.save(update_fields=["is_published", "published_at", "published_by", "updated_at"])
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


def import_observations(data, filename="", *, user=None, dry_run=True):
    """Check, and unless `dry_run` write, a file of series values; any bad row means nothing is written.

    Accepts the long and the wide layout, CSV (UTF-8, UTF-8 with BOM, Shift_JIS) and XLSX. Raises
    importing.ImportFileError when the file itself cannot be read.
    """
    from .importing import detect_layout, file_rows, long_dataset, read_table, wide_to_long
    from .resources import ObservationResource, ObservationWriteResource

    rows = read_table(data, filename)
    layout = detect_layout(rows[0])
    if layout == "wide":
        dataset, sources, cell_errors = wide_to_long(rows)
    else:
        dataset, cell_errors = long_dataset(rows), []
        sources = [(number, None) for number in file_rows(rows)[1:]]
    resource = (ObservationResource if dry_run else ObservationWriteResource)(user=user)
    return run_import(resource, dataset, sources, cell_errors, layout, dry_run)
