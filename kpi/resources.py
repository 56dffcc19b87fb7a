"""Import and export of indicators and series values with django-import-export.

Rows are found by natural keys (indicator code; indicator, fiscal year and kind), never by database id.
Imports validate like forms (clean_model_instances) and the caller runs them with
rollback_on_validation_errors, so a file with one bad row writes nothing. Instances are preloaded once per file
(one query for the indicators, one for their values) instead of one lookup per row.
"""

from django.core.exceptions import PermissionDenied, ValidationError
from django.utils.translation import gettext as _
from import_export import fields, resources, widgets
from import_export.instance_loaders import BaseInstanceLoader

from vision import roles
from vision.models import Department, Plan
from vision.scoped import ScopedResourceMixin
from vision.tabular import CLEAR_MARKER, KeepOnBlankMixin, SafeTextWidget, StopOnConflictMixin, is_blank

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


class CachedIndicatorWidget(widgets.ForeignKeyWidget):
    """An indicator by its code, looked up in the instance loader's preloaded dict (no query per row)."""

    def __init__(self):
        super().__init__(Indicator, field="code")
        self.cache = None

    def clean(self, value, row=None, **kwargs):
        code = str(value or "").strip()
        if not code:
            raise ValueError(_("指標コードを入力してください。"))
        indicator = self.cache.get(code) if self.cache is not None else Indicator.objects.filter(code=code).first()
        if indicator is None:
            raise ValueError(_("指標コード %(code)s は登録されていません。") % {"code": code})
        return indicator


class ObservationLoader(BaseInstanceLoader):
    """Preloads the file's indicators and their existing values, keyed by (code, fiscal year, kind)."""

    def __init__(self, resource, dataset=None):
        super().__init__(resource, dataset)
        codes = {str(code).strip() for code in dataset["indicator_id"]} if dataset and dataset.headers else set()
        indicators = Indicator.objects.filter(code__in=codes).select_related("plan", "department")
        resource.fields["indicator"].widget.cache = {indicator.code: indicator for indicator in indicators}
        by_id = {indicator.pk: indicator for indicator in indicators}
        self.existing = {}
        for observation in Observation.objects.filter(indicator__in=list(by_id)):
            # one Indicator object per indicator, shared, not one joined copy per value (memory, at 20,000 rows)
            observation.indicator = by_id[observation.indicator_id]
            self.existing[(observation.indicator.code, observation.fiscal_year, observation.kind)] = observation
        resource.existing_baselines = {
            code: year for (code, year, kind) in self.existing if kind == Observation.Kind.BASELINE
        }

    def get_instance(self, row):
        try:
            key = (
                str(row["indicator_id"]).strip(),
                YearWidget().clean(row["fiscal_year"]),
                KindWidget().clean(row["kind"]),
            )
        except (KeyError, ValueError):
            return None  # the row is reported invalid when its fields are read
        return self.existing.get(key)


def file_versions(dataset):
    """{"code/year/kind": version} for every value a file names (0 for one not stored yet), rows locked."""
    keys = set()
    if dataset.headers and {"indicator_id", "fiscal_year", "kind"} <= set(dataset.headers):
        for row in dataset.dict:
            try:
                keys.add(
                    (
                        str(row["indicator_id"]).strip(),
                        YearWidget().clean(row["fiscal_year"]),
                        KindWidget().clean(row["kind"]),
                    )
                )
            except ValueError:
                continue  # reported as a row error when the row is read
    stored = {
        (code, year, kind): version
        for code, year, kind, version in Observation.objects.select_for_update()
        .filter(indicator__code__in={key[0] for key in keys})
        .values_list("indicator__code", "fiscal_year", "kind", "lock_version")
    }
    return {f"{code}/{year}/{kind}": stored.get((code, year, kind), 0) for code, year, kind in keys}


class ObservationResource(StopOnConflictMixin, KeepOnBlankMixin, ScopedResourceMixin, resources.ModelResource):
    """Series values in the long layout: one row per indicator, fiscal year and kind.

    On update an empty cell leaves the stored field alone; CLEAR_MARKER in a cell empties it."""

    indicator = fields.Field(attribute="indicator", column_name="indicator_id", widget=CachedIndicatorWidget())
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

    def __init__(self, user=None, expected_versions=None, **kwargs):
        super().__init__(user=user, **kwargs)
        self.expected_versions = expected_versions
        self.read_versions = {}
        self.existing_baselines = {}
        self._seen = {}
        self._saved = []

    def get_export_queryset(self, request=None):
        return Observation.objects.select_related("indicator").order_by("indicator__code", "fiscal_year", "kind")

    def before_import(self, dataset, **kwargs):
        """Read (and lock) the version of every value the file names; at confirmation, refuse if any changed.

        The dry run records the versions it was checked against; the confirmation passes them back as
        `expected_versions`, so a value changed by someone else in between is never overwritten unseen.
        """
        super().before_import(dataset, **kwargs)
        self.read_versions = file_versions(dataset)
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
            key = (instance.indicator.code, instance.fiscal_year, instance.kind)
            row_number = kwargs.get("row_number")
            if key in self._seen and self._seen[key] != row_number:
                errors["indicator"] = _("同じ指標・年度・種別の行が %(row)s 件目のデータ行にもあります。") % {
                    "row": self._seen[key]
                }
            self._seen.setdefault(key, row_number)
            if instance.kind == Observation.Kind.BASELINE:
                year = self.existing_baselines.setdefault(instance.indicator.code, instance.fiscal_year)
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
        if (
            self.user is not None
            and instance.indicator_id
            and not roles.can_edit_indicator(self.user, instance.indicator)
        ):
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
                # the indicator came from the preloaded dict, so its existence needs no query per row
                exclude = [*errors, "indicator"]
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


class ObservationWriteResource(ObservationResource):
    """The same import, for writing: no HTML diff per row (nobody reads it), the rest unchanged."""

    class Meta(ObservationResource.Meta):
        skip_html_diff = True


class PlanWidget(widgets.ForeignKeyWidget):
    """A plan by its slug (plan_id in the open data), with a Japanese message for one that does not exist."""

    def __init__(self):
        super().__init__(Plan, field="slug")

    def clean(self, value, row=None, **kwargs):
        slug = str(value or "").strip()
        plan = Plan.objects.filter(slug=slug).first() if slug else None
        if plan is None:
            raise ValueError(_("計画 %(slug)s は登録されていません（計画の識別名で入力）。") % {"slug": slug})
        return plan


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


class IndicatorResource(StopOnConflictMixin, KeepOnBlankMixin, ScopedResourceMixin, resources.ModelResource):
    """Indicators by code, with their plan by slug and department by municipality code and name.

    As for series values, an empty cell leaves a stored field alone and CLEAR_MARKER empties it."""

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
        clean_model_instances = True
        skip_unchanged = True
        report_skipped = True
        use_transactions = True

    def get_export_queryset(self, request=None):
        return Indicator.objects.select_related("plan", "department__municipality").order_by("code")

    def validate_instance(self, instance, import_validation_errors=None, validate_unique=True):
        errors = dict(import_validation_errors or {})
        for name, message in self.scope_errors(instance).items():
            errors.setdefault(name, message)
        super().validate_instance(instance, errors, validate_unique)
