"""The check and the write of a file of series values, lean enough for a 100,000-row job (issue 15).

Each row is read by the resource's own fields and widgets (kpi.resources.ObservationResource: the same cleaning,
the same Japanese messages, an empty cell kept and CLEAR_MARKER emptying) and validated by the model's own rules
(Observation.full_clean, as the resource's clean_model_instances did), without django-import-export's per-row
machinery: no instance loader, savepoint, deep copy, diff or row result per row. What a file names is looked up in
bulk (its indicators in one query, the stored values and who may change them one query per chunk of rows), and
what is kept of a row is what writing it needs: the cleaned values, not a model instance.

    checked = check(headers, rows, sources, user=user, expected_versions=versions)
    if checked.ok:
        write(checked, user=user)

`check` locks the stored values the file names (SELECT … FOR UPDATE), so `check` and `write` belong in one
transaction; `import_file` runs both in one, with the outcome the admin, the command and the jobs read.
"""

import contextlib
from dataclasses import dataclass, field

from django.core.exceptions import NON_FIELD_ERRORS, PermissionDenied, ValidationError
from django.db import IntegrityError, connection, transaction
from django.utils.encoding import force_str
from django.utils.translation import gettext as _
from import_export.results import RowResult

from vision import dataversion, jobs, roles
from vision.tabular import CLEAR_MARKER, CellError, ImportFileError, ImportOutcome, ReadableDiff

from .models import PUBLIC_FIGURES, Observation

# The columns that find a row, and the cleaned values kept of a row to write (services.ROW_FIELDS).
KEY_COLUMNS = ("indicator_id", "fiscal_year", "kind")
ROW_FIELDS = ("indicator_id", "fiscal_year", "kind", *PUBLIC_FIGURES)
# What is read of a stored value: its id and version, identity and figures.
STORED_FIELDS = ("pk", "lock_version", *ROW_FIELDS)
# What makes a stored value unchanged (services.is_unchanged): its identity and figures.
COMPARED = (*PUBLIC_FIGURES, "indicator_id", "fiscal_year", "kind")
# Rows looked up and checked together: one query for their stored values, one for who may change them.
CHUNK_ROWS = 2000
# Rows per INSERT or UPDATE statement while writing (and per progress report).
WRITE_BATCH = 1000
NEW, UPDATE, SKIP = RowResult.IMPORT_TYPE_NEW, RowResult.IMPORT_TYPE_UPDATE, RowResult.IMPORT_TYPE_SKIP
ERROR, INVALID = RowResult.IMPORT_TYPE_ERROR, RowResult.IMPORT_TYPE_INVALID


@dataclass
class Preview:
    """A checked row as the preview shows it (the `import_type` and `diff` that vision.tabular.preview_rows read)."""

    import_type: str
    diff: list  # PreviewCell per column of the file's import fields


@dataclass
class Checked:
    """What `check` found: counts by kind of row, every error, the versions read, and the rows to write."""

    totals: dict = field(default_factory=lambda: dict.fromkeys((NEW, UPDATE, "delete", SKIP, ERROR, INVALID), 0))
    errors: list = field(default_factory=list)  # CellError, by file row and column, in the order found
    base_errors: list = field(default_factory=list)  # about the file as a whole (row 1)
    versions: dict = field(default_factory=dict)  # "area/code/year/kind" → version read (0: not stored yet)
    new: list = field(default_factory=list)  # ROW_FIELDS values of each row to create
    changed: list = field(default_factory=list)  # (pk, *ROW_FIELDS values) of each stored row to change
    preview: list = field(default_factory=list)  # (file row, Preview) of each new or changed row, when asked

    @property
    def ok(self):
        return not (self.errors or self.base_errors)


def _report_checking(done, total):
    jobs.report(done, total, phase=jobs.CHECKING)


def _report_writing(done, total):
    jobs.report(done, total, phase=jobs.WRITING)


