"""Import and export of indicators and series values with django-import-export.

Rows are found by natural keys (indicator code; indicator, fiscal year and kind), never by database id. Codes
are unique per area: a code is looked up among the areas the import may mean, within the row's area when the
optional `area` column names one (slug or name), and a code found in several areas with no area in the row is a
row error, never a guess.
Imports validate like forms (clean_model_instances) and the caller runs them with
rollback_on_validation_errors, so a file with one bad row writes nothing. Instances are preloaded once per file
(one query for the indicators, one for their values) instead of one lookup per row.
"""

import copy
from collections import defaultdict

from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Q
from django.utils.translation import gettext as _
from import_export import fields, resources, widgets
from import_export.instance_loaders import BaseInstanceLoader
from import_export.results import RowResult

from vision import roles
from vision.models import Department, Plan
from vision.scoped import ScopedResourceMixin
from vision.tabular import (
    CLEAR_MARKER,
    KeepOnBlankMixin,
    ReadablePreviewMixin,
    SafeTextWidget,
    StopOnConflictMixin,
    is_blank,
)

from .importing import KIND_WORDS
from .models import Indicator, Observation
from .numbers import NumberError, is_no_value, parse_number
from .opendata import plain_number


class JapaneseNumberWidget(widgets.Widget):
    """Numbers as Japanese tables write them (1,234 / △12 / １２３); a dash or an empty cell is no value."""

    def clean(self, value, row=None, **kwargs):
        if is_no_value(value):
            return None
        try:
            return parse_number(value)
        except NumberError as error:
            raise ValueError(str(error)) from error

    def render(self, value, obj=None, **kwargs):
        return plain_number(value)


class YearWidget(widgets.Widget):
    def __init__(self, required=True):
        self.required = required

    def clean(self, value, row=None, **kwargs):
        if is_no_value(value):
            if self.required:
                raise ValueError(_("年度を入力してください。"))
            return None
        try:
            year = int(parse_number(value, 0))
        except NumberError as error:
            raise ValueError(_("年（西暦4桁）を入力してください: %(value)s") % {"value": value}) from error
        if not 1900 <= year <= 2100:
            raise ValueError(_("年（西暦4桁）を入力してください: %(value)s") % {"value": value})
        return year

    def render(self, value, obj=None, **kwargs):
        return "" if value is None else str(value)


class KindWidget(widgets.Widget):
    def clean(self, value, row=None, **kwargs):
        kind = KIND_WORDS.get(str(value or "").strip())
        if kind is None:
            raise ValueError(_("種別は baseline / target / actual（基準値・目標値・実績値）のいずれかにしてください。"))
        return kind

    def render(self, value, obj=None, **kwargs):
        return value or ""


class ComparatorWidget(widgets.Widget):
    WORDS = {"": "", "gte": "gte", "以上": "gte", "lte": "lte", "以下": "lte"}

    def clean(self, value, row=None, **kwargs):
        text = str(value or "").strip()
        if text not in self.WORDS:
            raise ValueError(_("比較は gte（以上）、lte（以下）または空欄にしてください。"))
        return self.WORDS[text]

    def render(self, value, obj=None, **kwargs):
        return value or ""


class TrueFalseWidget(widgets.Widget):
    TRUE = {"true", "1", "yes", "○", "概算", "概算値"}
    FALSE = {"", "false", "0", "no"}

    def clean(self, value, row=None, **kwargs):
        text = str(value if value is not None else "").strip().lower()
        if text in self.TRUE:
            return True
        if text in self.FALSE:
            return False
        raise ValueError(_("true か false で入力してください: %(value)s") % {"value": value})

    def render(self, value, obj=None, **kwargs):
        return "true" if value else "false"


AREA_COLUMN = "area"


