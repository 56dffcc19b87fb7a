"""Writes to series values: recording, publishing and confirming them. Every change leaves a history row."""

from dataclasses import dataclass, field

from django.core.exceptions import NON_FIELD_ERRORS
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from .importing import CellError
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


@dataclass
class ImportOutcome:
    """What an import did or would do: counts by kind of change, the rows with their diffs, and every error."""

    layout: str
    totals: dict = field(default_factory=dict)
    rows: list = field(default_factory=list)
    errors: list = field(default_factory=list)  # importing.CellError, by file row and column
    diff_headers: list = field(default_factory=list)
    written: bool = False

    @property
    def ok(self):
        return not self.errors


def _column_of(resource, attribute):
    for field_name, resource_field in resource.fields.items():
        if attribute in (field_name, resource_field.attribute):
            return resource_field.column_name
    return attribute if attribute != NON_FIELD_ERRORS else ""


def import_observations(data, filename="", *, user=None, dry_run=True):
    """Check, and unless `dry_run` write, a file of series values; any bad row means nothing is written.

    Accepts the long and the wide layout, CSV (UTF-8, UTF-8 with BOM, Shift_JIS) and XLSX. Raises
    importing.ImportFileError when the file itself cannot be read.
    """
    from .importing import detect_layout, long_dataset, read_table, wide_to_long
    from .resources import ObservationResource, ObservationWriteResource

    rows = read_table(data, filename)
    layout = detect_layout(rows[0])
    if layout == "wide":
        dataset, sources, cell_errors = wide_to_long(rows)
    else:
        dataset, cell_errors = long_dataset(rows), []
        sources = [(index + 2, None) for index in range(len(dataset))]
    outcome = ImportOutcome(layout=layout, errors=list(cell_errors))
    if not len(dataset):
        if not outcome.errors:
            outcome.errors.append(CellError(2, "", _("取り込む値がありません。")))
        return outcome
    resource = (ObservationResource if dry_run else ObservationWriteResource)(user=user)
    result = resource.import_data(
        dataset,
        dry_run=dry_run or bool(cell_errors),
        use_transactions=True,
        rollback_on_validation_errors=True,
        raise_errors=False,
    )
    for invalid in result.invalid_rows:
        file_row, source_column = sources[invalid.number - 1]
        for attribute, messages in invalid.error_dict.items():
            column = source_column or _column_of(resource, attribute)
            for message in messages:
                outcome.errors.append(CellError(file_row, column, str(message)))
    for number, row_errors in result.row_errors():
        file_row, source_column = sources[number - 1]
        for error in row_errors:
            outcome.errors.append(
                CellError(file_row, source_column or "", _("保存できませんでした: %(error)s") % {"error": error.error})
            )
    for error in result.base_errors:
        outcome.errors.append(CellError(1, "", str(error.error)))
    outcome.errors.sort(key=lambda e: (e.row, e.column))
    outcome.totals = dict(result.totals)
    outcome.rows = (
        [(sources[index][0], row) for index, row in enumerate(result.rows) if row.import_type != "skip"]
        if not outcome.errors
        else []
    )
    outcome.diff_headers = result.diff_headers
    outcome.written = not dry_run and outcome.ok
    return outcome
