"""The read-only endpoints of /api/v1/.

Every queryset that can hold something unpublished is read through vision.roles (`readable_observations`,
`readable_agreements`, and `Indicator.objects.with_series(drafts_for=…)` for judgements), so the API shows a user
exactly what the pages show them. Anonymous answers carry an ETag from the public data version (a matching
If-None-Match gets 304 without touching the data) and are kept in the server-side cache under that version;
signed-in answers are never cached, anywhere.
"""

import hashlib

from django.core.cache import cache
from django.db.models import Prefetch
from django.utils import translation
from django.utils.cache import patch_cache_control
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_view
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView
from rest_framework import serializers as drf_serializers
from rest_framework import viewsets
from rest_framework.exceptions import ValidationError
from rest_framework.response import Response

from agreements.models import Agreement, PolicyArea, RoleAssignment
from kpi import selectors
from kpi.models import Indicator, IndicatorPlacement, Observation
from vision import dataversion, release, roles
from vision.middleware import etag_matches
from vision.models import AreaMembership, Goal, MetroArea, Municipality, Plan

from . import filters, serializers

# Changes whenever the shape of an answer changes, so that an ETag from older code is not taken for current.
API_REVISION = "1"
# How long browsers and shared caches may keep an anonymous answer without asking again (ETag revalidates after).
PUBLIC_MAX_AGE = 60
# How long the server keeps an anonymous answer for one data version.
SERVER_CACHE_SECONDS = 300


class PortalReadMixin:
    """Japanese as the one language of every answer, ETag and server cache for anonymous callers."""

    def dispatch(self, request, *args, **kwargs):
        # The language is never a hidden input: Accept-Language changes nothing (bilingual fields say both).
        with translation.override("ja"):
            return super().dispatch(request, *args, **kwargs)

    def list(self, request, *args, **kwargs):
        return self._answer(request, super().list, *args, **kwargs)

    def retrieve(self, request, *args, **kwargs):
        return self._answer(request, super().retrieve, *args, **kwargs)

    def _answer(self, request, handler, *args, **kwargs):
        if roles.is_signed_in(request.user):
            response = handler(request, *args, **kwargs)
            patch_cache_control(response, private=True, no_store=True)
            return response
        version = dataversion.current()
        # The release too (vision.release): answers and ETags of older code are not taken for current.
        etag = f'"api{API_REVISION}-{release.current()}-{version}"'
        headers = {"ETag": etag}
        if etag_matches(request.headers.get("If-None-Match", ""), etag):
            response = Response(status=304, headers=headers)
        else:
            url = request.build_absolute_uri()
            key = f"api:{API_REVISION}:{release.current()}:{version}:{hashlib.sha256(url.encode()).hexdigest()}"
            data = cache.get(key)
            if data is None:
                response = handler(request, *args, **kwargs)
                if response.status_code != 200:
                    return response
                cache.set(key, response.data, SERVER_CACHE_SECONDS)
                response["ETag"] = etag
            else:
                response = Response(data, headers=headers)
        patch_cache_control(response, public=True, max_age=PUBLIC_MAX_AGE)
        return response


class ReadOnlyViewSet(PortalReadMixin, viewsets.ReadOnlyModelViewSet):
    pass


@extend_schema_view(
    list=extend_schema(summary="連携中枢都市圏の一覧 / Metro areas"),
    retrieve=extend_schema(summary="連携中枢都市圏 / A metro area"),
)
class AreaViewSet(ReadOnlyViewSet):
    queryset = MetroArea.objects.all()
    serializer_class = serializers.AreaSerializer


@extend_schema_view(
    list=extend_schema(summary="市町村の一覧（圏域の構成つき） / Municipalities with their area memberships"),
    retrieve=extend_schema(summary="市町村 / A municipality"),
)
class MunicipalityViewSet(ReadOnlyViewSet):
    queryset = Municipality.objects.prefetch_related(
        Prefetch("memberships", queryset=AreaMembership.objects.select_related("area").order_by("area__slug"))
    )
    serializer_class = serializers.MunicipalitySerializer
    filterset_class = filters.MunicipalityFilter


@extend_schema_view(
    list=extend_schema(summary="政策分野（柱・グループ） / The policy-area taxonomy"),
    retrieve=extend_schema(summary="政策分野 / A policy area"),
)
class PolicyAreaViewSet(ReadOnlyViewSet):
    queryset = PolicyArea.objects.select_related("pillar", "group")
    serializer_class = serializers.PolicyAreaSerializer


@extend_schema_view(
    list=extend_schema(
        summary="連携協約（各版・条文・役割分担） / Agreements with their versions, articles and role rows"
    ),
    retrieve=extend_schema(summary="連携協約の1つの版 / One version of an agreement"),
)
class AgreementViewSet(ReadOnlyViewSet):
    serializer_class = serializers.AgreementSerializer
    filterset_class = filters.AgreementFilter

    def get_queryset(self):
        agreements = Agreement.objects.select_related("area", "central_city", "partner").prefetch_related(
            "articles",
            Prefetch("roles", queryset=RoleAssignment.objects.select_related("policy_area").order_by("order", "pk")),
        )
        return roles.readable_agreements(self.request.user, agreements)