class IndicatorCodes:
    """The indicators a file names, loaded in one query: by code, among `areas` (every area when None)."""

    def __init__(self, codes, areas=None):
        indicators = Indicator.objects.filter(code__in=codes).select_related("plan", "department", "area")
        if areas is not None:
            indicators = indicators.filter(area__in=areas)
        self.by_code = defaultdict(list)
        for indicator in indicators.order_by("area__slug"):
            self.by_code[indicator.code].append(indicator)

    @property
    def indicators(self):
        return [indicator for found in self.by_code.values() for indicator in found]

    def find(self, code, area=""):
        """The indicator with this code, in the area named by `area` (slug or name) when given.

        A ValueError says why there is none: an unknown code, or a code of several areas and no area named.
        """
        code, area = str(code or "").strip(), str(area or "").strip()
        if not code:
            raise ValueError(_("指標コードを入力してください。"))
        found = self.by_code.get(code, [])
        if area:
            found = [indicator for indicator in found if area in (indicator.area.slug, indicator.area.name)]
            if not found:
                raise ValueError(
                    _("圏域 %(area)s に指標コード %(code)s は登録されていません（%(column)s 列は圏域の識別名か名称）。")
                    % {"area": area, "code": code, "column": AREA_COLUMN}
                )
        if not found:
            raise ValueError(_("指標コード %(code)s は登録されていません。") % {"code": code})
        if len(found) > 1:
            raise ValueError(
                _(
                    "指標コード %(code)s は複数の圏域（%(areas)s）にあります。"
                    "%(column)s 列に圏域の識別名を入力してください。"
                )
                % {"code": code, "areas": "、".join(i.area.slug for i in found), "column": AREA_COLUMN}
            )
        return found[0]


def _row_codes(dataset):
    if not dataset or not dataset.headers or "indicator_id" not in dataset.headers:
        return set()
    return {str(code).strip() for code in dataset["indicator_id"]}


class CachedIndicatorWidget(widgets.ForeignKeyWidget):
    """An indicator by its code (and the row's area), looked up in the file's preloaded codes (no query per row)."""

    def __init__(self):
        super().__init__(Indicator, field="code")
        self.codes = None

    def clean(self, value, row=None, **kwargs):
        codes = self.codes if self.codes is not None else IndicatorCodes({str(value or "").strip()})
        return codes.find(value, (row or {}).get(AREA_COLUMN))

    def render(self, value, obj=None, **kwargs):
        return value.code if value else ""


class ObservationLoader(BaseInstanceLoader):
    """Preloads the file's existing values, keyed by (indicator id, fiscal year, kind)."""

    def __init__(self, resource, dataset=None):
        super().__init__(resource, dataset)
        self.codes = resource.codes if resource.codes is not None else IndicatorCodes(_row_codes(dataset))
        resource.fields["indicator"].widget.codes = self.codes
        by_id = {indicator.pk: indicator for indicator in self.codes.indicators}
        self.existing = {}
        for observation in Observation.objects.filter(indicator__in=list(by_id)):
            # one Indicator object per indicator, shared, not one joined copy per value (memory, at 20,000 rows)
            observation.indicator = by_id[observation.indicator_id]
            self.existing[(observation.indicator_id, observation.fiscal_year, observation.kind)] = observation
            if hasattr(resource, "stored"):  # the row as stored, before the file changes it (written imports)
                resource.stored[observation.pk] = copy.copy(observation)
        resource.existing_baselines = {
            indicator_id: year for (indicator_id, year, kind) in self.existing if kind == Observation.Kind.BASELINE
        }

    def get_instance(self, row):
        try:
            key = (
                self.codes.find(row["indicator_id"], row.get(AREA_COLUMN)).pk,
                YearWidget().clean(row["fiscal_year"]),
                KindWidget().clean(row["kind"]),
            )
        except (KeyError, ValueError):
            return None  # the row is reported invalid when its fields are read
        return self.existing.get(key)


def file_versions(dataset, codes=None):
    """{"area/code/year/kind": version} for every value a file names (0 for one not stored yet), rows locked."""
    codes = codes if codes is not None else IndicatorCodes(_row_codes(dataset))
    keys = set()
    if dataset.headers and {"indicator_id", "fiscal_year", "kind"} <= set(dataset.headers):
        for row in dataset.dict:
            try:
                keys.add(
                    (
                        codes.find(row["indicator_id"], row.get(AREA_COLUMN)),
                        YearWidget().clean(row["fiscal_year"]),
                        KindWidget().clean(row["kind"]),
                    )
                )
            except ValueError:
                continue  # reported as a row error when the row is read
    stored = {
        (indicator_id, year, kind): version
        for indicator_id, year, kind, version in Observation.objects.select_for_update()
        .filter(indicator__in={key[0].pk for key in keys})
        .values_list("indicator_id", "fiscal_year", "kind", "lock_version")
    }
    return {
        f"{indicator.area.slug}/{indicator.code}/{year}/{kind}": stored.get((indicator.pk, year, kind), 0)
        for indicator, year, kind in keys
    }


