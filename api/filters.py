"""The query filters of the API's lists (django-filter), each described in Japanese and English."""

import django_filters
from django.db.models import Q

from agreements.models import Agreement
from kpi.models import Indicator, Observation, PublicFigureIterable
from vision.models import Goal, Municipality, Plan


def _doc(ja, en):
    return f"{ja} / {en}"


AREA = _doc("圏域の識別名（例: kumamoto）", "Area slug (e.g. kumamoto)")
PLAN = _doc("計画の識別名（例: kumamoto-strategy-2）", "Plan slug (e.g. kumamoto-strategy-2)")


def _as_shown(queryset, field, value):
    """Filter on a figure as the reader sees it: where a correction waits for publication and the reader does not
    read that indicator's drafts, the published copy (`published_<field>`) is what is shown, so what is filtered."""
    if queryset._iterable_class is not PublicFigureIterable:
        return queryset.filter(**{field: value})
    shows_draft = Q(pending_correction=False)
    if queryset._drafts_of:
        shows_draft |= Q(indicator__in=queryset._drafts_of)
    return queryset.filter((shows_draft & Q(**{field: value})) | (~shows_draft & Q(**{f"published_{field}": value})))


class SeriesValueFilter(django_filters.FilterSet):
    area = django_filters.CharFilter(field_name="indicator__area__slug", help_text=AREA)
    plan = django_filters.CharFilter(field_name="indicator__plan__slug", help_text=PLAN)
    indicator = django_filters.CharFilter(
        field_name="indicator__code", help_text=_doc("指標コード（例: S2-G1-N1）", "Indicator code (e.g. S2-G1-N1)")
    )
    fiscal_year = django_filters.NumberFilter(
        field_name="fiscal_year", help_text=_doc("値が掲載されている年度（西暦）", "Fiscal year of the column")
    )
    kind = django_filters.ChoiceFilter(
        choices=Observation.Kind.choices,
        help_text=_doc("種別: baseline / target / actual", "Kind: baseline / target / actual"),
    )
    measured_year = django_filters.NumberFilter(
        method="filter_shown",
        help_text=_doc("値が示す年（西暦。掲載年度と異なる値のみ）", "Year the value measures (only where it differs)"),
    )
    provisional = django_filters.BooleanFilter(
        field_name="is_provisional",
        method="filter_shown",
        help_text=_doc("概算値なら true", "true for provisional figures"),
    )

    class Meta:
        model = Observation
        fields = ("area", "plan", "indicator", "fiscal_year", "kind", "measured_year", "provisional")

    def filter_shown(self, queryset, name, value):
        if value is None:
            return queryset
        return _as_shown(queryset, name, value)


class IndicatorFilter(django_filters.FilterSet):
    area = django_filters.CharFilter(field_name="area__slug", help_text=AREA)
    plan = django_filters.CharFilter(field_name="plan__slug", help_text=PLAN)
    code = django_filters.CharFilter(help_text=_doc("指標コード", "Indicator code"))

    class Meta:
        model = Indicator
        fields = ("area", "plan", "code")


class MunicipalityFilter(django_filters.FilterSet):
    area = django_filters.CharFilter(
        field_name="memberships__area__slug", distinct=True, help_text=_doc("所属する圏域", "Area it belongs to")
    )
    lg_code = django_filters.CharFilter(help_text=_doc("地方公共団体コード", "Local government code"))

    class Meta:
        model = Municipality
        fields = ("area", "lg_code")


class AgreementFilter(django_filters.FilterSet):
    area = django_filters.CharFilter(field_name="area__slug", help_text=AREA)
    partner = django_filters.CharFilter(
        field_name="partner__lg_code", help_text=_doc("連携市町村のコード", "Partner's local government code")
    )
    status = django_filters.ChoiceFilter(choices=Agreement.Status.choices, help_text=_doc("状態", "Status"))

    class Meta:
        model = Agreement
        fields = ("area", "partner", "status")


class PlanFilter(django_filters.FilterSet):
    area = django_filters.CharFilter(field_name="area__slug", help_text=AREA)

    class Meta:
        model = Plan
        fields = ("area",)


class GoalFilter(django_filters.FilterSet):
    area = django_filters.CharFilter(field_name="plan__area__slug", help_text=AREA)
    plan = django_filters.CharFilter(field_name="plan__slug", help_text=PLAN)

    class Meta:
        model = Goal
        fields = ("area", "plan")