class _Checker:
    """The state of one file's check: the resource whose fields read the cells, the file's indicators, the rows seen
    (for duplicates), the baselines, and who may edit which indicator."""

    def __init__(self, headers, rows, *, user, areas, preview):
        from .resources import AREA_COLUMN, IndicatorCodes, KindWidget, ObservationResource, YearWidget

        self.headers = list(headers)
        self.user = user
        self.preview = preview
        self.resource = ObservationResource(user=user, areas=areas)
        # the readonly area column is read by the indicator lookup, never set on a row
        self.fields = [f for f in self.resource.get_import_fields() if f.attribute and not f.readonly]
        self.columns = {f.attribute: f.column_name for f in self.resource.fields.values() if f.attribute}
        self.columns[NON_FIELD_ERRORS] = ""
        imported = {f.attribute for f in self.resource.get_import_fields()}
        self.not_imported = [f.name for f in Observation._meta.concrete_fields if f.name not in imported]
        self.area_column = AREA_COLUMN
        self.year, self.kind = YearWidget(), KindWidget()
        index = self.headers.index("indicator_id")
        self.codes = IndicatorCodes({str(cells[index]).strip() for cells in rows}, areas)
        self.resource.fields["indicator"].widget.codes = self.codes
        self.seen = {}  # key → (first data row number with it, the values the rows left a stored value with)
        self.cleared = {}  # key → the fields CLEAR_MARKER emptied on a stored value, when any
        self.baselines = {}  # indicator id → the fiscal year of its one baseline (stored, or earlier in the file)
        self.editable = None  # ids of the file's indicators this user may enter values for, once asked
        self.may_add = user is None or roles.has_model_permission(user, "add", Observation)
        self.locked = roles.locked_fields(user, Observation) if user is not None else ()

    def key(self, row):
        """(indicator id, fiscal year, kind) of a row, or None when a cell of it cannot be read (reported later)."""
        try:
            indicator = self.codes.find(row["indicator_id"], row.get(self.area_column))
            return indicator, self.year.clean(row["fiscal_year"]), self.kind.clean(row["kind"])
        except (KeyError, ValueError):
            return None

    def lock(self):
        """Lock the stored values of every indicator the file names, in one pass in primary-key order, before any
        row is checked (a file that is written): two imports then wait for each other instead of each locking a
        chunk the other needs next, which PostgreSQL ends as a deadlock."""
        if not connection.features.has_select_for_update:
            return  # SQLite: a writer holds the whole database
        stored = Observation.objects.select_for_update().filter(
            indicator_id__in=sorted({indicator.pk for indicator in self.codes.indicators})
        )
        for _pk in stored.order_by("pk").values_list("pk", flat=True).iterator(chunk_size=10_000):
            pass

    def load(self, keys, checked):
        """The stored values of a chunk's indicators, by key; the versions read; who may change them. A dry run
        locks nothing: its confirmation compares the versions read here with the stored ones again."""
        ids = sorted({key[0].pk for key in keys if key is not None})
        stored = {}
        for start in range(0, len(ids), 5000):
            values = Observation.objects.filter(indicator_id__in=ids[start : start + 5000]).values_list(*STORED_FIELDS)
            for row in values:
                indicator_id, year, kind = row[2:5]
                stored[(indicator_id, year, kind)] = row
                if kind == Observation.Kind.BASELINE:
                    self.baselines.setdefault(indicator_id, year)
        for key in keys:
            if key is not None:
                indicator, year, kind = key
                found = stored.get((indicator.pk, year, kind))
                checked.versions[f"{indicator.area.slug}/{indicator.code}/{year}/{kind}"] = found[1] if found else 0
        changeable = set()
        if self.user is not None:
            pks = [row[0] for row in stored.values()]
            for start in range(0, len(pks), 5000):
                chunk = Observation.objects.filter(pk__in=pks[start : start + 5000])
                changeable |= set(roles.restrict(self.user, "change", chunk).values_list("pk", flat=True))
        return stored, changeable

    def may_edit(self, indicator_id):
        """roles.editable_indicators, asked of all the file's indicators at once rather than once per row."""
        if self.editable is None:
            from .models import Indicator

            self.editable = set()
            ids = [found.pk for found in self.codes.indicators]
            for start in range(0, len(ids), 5000):
                chunk = Indicator.objects.filter(pk__in=ids[start : start + 5000])
                self.editable |= set(roles.editable_indicators(self.user, chunk).values_list("pk", flat=True))
        return indicator_id in self.editable

    def instance(self, key, stored):
        """The row's model instance before its cells, and its values then (None for a new row): the stored value,
        or for a key an earlier row of the file named, that value as the earlier row left it (django-import-export
        shared one instance between such rows)."""
        if key is None:
            return Observation(), None
        indicator, year, kind = key
        earlier = self.seen.get((indicator.pk, year, kind))
        state = earlier[1] if earlier is not None else None
        if state is None:
            state = stored.get((indicator.pk, year, kind))
            if state is None:
                return Observation(), None
            state = (state[0], *state[2:])  # without the version
        values = dict(zip(ROW_FIELDS, state[1:], strict=True))
        instance = Observation(pk=state[0], **values)
        instance.indicator = indicator
        instance._state.adding = False
        cleared = self.cleared.get((indicator.pk, year, kind))
        if cleared:
            instance.import_cleared = set(cleared)
        return instance, values

    def row(self, row, number, key, stored, changeable):
        """Check one row. Returns (import type, messages by field or None, instance, values before, values after:
        ROW_FIELDS, led by the pk for a stored value)."""
        instance, original = self.instance(key, stored)
        locked = {name: getattr(instance, instance._meta.get_field(name).attname) for name in self.locked}
        errors = {}
        for resource_field in self.fields:
            try:
                self.resource.import_field(resource_field, instance, row)
            except ValueError as error:
                errors[resource_field.attribute] = ValidationError(force_str(error), code="invalid")
        seen_key = None
        if instance.indicator_id and instance.fiscal_year and instance.kind and "indicator" not in errors:
            seen_key = (instance.indicator_id, instance.fiscal_year, instance.kind)
            earlier = self.seen.get(seen_key)
            if earlier is not None and earlier[0] != number:
                errors["indicator"] = _("同じ指標・年度・種別の行が %(row)s 件目のデータ行にもあります。") % {
                    "row": earlier[0]
                }
            self.seen[seen_key] = (earlier[0] if earlier is not None else number, None)
            if instance.kind == Observation.Kind.BASELINE:
                year = self.baselines.setdefault(instance.indicator_id, instance.fiscal_year)
                if year != instance.fiscal_year:
                    errors["fiscal_year"] = _("この指標の基準値は既に %(year)s 年度にあります（基準値は1つです）。") % {
                        "year": year
                    }
        import_type, messages = self.classify(instance, original, errors, changeable, locked)
        values = tuple(getattr(instance, name) for name in ROW_FIELDS)
        if instance.pk is not None:
            values = (instance.pk, *values)
            if seen_key is not None:  # a later row with this key starts from this row's values
                self.seen[seen_key] = (self.seen[seen_key][0], values)
                if getattr(instance, "import_cleared", None):
                    self.cleared[seen_key] = frozenset(instance.import_cleared)
        return import_type, messages, instance, original, values

    def classify(self, instance, original, errors, changeable, locked):
        """New, update, skip (unchanged, as services.is_unchanged judges it) or invalid, with the messages."""
        if errors:
            errors = ValidationError(errors).update_error_dict({})
        elif instance.pk is not None and all(getattr(instance, name) == original[name] for name in COMPARED):
            return SKIP, None
        messages = self.validate(instance, errors, changeable, locked)
        if messages:
            return INVALID, messages
        return (NEW if instance.pk is None else UPDATE), None

    def validate(self, instance, errors, changeable, locked):
        """The resource's validate_instance, with its permission questions answered from the chunk's look-ups."""
        errors = dict(errors)
        if self.user is not None:
            if instance.pk is None:
                if not self.may_add:
                    errors.setdefault(NON_FIELD_ERRORS, _("この種類のデータを追加する権限がありません。"))
            elif instance.pk not in changeable:
                errors.setdefault(
                    NON_FIELD_ERRORS, _("この行のデータを変更する権限がありません（担当の範囲の外です）。")
                )
            else:
                for name, before in locked.items():
                    if getattr(instance, instance._meta.get_field(name).attname) != before:
                        errors.setdefault(name, _("この列は管理者だけが変更できます（変更しないでください）。"))
            if instance.indicator_id and not self.may_edit(instance.indicator_id):
                errors.setdefault(
                    "indicator",
                    _("指標 %(code)s を変更する権限がありません（担当の所管課の指標だけを取り込めます）。")
                    % {"code": instance.indicator.code},
                )
        unreadable_value = "value" in errors
        try:
            # the indicator came from the file's look-up, so its existence needs no query per row; the fields a
            # file cannot set (publication state, timestamps) are as stored or their defaults, not checked again;
            # uniqueness is checked against the stored rows and the file itself (the constraints' rules are
            # repeated in Observation.clean)
            exclude = [*errors, "indicator", *self.not_imported]
            instance.full_clean(exclude=exclude, validate_unique=False, validate_constraints=False)
        except ValidationError as error:
            model_errors = error.message_dict
            if unreadable_value:
                model_errors.pop("missing_reason", None)  # the value is there, just unreadable
            elif "value" in getattr(instance, "import_cleared", ()) and model_errors.pop("missing_reason", None):
                model_errors["value"] = [
                    _("値を %(marker)s で消すときは、missing_reason 列に値がない理由を入力してください。")
                    % {"marker": CLEAR_MARKER}
                ]
            for name, messages in model_errors.items():
                errors.setdefault(name, messages)
        return ValidationError(errors).message_dict if errors else None

    def preview_of(self, import_type, instance, original):
        """The row's cells as stored and as the file makes them (ReadableDiff, as django-import-export made it)."""
        stored = None
        if import_type == UPDATE:
            stored = Observation(pk=instance.pk, **original)
            stored.indicator = instance.indicator
        diff = ReadableDiff(self.resource, stored, import_type == NEW)
        diff.compare_with(self.resource, instance)
        return Preview(import_type, diff.as_html())