class ObservationResource(
    ReadablePreviewMixin, StopOnConflictMixin, KeepOnBlankMixin, ScopedResourceMixin, resources.ModelResource
):
    """Series values in the long layout: one row per indicator, fiscal year and kind.

    On update an empty cell leaves the stored field alone; CLEAR_MARKER in a cell empties it."""

    indicator = fields.Field(attribute="indicator", column_name="indicator_id", widget=CachedIndicatorWidget())
    # Exported so that a file says which area's indicator each code is; on import it is read by the lookups.
    area = fields.Field(attribute="indicator__area__slug", column_name=AREA_COLUMN, readonly=True)
    fiscal_year = fields.Field(attribute="fiscal_year", column_name="fiscal_year", widget=YearWidget())
    kind = fields.Field(attribute="kind", column_name="kind", widget=KindWidget())
    value = fields.Field(attribute="value", column_name="value", widget=JapaneseNumberWidget())
    comparator = fields.Field(attribute="comparator", column_name="comparator", widget=ComparatorWidget())
    measured_year = fields.Field(attribute="measured_year", column_name="measured_year", widget=YearWidget(False))
    provisional = fields.Field(attribute="is_provisional", column_name="provisional", widget=TrueFalseWidget())
    missing_reason = fields.Field(attribute="missing_reason", column_name="missing_reason", widget=SafeTextWidget())
    printed = fields.Field(attribute="printed", column_name="printed", widget=SafeTextWidget())
    note = fields.Field(attribute="note", column_name="note", widget=SafeTextWidget())

    class Meta:
        model = Observation
        fields = (
            "indicator",
            "area",
            "fiscal_year",
            "kind",
            "value",
            "comparator",
            "measured_year",
            "provisional",
            "missing_reason",
            "printed",
            "note",
        )
        export_order = (
            "indicator",
            "area",
            "fiscal_year",
            "kind",
            "value",
            "comparator",
            "measured_year",
            "provisional",
            "missing_reason",
            "printed",
            "note",
        )
        import_id_fields = ("indicator", "fiscal_year", "kind")
        instance_loader_class = ObservationLoader
        clean_model_instances = True
        skip_unchanged = True
        report_skipped = True
        use_transactions = True

    def __init__(self, user=None, expected_versions=None, areas=None, **kwargs):
        super().__init__(user=user, **kwargs)
        self.expected_versions = expected_versions
        self.areas = areas  # the areas the file may mean (None: every area)
        self.codes = None
        self.read_versions = {}
        self.existing_baselines = {}
        self._seen = {}
        self._saved = []
        self._editable = None  # the ids of the file's indicators this user may edit, once asked

    def _not_imported(self):
        if "_not_imported_fields" not in self.__dict__:
            imported = {field.attribute for field in self.get_import_fields()}
            self._not_imported_fields = [f.name for f in Observation._meta.concrete_fields if f.name not in imported]
        return self._not_imported_fields

    def _may_edit(self, indicator):
        """roles.can_edit_indicator, asked of all the file's indicators at once rather than once per row."""
        if self._editable is None:
            self._editable = set()
            ids = [found.pk for found in self.codes.indicators] if self.codes is not None else [indicator.pk]
            for start in range(0, len(ids), 5000):
                chunk = Indicator.objects.filter(pk__in=ids[start : start + 5000])
                self._editable |= set(roles.editable_indicators(self.user, chunk).values_list("pk", flat=True))
        return indicator.pk in self._editable

    def preview_value(self, field, instance):
        if field.attribute == "indicator":
            indicator = field.get_value(instance) if instance.indicator_id else None
            return f"{indicator.code} {indicator.name}" if indicator else ""
        return super().preview_value(field, instance)

    def get_export_queryset(self, request=None):
        return Observation.objects.select_related("indicator__area").order_by(
            "indicator__area__slug", "indicator__code", "fiscal_year", "kind"
        )

    def before_import(self, dataset, **kwargs):
        """Read (and lock) the version of every value the file names; at confirmation, refuse if any changed.

        The dry run records the versions it was checked against; the confirmation passes them back as
        `expected_versions`, so a value changed by someone else in between is never overwritten unseen.
        """
        super().before_import(dataset, **kwargs)
        self.codes = IndicatorCodes(_row_codes(dataset), self.areas)
        self.read_versions = file_versions(dataset, self.codes)
        if self.expected_versions is None:
            return
        changed = sorted(
            key
            for key in set(self.read_versions) | set(self.expected_versions)
            if self.read_versions.get(key, 0) != self.expected_versions.get(key, 0)
        )
        if changed:
            raise ValidationError(
                _(
                    "確認の後に、このファイルの %(count)d 件の値が別の職員によって変更されました（%(keys)s）。"
                    "何も取り込んでいません。もう一度ファイルを選んで、変更を確認してください。"
                )
                % {"count": len(changed), "keys": "、".join(changed[:5]) + ("…" if len(changed) > 5 else "")}
            )

    def import_field(self, field, instance, row, is_m2m=False, **kwargs):
        cell = row.get(field.column_name)
        if field.attribute == "value" and instance.pk is not None and instance.value is not None:
            if not is_blank(cell) and is_no_value(cell):
                raise ValueError(
                    _("「%(cell)s」では値は消えません。値を消すときはセルに %(marker)s と入力してください。")
                    % {"cell": cell, "marker": CLEAR_MARKER}
                )
        return super().import_field(field, instance, row, is_m2m, **kwargs)

    def import_instance(self, instance, row, **kwargs):
        errors = {}
        try:
            super().import_instance(instance, row, **kwargs)
        except ValidationError as error:
            errors = error.update_error_dict(errors)
        if instance.indicator_id and instance.fiscal_year and instance.kind and "indicator" not in errors:
            key = (instance.indicator_id, instance.fiscal_year, instance.kind)
            row_number = kwargs.get("row_number")
            if key in self._seen and self._seen[key] != row_number:
                errors["indicator"] = _("同じ指標・年度・種別の行が %(row)s 件目のデータ行にもあります。") % {
                    "row": self._seen[key]
                }
            self._seen.setdefault(key, row_number)
            if instance.kind == Observation.Kind.BASELINE:
                year = self.existing_baselines.setdefault(instance.indicator_id, instance.fiscal_year)
                if year != instance.fiscal_year:
                    errors["fiscal_year"] = _("この指標の基準値は既に %(year)s 年度にあります（基準値は1つです）。") % {
                        "year": year
                    }
        if errors:
            raise ValidationError(errors)

    def validate_instance(self, instance, import_validation_errors=None, validate_unique=True):
        errors = dict(import_validation_errors or {})
        for name, message in self.scope_errors(instance).items():
            errors.setdefault(name, message)
        if self.user is not None and instance.indicator_id and not self._may_edit(instance.indicator):
            errors.setdefault(
                "indicator",
                _("指標 %(code)s を変更する権限がありません（担当の所管課の指標だけを取り込めます）。")
                % {"code": instance.indicator.code},
            )
        # Uniqueness is checked against the preloaded rows and the file itself (import_instance); the
        # constraints' rules are repeated in Observation.clean(), so no per-row constraint queries here.
        if self._meta.clean_model_instances:
            unreadable_value = "value" in errors
            try:
                # the indicator came from the preloaded dict, so its existence needs no query per row; the fields a
                # file cannot set (publication state, timestamps) are as stored or their defaults, not checked again
                exclude = [*errors, "indicator", *self._not_imported()]
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
        if errors:
            raise ValidationError(errors)

    def skip_row(self, instance, original, row, import_validation_errors=None):
        if import_validation_errors:
            return False
        return super().skip_row(instance, original, row, import_validation_errors)

    def after_import_row(self, row, row_result, **kwargs):
        super().after_import_row(row, row_result, **kwargs)
        # The diff is already made; the deep copy of the row as it was (with its indicator and plan) is not
        # needed after it and would be kept for every updated row of the file.
        row_result.original = None

    def do_instance_save(self, instance, is_create):
        # The same write path as every screen (a new or changed value waits for publication). History is written
        # for the whole file at the end (after_import) with simple-history's bulk helper: one INSERT per batch
        # instead of one per row, and the same records (who, when, old and new value).
        from .services import save_observation

        try:
            save_observation(instance, user=self.user, history=False, clean=False)
        except PermissionDenied as error:
            raise ValidationError(str(error)) from error
        self._saved.append((instance, is_create))

    def after_import(self, dataset, result, **kwargs):
        super().after_import(dataset, result, **kwargs)
        if kwargs.get("dry_run") or not self._saved:
            return
        history = Observation.history
        user = self.user if self.user is not None and self.user.is_authenticated else None
        for is_create in (True, False):
            instances = [instance for instance, created in self._saved if created is is_create]
            if instances:
                history.bulk_history_create(
                    instances,
                    update=not is_create,
                    default_user=user,
                    default_change_reason="一括取込み",
                    batch_size=500,
                )