@extend_schema_view(
    list=extend_schema(summary="計画の一覧 / Plans"),
    retrieve=extend_schema(summary="計画 / A plan"),
)
class PlanViewSet(ReadOnlyViewSet):
    queryset = Plan.objects.select_related("area")
    serializer_class = serializers.PlanSerializer
    filterset_class = filters.PlanFilter


@extend_schema_view(
    list=extend_schema(summary="目標（計画の目標の木。parent で親をたどります） / Goals of the plans' goal trees"),
    retrieve=extend_schema(summary="目標 / A goal"),
)
class GoalViewSet(ReadOnlyViewSet):
    queryset = Goal.objects.select_related("plan")
    serializer_class = serializers.GoalSerializer
    filterset_class = filters.GoalFilter

    def get_serializer(self, *args, **kwargs):
        # The depth of each goal needs its ancestors: every goal's parent in the plans on this page, one query.
        goals = args[0] if args else None
        if goals is not None:
            goals = list(goals) if not isinstance(goals, Goal) else [goals]
            plans = {goal.plan_id for goal in goals}
            kwargs.setdefault("context", self.get_serializer_context())["goal_parents"] = dict(
                Goal.objects.filter(plan_id__in=plans).values_list("pk", "parent_id")
            )
        return super().get_serializer(*args, **kwargs)


@extend_schema_view(
    list=extend_schema(summary="指標の一覧（掲載先つき） / Indicators with their placements"),
    retrieve=extend_schema(summary="指標 / An indicator"),
)
class IndicatorViewSet(ReadOnlyViewSet):
    queryset = Indicator.objects.select_related("area", "plan").prefetch_related(
        Prefetch("placements", queryset=IndicatorPlacement.objects.select_related("goal").order_by("pk"))
    )
    serializer_class = serializers.IndicatorSerializer
    filterset_class = filters.IndicatorFilter


@extend_schema_view(
    list=extend_schema(summary="系列の値（基準値・目標値・実績値） / Series values"),
    retrieve=extend_schema(summary="系列の値 / A series value"),
)
class SeriesValueViewSet(ReadOnlyViewSet):
    serializer_class = serializers.SeriesValueSerializer
    filterset_class = filters.SeriesValueFilter

    def get_queryset(self):
        values = Observation.objects.select_related("indicator__area", "indicator__plan")
        return roles.readable_observations(self.request.user, values)


FISCAL_YEAR = OpenApiParameter(
    "fiscal_year",
    OpenApiTypes.INT,
    description=serializers.doc(
        "判定する年度（西暦。省略時は各指標の最新の実績の年度）",
        "Fiscal year to judge (default: each indicator's latest actual)",
    ),
)


class FiscalYearQuery(drf_serializers.Serializer):
    fiscal_year = drf_serializers.IntegerField(required=False, min_value=1900, max_value=2100)


@extend_schema_view(
    list=extend_schema(
        summary="進捗の判定（ポータルによる機械的な判定） / Judgements (the portal's mechanical judgement)",
        parameters=[FISCAL_YEAR],
    ),
    retrieve=extend_schema(summary="1つの指標の判定 / One indicator's judgement", parameters=[FISCAL_YEAR]),
)
class JudgementViewSet(ReadOnlyViewSet):
    """Each indicator judged by kpi.progress for a fiscal year, from the figures the caller may read."""

    serializer_class = serializers.JudgementSerializer
    filterset_class = filters.IndicatorFilter

    def get_queryset(self):
        indicators = Indicator.objects.select_related("area", "plan")
        if roles.is_signed_in(self.request.user):
            return indicators.with_series(drafts_for=self.request.user)
        return indicators.with_series(published_only=True)

    def get_serializer(self, *args, **kwargs):
        if args:
            query = FiscalYearQuery(data=self.request.query_params)
            if not query.is_valid():
                raise ValidationError(query.errors)
            year = query.validated_data.get("fiscal_year")
            indicators = args[0]
            many = kwargs.get("many", False)
            rows = [
                {"indicator": indicator, "judgement": selectors.judge_indicator(indicator, year)}
                for indicator in (indicators if many else [indicators])
            ]
            args = (rows if many else rows[0], *args[1:])
        return super().get_serializer(*args, **kwargs)


class SchemaView(SpectacularAPIView):
    """The OpenAPI 3 schema, in the one language of the API whatever Accept-Language says."""

    def dispatch(self, request, *args, **kwargs):
        with translation.override("ja"):
            return super().dispatch(request, *args, **kwargs)


class DocsView(SpectacularSwaggerSplitView):
    """Swagger UI from the project's own static files, its setup script a separate file (no inline script)."""

    url_name = "api:schema"
    title = "熊本連携中枢都市圏ポータル API"