def check(
    headers,
    rows,
    sources,
    *,
    user=None,
    areas=None,
    expected_versions=None,
    preview=False,
    progress=None,
    release_rows=False,
    lock=False,
):
    """Check every row of a file of series values in the long layout, writing nothing.

    `rows` are the cells of each data row in the order of `headers`; `sources[i]` is the (file row, column) of row
    i (column None: the column of the field), for messages. Errors are found exactly as the import reports them
    (the same row, column and Japanese message). With `expected_versions` (what a dry run read), a value changed
    since is an error about the whole file. With `preview`, each new or changed row's old and new cells are kept
    for the preview (a number: those of the first so many such rows, as a background check shows them).
    `progress(done, total)` is called about every 1% (default: the running job's progress).
    With `release_rows`, `rows` (a list the caller no longer needs) lets go of each row once it is read, so the
    cells of a large file are not held beside the values kept to write.
    With `lock` (a check that is then written), the stored values of the file's indicators are locked first and stay
    locked until the caller's transaction ends.
    """
    with transaction.atomic():
        checked = _check(headers, rows, sources, user, areas, preview, progress or _report_checking, release_rows, lock)
    if expected_versions is not None:
        changed = sorted(
            key
            for key in set(checked.versions) | set(expected_versions)
            if checked.versions.get(key, 0) != expected_versions.get(key, 0)
        )
        if changed:
            message = _(
                "確認の後に、このファイルの %(count)d 件の値が別の職員によって変更されました（%(keys)s）。"
                "何も取り込んでいません。もう一度ファイルを選んで、変更を確認してください。"
            ) % {"count": len(changed), "keys": "、".join(changed[:5]) + ("…" if len(changed) > 5 else "")}
            checked.base_errors.append(str(ValidationError(message)))  # as a resource's before_import raised it
    if not checked.ok:
        checked.new, checked.changed, checked.preview = [], [], []
    return checked