# Rows per INSERT or UPDATE statement of a written import (and per progress report while writing).
WRITE_BATCH = 1000


class ObservationWriteResource(ObservationResource):
    """The same import, for writing: every row is read and validated first exactly as in the dry run (the same
    errors by row and column), and only a file without a bad row is written, in batches (bulk_create and
    bulk_update, history with simple-history's bulk helper) instead of one save per row. No diff is kept.

    The batches go around Django's save signals: the data version is bumped here, history is written here, and
    `services.observations_written_in_bulk` is called with the rows, for anything else that follows their writes.
    """

    class Meta(ObservationResource.Meta):
        skip_diff = True

    class RowResult(RowResult):
        """A row's result without the row's str() (its kind's label, translated once per row for nobody)."""

        def add_instance_info(self, instance):
            self.object_id = getattr(instance, "pk", None)

    def get_row_result_class(self):
        return self.RowResult

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.stored = {}  # pk → the stored row as it was before this file (the loader's copy)

    def skip_row(self, instance, original, row, import_validation_errors=None):
        """Unchanged as save_observation judges it: the same figures and identity as the stored row."""
        if import_validation_errors or instance.pk is None:
            return False
        from .services import is_unchanged

        return is_unchanged(instance, self.stored[instance.pk])

    def do_instance_save(self, instance, is_create):
        self._saved.append((instance, is_create))  # written in after_import, once every row has passed

    def after_import(self, dataset, result, **kwargs):
        if result.has_errors() or result.has_validation_errors() or not self._saved:
            self._saved = []
            return
        from .services import write_observations_in_bulk

        write_observations_in_bulk(self._saved, self.stored, user=self.user, batch_size=WRITE_BATCH)


