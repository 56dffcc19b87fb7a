"""Import and export of indicators and series values with django-import-export.

Rows are found by natural keys (indicator code; indicator, fiscal year and kind), never by database id. Codes
are unique per area: a code is looked up among the areas the import may mean, within the row's area when the
optional `area` column names one (slug or name), and a code found in several areas with no area in the row is a
row error, never a guess.
Imports validate like forms (clean_model_instances) and the caller runs them with
rollback_on_validation_errors, so a file with one bad row writes nothing. Series values are checked and written by
kpi.series_import, with the fields and widgets of ObservationResource and the file's indicators looked up once.
"""

from collections import defaultdict

from django.core.exceptions import ValidationError
from django.db.models import Q
from django.utils.translation import gettext as _
from import_export import fields, resources, widgets
from import_export.instance_loaders import BaseInstanceLoader

from vision.models import Department, MetroArea, Plan
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
    """The indicators a file names, loaded in one query: by code, among `areas` (every area when None).

    Only what an import reads of them (code, name, area, plan), with one shared object per area and per plan rather
    than a joined copy per indicator: a 100,000-row file names 25,000 indicators."""

    def __init__(self, codes, areas=None):
        indicators = Indicator.objects.filter(code__in=codes).only("id", "code", "name", "area", "plan")
        if areas is not None:
            indicators = indicators.filter(area__in=areas)
        indicators = list(indicators)
        area_ids = {indicator.area_id for indicator in indicators}
        found_areas = MetroArea.objects.in_bulk(area_ids) if area_ids else {}
        plan_ids = {indicator.plan_id for indicator in indicators}
        plans = Plan.objects.in_bulk(plan_ids) if plan_ids else {}
        self.by_code = defaultdict(list)
        for indicator in indicators:
            indicator.area, indicator.plan = found_areas[indicator.area_id], plans[indicator.plan_id]
        for indicator in sorted(indicators, key=lambda indicator: indicator.area.slug):
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


class ObservationResource(ReadablePreviewMixin, KeepOnBlankMixin, ScopedResourceMixin, resources.ModelResource):
    """Series values in the long layout: one row per indicator, fiscal year and kind: the columns of the export, and
    the fields and widgets that read each cell of an import (kpi.series_import checks and writes the rows).

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
        clean_model_instances = True
        skip_unchanged = True
        report_skipped = True
        use_transactions = True

    def __init__(self, user=None, areas=None, **kwargs):
        super().__init__(user=user, **kwargs)
        self.areas = areas  # the areas the file may mean (None: every area)

    def import_data(self, *args, **kwargs):
        # The rules of a series-value import (duplicates, the one baseline, permissions, versions) are applied by
        # kpi.series_import, which reads the cells with this resource's fields; django-import-export's own loop
        # over the rows would skip them.
        raise NotImplementedError("series values are imported by kpi.services.import_observations")

    def preview_value(self, field, instance):
        if field.attribute == "indicator":
            indicator = field.get_value(instance) if instance.indicator_id else None
            return f"{indicator.code} {indicator.name}" if indicator else ""
        return super().preview_value(field, instance)

    def get_export_queryset(self, request=None):
        return Observation.objects.select_related("indicator__area").order_by(
            "indicator__area__slug", "indicator__code", "fiscal_year", "kind"
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