def _check(headers, rows, sources, user, areas, preview, progress, release_rows, lock):
    checked = Checked()
    total = len(rows)
    checker = _Checker(headers, rows, user=user, areas=areas, preview=preview)
    if lock:
        checker.lock()
    for start in range(0, total, CHUNK_ROWS):
        numbers = range(start, min(total, start + CHUNK_ROWS))
        chunk = [dict(zip(checker.headers, rows[index], strict=False)) for index in numbers]
        if release_rows:
            for index in numbers:
                rows[index] = None
        keys = [checker.key(row) for row in chunk]
        stored, changeable = checker.load(keys, checked)
        for offset, (row, key) in enumerate(zip(chunk, keys, strict=True)):
            number = start + offset + 1
            file_row, source_column = sources[number - 1]
            try:
                import_type, errors, instance, original, values = checker.row(row, number, key, stored, changeable)
            except Exception as error:  # a row that breaks the check is reported, as django-import-export did
                checked.totals[ERROR] += 1
                message = _("保存できませんでした: %(error)s") % {"error": error}
                checked.errors.append(CellError(file_row, source_column or "", message))
                continue
            checked.totals[import_type] += 1
            if errors:
                for attribute, messages in errors.items():
                    column = source_column or checker.columns.get(attribute, attribute)
                    checked.errors.extend(CellError(file_row, column, str(message)) for message in messages)
            elif import_type in (NEW, UPDATE):
                (checked.new if import_type == NEW else checked.changed).append(values)
                if preview and (preview is True or len(checked.preview) < preview):
                    checked.preview.append((file_row, checker.preview_of(import_type, instance, original)))
            if jobs.every(number, total):
                progress(number, total)
    return checked