def find_plan(slug, area="", areas=None):
    """The plan with this slug, in the area named by `area` (slug or name) when given, among `areas` (None: all).

    A ValueError says why there is none: an unknown slug, or a slug of several areas and no area named.
    """
    slug, area = str(slug or "").strip(), str(area or "").strip()
    plans = Plan.objects.filter(slug=slug).select_related("area") if slug else Plan.objects.none()
    if areas is not None:
        plans = plans.filter(area__in=areas)
    if area:
        plans = plans.filter(Q(area__slug=area) | Q(area__name=area))
    found = list(plans.order_by("area__slug")[:10])
    if not found:
        if area:
            raise ValueError(
                _("圏域 %(area)s に計画 %(slug)s は登録されていません（計画の識別名で入力）。")
                % {"area": area, "slug": slug}
            )
        raise ValueError(_("計画 %(slug)s は登録されていません（計画の識別名で入力）。") % {"slug": slug})
    if len(found) > 1:
        raise ValueError(
            _("計画 %(slug)s は複数の圏域（%(areas)s）にあります。%(column)s 列に圏域の識別名を入力してください。")
            % {"slug": slug, "areas": "、".join(plan.area.slug for plan in found), "column": AREA_COLUMN}
        )
    return found[0]


class PlanWidget(widgets.ForeignKeyWidget):
    """A plan by its slug (plan_id in the open data) within the row's area, with a Japanese message for one that
    does not exist or is ambiguous."""

    def __init__(self):
        super().__init__(Plan, field="slug")
        self.areas = None

    def clean(self, value, row=None, **kwargs):
        return find_plan(value, (row or {}).get(AREA_COLUMN), self.areas)


class IndicatorLoader(BaseInstanceLoader):
    """An indicator by its code within its plan's area (the row's plan, or the row's area when it names no plan)."""

    def get_instance(self, row):
        code = str(row.get("code") or "").strip()
        if not code:
            return None
        candidates = Indicator.objects.filter(code=code).select_related("plan", "area", "department")
        if self.resource.areas is not None:
            candidates = candidates.filter(area__in=self.resource.areas)
        if not is_blank(row.get("plan")):
            try:
                plan = find_plan(row.get("plan"), row.get(AREA_COLUMN), self.resource.areas)
            except ValueError:
                return None  # reported on the plan column when the row is read
            return candidates.filter(area_id=plan.area_id).first()
        area = str(row.get(AREA_COLUMN) or "").strip()
        if area:
            candidates = candidates.filter(Q(area__slug=area) | Q(area__name=area))
        found = list(candidates[:2])
        if len(found) > 1:
            raise ValidationError(
                {
                    "code": _(
                        "指標コード %(code)s は複数の圏域にあります。"
                        "plan 列か %(column)s 列で圏域が分かるようにしてください。"
                    )
                    % {"code": code, "column": AREA_COLUMN}
                }
            )
        return found[0] if found else None


class WholeNumberWidget(widgets.Widget):
    """A whole number as staff type it (８, 8, 8.0); an empty cell is no value."""

    def clean(self, value, row=None, **kwargs):
        if is_blank(value):
            return None
        try:
            return int(parse_number(value, 0))
        except NumberError as error:
            raise ValueError(_("整数で入力してください: %(value)s") % {"value": value}) from error

    def render(self, value, obj=None, **kwargs):
        return "" if value is None else str(value)


class DepartmentWidget(widgets.Widget):
    """A department as '431001:政策企画課' (municipality code and name)."""

    def clean(self, value, row=None, **kwargs):
        text = str(value or "").strip()
        if not text:
            return None
        lg_code, _sep, name = text.partition(":")
        department = Department.objects.filter(municipality__lg_code=lg_code, name=name).first()
        if department is None:
            raise ValueError(
                _("所管課 %(value)s は登録されていません（市町村コード:名称 の形で入力）。") % {"value": text}
            )
        return department

    def render(self, value, obj=None, **kwargs):
        return f"{value.municipality.lg_code}:{value.name}" if value else ""


class IndicatorResource(
    ReadablePreviewMixin, StopOnConflictMixin, KeepOnBlankMixin, ScopedResourceMixin, resources.ModelResource
):
    """Indicators by code, with their plan by slug and department by municipality code and name.

    As for series values, an empty cell leaves a stored field alone and CLEAR_MARKER empties it."""

    area = fields.Field(attribute="area__slug", column_name=AREA_COLUMN, readonly=True)
    plan = fields.Field(attribute="plan", column_name="plan", widget=PlanWidget())
    decimals = fields.Field(attribute="decimals", column_name="decimals", widget=WholeNumberWidget())
    is_cumulative = fields.Field(attribute="is_cumulative", column_name="is_cumulative", widget=TrueFalseWidget())
    actual_due_month = fields.Field(
        attribute="actual_due_month", column_name="actual_due_month", widget=WholeNumberWidget()
    )
    actual_due_day = fields.Field(attribute="actual_due_day", column_name="actual_due_day", widget=WholeNumberWidget())
    department = fields.Field(attribute="department", column_name="department", widget=DepartmentWidget())
    name = fields.Field(attribute="name", column_name="name", widget=SafeTextWidget())
    notes = fields.Field(attribute="notes", column_name="notes", widget=SafeTextWidget())
    source = fields.Field(attribute="source", column_name="source", widget=SafeTextWidget())

    class Meta:
        model = Indicator
        fields = (
            "code",
            "area",
            "plan",
            "name",
            "unit",
            "decimals",
            "direction",
            "is_cumulative",
            "cumulative_since",
            "source",
            "notes",
            "department",
            "actual_due_month",
            "actual_due_day",
        )
        export_order = fields
        import_id_fields = ("code",)
        instance_loader_class = IndicatorLoader
        clean_model_instances = True
        skip_unchanged = True
        report_skipped = True
        use_transactions = True

    def __init__(self, *args, areas=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.areas = areas  # the areas the file may mean (None: every area)
        self.fields["plan"].widget.areas = areas

    def get_export_queryset(self, request=None):
        return Indicator.objects.select_related("area", "plan", "department__municipality").order_by(
            "area__slug", "code"
        )

    def validate_instance(self, instance, import_validation_errors=None, validate_unique=True):
        errors = dict(import_validation_errors or {})
        for name, message in self.scope_errors(instance).items():
            errors.setdefault(name, message)
        super().validate_instance(instance, errors, validate_unique)