def write(checked, *, user=None, progress=None):
    """Write the rows of a file `check` found without an error, in batches, with history (kpi.services)."""
    from .services import write_observations_in_bulk

    if not checked.ok:
        raise ValueError("a file with errors is never written")
    write_observations_in_bulk(
        checked.new, checked.changed, user=user, batch_size=WRITE_BATCH, progress=progress or _report_writing
    )


def import_file(
    headers,
    rows,
    sources,
    cell_errors,
    layout,
    *,
    user=None,
    dry_run=True,
    expected_versions=None,
    areas=None,
    preview=None,
    progress=None,
    release_rows=False,
):
    """Check, and unless `dry_run` write, rows of series values in one transaction: the outcome by file row and
    column that the admin, the command and the jobs read (vision.tabular.run_import's, for this one model).

    A dry run keeps each new or changed row's preview (`outcome.rows`) unless `preview` is False (a background
    dry run of a large file, which shows counts and errors). `progress` and `release_rows` as for `check`
    (`progress` for `write` too)."""
    outcome = ImportOutcome(layout=layout, errors=list(cell_errors))
    missing = [column for column in KEY_COLUMNS if column not in headers]
    if missing:
        raise ImportFileError(
            _("見出し行に %(columns)s の列がありません。行を特定するのに必要な列です。")
            % {"columns": "、".join(missing)}
        )
    if not len(rows):
        if not outcome.errors:
            outcome.errors.append(CellError(2, "", _("取り込む値がありません。")))
        return outcome
    writes = not (dry_run or cell_errors)
    checked = None
    try:
        # A written import moves the public data version on once, not once per row.
        with dataversion.batch() if writes else contextlib.nullcontext(), transaction.atomic():
            checked = check(
                headers,
                rows,
                sources,
                user=user,
                areas=areas,
                expected_versions=expected_versions,
                preview=dry_run if preview is None else preview,
                progress=progress,
                release_rows=release_rows,
                lock=writes,
            )
            if writes and checked.ok:
                write(checked, user=user, progress=progress)
    except IntegrityError:
        # another import wrote one of these rows first: one message, not a database error
        outcome.errors = [
            CellError(
                sources[0][0],
                "",
                _(
                    "別の取込みが同じ行を先に書き込みました。このファイルからは何も取り込んでいません。"
                    "もう一度ファイルを選んで、確認からやり直してください。"
                ),
            )
        ]
        outcome.totals = dict(checked.totals) if checked is not None else {}
        outcome.versions = checked.versions if checked is not None else {}
        return outcome
    except PermissionDenied as error:
        checked.base_errors.append(str(error))
    outcome.errors += checked.errors
    outcome.errors += [CellError(1, "", message) for message in checked.base_errors]
    outcome.errors.sort(key=lambda e: (e.row, e.column))
    outcome.totals = dict(checked.totals)
    outcome.versions = checked.versions
    if not outcome.errors:
        outcome.rows = checked.preview
    outcome.diff_headers = [f.column_name for f in _import_fields()]
    outcome.key_headers = list(KEY_COLUMNS)
    outcome.written = writes and outcome.ok
    return outcome


def _import_fields():
    from .resources import ObservationResource

    return ObservationResource().get_import_fields()
