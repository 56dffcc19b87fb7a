import logging
import tempfile

from csp.decorators import csp_replace
from django.db.models import Max
from django.http import Http404, HttpResponse, StreamingHttpResponse
from django.shortcuts import get_object_or_404, render
from django.utils.cache import add_never_cache_headers
from django.utils.decorators import method_decorator
from django.utils.safestring import mark_safe
from django.utils.translation import gettext
from django.views.decorators.clickjacking import xframe_options_exempt
from django.views.generic import DetailView, TemplateView

from agreements.models import Pillar, PolicyArea, VisionGoalLink
from vision import jobs
from vision.models import Goal, MetroArea, Municipality, Plan
from vision.origin import absolute_url
from vision.selectors import member_summary, url_area
from vision.tabular import XLSX_CONTENT_TYPE, attachment

from . import (
    api_examples,
    chartimage,
    charts,
    opendata,
    opendatafiles,
    presentation,
    progress,
    search,
    selectors,
    svgchart,
)
from .models import Indicator, Measure, Observation

CONTENT_TYPES = {
    "csv": "text/csv; charset=utf-8",
    "csv-sjis": "text/csv; charset=shift_jis",
    "json": "application/json",
    "xlsx": XLSX_CONTENT_TYPE,
}
SEARCH_LIMIT = 30
# When to ask again for the whole install's XLSX while it is built: the national preset's build (all four files,
# 962,501 rows) took about 4 minutes on a worker (README, bench/open_data_worker.py).
XLSX_RETRY_AFTER_SECONDS = 300
logger = logging.getLogger(__name__)


def _download(indicators, format, basename):
    """The open-data table of `indicators` as a download: CSV and JSON streamed as they are read; XLSX written to a
    temporary file first (a zip cannot be streamed row by row), so memory holds a chunk of rows and the finished
    file, not the table."""
    if format == "xlsx":
        with tempfile.TemporaryFile() as file:
            opendata.write_xlsx(selectors.open_data_rows(indicators), file)
            file.seek(0)
            return attachment(file.read(), CONTENT_TYPES["xlsx"], f"{basename}.xlsx")
    series = selectors.open_data_series(indicators)
    if format == "json":
        pieces = opendata.iter_json_series(series)
    elif format == "csv-sjis":
        pieces = opendata.iter_csv_series(series, encoding="cp932")
    else:
        pieces = opendata.iter_csv_series(series)
    response = StreamingHttpResponse(pieces, content_type=CONTENT_TYPES[format])
    response["Content-Disposition"] = f'attachment; filename="{_filename(format, basename)}"'
    return response


def _filename(format, basename):
    names = {"json": f"{basename}.json", "csv-sjis": f"{basename}-sjis.csv", "xlsx": f"{basename}.xlsx"}
    return names.get(format, f"{basename}.csv")


def observations_download(request, format, area_slug=None):
    """The series table as open data, of one area or (without one in the URL) of all: CSV (UTF-8 with BOM, or
    Shift_JIS), JSON or XLSX."""
    if area_slug is None:
        # The whole install: the file built for this data version when there is one (kpi.opendatafiles). Else a
        # build is queued and, meanwhile, the CSVs and the JSON are streamed as the table is read; the XLSX is
        # written for the request while it is small, and past that the downloader is told it is being prepared.
        file = opendatafiles.current_file(format)
        if file is not None:
            return opendatafiles.file_response(request, file, CONTENT_TYPES[format], _filename(format, "observations"))
        opendatafiles.request_build()
        if format == "xlsx":
            row_count = opendatafiles.total_row_count()
            if row_count > opendatafiles.XLSX_INLINE_ROWS:
                return _xlsx_in_preparation(request, row_count)
        return _download(None, format, "observations")
    area = url_area(request)
    return _download(Indicator.objects.filter(plan__area=area), format, f"observations-{area.slug}")


def _xlsx_in_preparation(request, row_count):
    """503 with Retry-After and a page saying the workbook is being made, with the CSV to take now instead.

    Written for the request, a national workbook would take minutes, longer than gunicorn lets a request run
    (GUNICORN_TIMEOUT), and a zip cannot be sent before it is finished; a page that says when to come back, and
    offers the same table as CSV at once, is what a downloader can act on."""
    if jobs.is_queued():
        logger.info("open-data XLSX asked for while it is built: 503 with Retry-After")
    else:
        logger.warning("open-data XLSX asked for without a built file and no job queue: run manage.py build_open_data")
    response = render(
        request,
        "kpi/open_data_preparing.html",
        {"row_count": row_count, "minutes": XLSX_RETRY_AFTER_SECONDS // 60, "area": url_area(request)},
        status=503,
    )
    response["Retry-After"] = str(XLSX_RETRY_AFTER_SECONDS)
    add_never_cache_headers(response)
    # Expected, and logged above at its own level: not django.request's ERROR for a 5xx, which alerts an operator.
    response._has_been_logged = True
    return response


def indicator_download(request, code, format, area_slug):
    """One indicator's series in the open-data layout."""
    indicators = Indicator.objects.filter(code=code, plan__area=url_area(request))
    if not indicators.exists():
        raise Http404
    return _download(indicators, format, f"indicator-{code}")


def indicator_chart_png(request, code, area_slug):
    """The chart as a PNG drawn from its SVG: the page's download and its Open Graph image (kpi.chartimage)."""
    indicator = get_object_or_404(Indicator.objects.with_series(), code=code, plan__area=url_area(request))
    response = HttpResponse(chartimage.chart_png(indicator), content_type="image/png")
    response["Content-Disposition"] = f'inline; filename="{indicator.code}.png"'
    return response


class HomeView(TemplateView):
    """The area at a glance: its future image, members, pillars, plans and how their KPIs stand.

    `/ja/` is the default area's home (settings.DEFAULT_AREA). When several areas have members, every home
    lists them to choose from.
    """

    template_name = "kpi/home.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        area = url_area(self.request)
        plans = list(Plan.objects.filter(area=area).order_by("order"))
        counts = selectors.plan_status_counts(plans)
        newest_plan, standings = selectors.area_standing(plans, counts)
        context.update(
            area=area,
            newest_plan=newest_plan,
            standings=standings,
            linked_count=sum(1 for standing in standings if standing.measure),
            summary=member_summary(area),
            pillars=Pillar.objects.all(),
            plans=[(plan, *counts[plan.pk]) for plan in plans],
            statuses=progress.STATUS_WORDS,
            last_updated=Observation.objects.published()
            .filter(indicator__plan__area=area)
            .aggregate(latest=Max("updated_at"))["latest"],
        )
        areas = list(MetroArea.objects.with_current_members().order_by("vision_date", "name"))
        context["areas"] = areas if len(areas) > 1 else []
        return context


def _filter_tree(nodes, status, pillar):
    """Keep only KPI rows in `status`, and only the subtree of the top-level goal `pillar`; drop empty goals."""
    kept = []
    for node in nodes:
        if pillar and node.depth == 0 and node.goal.code != pillar:
            continue
        node.kpis = [row for row in node.kpis if not status or row.judgement.status == status]
        node.children = _filter_tree(node.children, status, None)
        if not status or node.kpis or node.children:
            kept.append(node)
    return kept


class PlanDetailView(DetailView):
    """A plan's goal tree with each KPI's latest figures and status; filters by status and top-level goal."""

    template_name = "kpi/plan_detail.html"
    context_object_name = "plan"

    def get_queryset(self):
        return Plan.objects.select_related("area").filter(area=url_area(self.request))

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        tree = selectors.attach_passages(selectors.plan_tree(self.object))
        status = self.request.GET.get("status", "")
        pillar = self.request.GET.get("goal", "")
        status = status if status in progress.STATUS_WORDS else ""
        top_goals = [(node.goal.code, node.goal.display_name) for node in tree]
        all_rows = [row for node in tree for row in node.all_kpis()]
        context.update(
            tree=_filter_tree(tree, status, pillar),
            top_goals=top_goals,
            statuses=progress.STATUS_WORDS,
            selected_status=status,
            selected_goal=pillar,
            counts=selectors.status_counts(all_rows),
            scheme_rule=progress.SCHEME_RULES[self.object.progress_scheme],
        )
        return context


class GoalDetailView(TemplateView):
    template_name = "kpi/goal_detail.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        goal = get_object_or_404(
            Goal.objects.select_related("plan", "parent"),
            plan__slug=kwargs["plan_slug"],
            plan__area=url_area(self.request),
            code=kwargs["code"],
        )
        tree = selectors.attach_passages(selectors.plan_tree(goal.plan, root=goal))
        context.update(
            goal=goal,
            plan=goal.plan,
            policy_area_links=VisionGoalLink.objects.filter(goal=goal).select_related("policy_area"),
            ancestors=goal.ancestors(),
            tree=tree,
            counts=selectors.status_counts(list(tree[0].all_kpis())),
            statuses=progress.STATUS_WORDS,
            scheme_rule=progress.SCHEME_RULES[goal.plan.progress_scheme],
        )
        return context


class IndicatorDetailView(DetailView):
    """One KPI: chart, table, a sentence saying where it stands, its goals, notes, source and downloads."""

    template_name = "kpi/indicator_detail.html"
    context_object_name = "indicator"
    slug_field = "code"
    slug_url_kwarg = "code"

    def get_queryset(self):
        return Indicator.objects.with_series().select_related("plan__area").filter(plan__area=url_area(self.request))

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        indicator = self.object
        judgement = selectors.judge_indicator(indicator)
        measures = list(Measure.objects.filter(indicators=indicator).with_series())
        linked = [other for measure in measures for other in measure.indicators.all() if other.pk != indicator.pk]
        figure = charts.indicator_figure(indicator, linked)
        sentence = presentation.summary_sentence(indicator, judgement)
        context.update(
            measures=measures,
            linked_tables=[(other, selectors.series_table(other)) for other in linked],
            judgement=judgement,
            sentence=sentence,
            figure=figure,
            # Markup built by svgchart.render, which escapes every text it writes.
            chart_svg=mark_safe(svgchart.chart_svg(figure, title=indicator.display_name, description=sentence)),
            point_count=charts.point_count(figure),
            table=selectors.series_table(indicator),
            placements=indicator.placements.select_related("goal__parent__parent").order_by("is_restated", "pk"),
            formula=judgement.formula,
            scheme_rule=progress.SCHEME_RULES[indicator.plan.progress_scheme],
        )
        return context


@method_decorator(xframe_options_exempt, name="dispatch")
@method_decorator(csp_replace({"frame-ancestors": ["*"]}), name="dispatch")
class IndicatorEmbedView(IndicatorDetailView):
    """The chart, its sentence and a link back, small enough for an iframe on a municipality's site."""

    template_name = "kpi/indicator_embed.html"


class OpenDataView(TemplateView):
    template_name = "kpi/open_data.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        area = url_area(self.request)
        row_count, all_row_count = opendatafiles.row_counts(area)  # counted once per data version
        context.update(
            area=area,
            columns=[(name, gettext(meaning)) for name, meaning in opendata.COLUMNS],
            licence=gettext(opendata.LICENCE),
            shift_jis_note=opendata.SHIFT_JIS_NOTE,
            row_count=row_count,
            all_row_count=all_row_count,
            api_docs=absolute_url(self.request, "/api/v1/docs/"),
            api_schema=absolute_url(self.request, "/api/v1/schema/"),
            api_examples=api_examples.render(absolute_url(self.request, "/").rstrip("/")),
        )
        return context


class ProgressMethodView(TemplateView):
    template_name = "kpi/progress_method.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context.update(
            formulas=progress.FORMULAS,
            # Translated here: `{% translate variable %}` doubles a "%" in the text before the lookup, so a rule
            # with "%" in it would never find its translation.
            scheme_rules={scheme: gettext(rule) for scheme, rule in progress.SCHEME_RULES.items()},
            rules_version=progress.RULES_VERSION,
            statuses=[(progress.STATUS_ICONS[s], word) for s, word in progress.STATUS_WORDS.items()],
            plans=Plan.objects.order_by("order"),
        )
        return context


class SearchView(TemplateView):
    """Indicators, goals, policy areas and municipalities whose names contain the query."""

    template_name = "kpi/search.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        query = self.request.GET.get("q", "").strip()[:100]
        context["query"] = query
        if not query:
            return context
        area = url_area(self.request)
        # An area holds hundreds to thousands of names: they are read as plain values (a query per kind, however
        # many there are) and compared in Python, where width, word variants and ranking are easy to get right
        # (kpi/search.py); only the matches become objects.
        if not search.normalise(query):
            return context
        context.update(
            indicators=search.best_matches(
                Indicator.objects.filter(plan__area=area).select_related("plan").order_by("plan__order", "code"),
                search.INDICATOR_NAMES,
                search.INDICATOR_DESCRIPTIONS,
                query,
                SEARCH_LIMIT,
            ),
            goals=search.best_matches(
                Goal.objects.filter(plan__area=area).select_related("plan").order_by("plan__order", "order"),
                search.GOAL_NAMES,
                search.GOAL_DESCRIPTIONS,
                query,
                SEARCH_LIMIT,
            ),
            policy_areas=search.ranked(
                PolicyArea.objects.in_document_order(), search.policy_area_rank, query, SEARCH_LIMIT
            ),
            municipalities=search.ranked(
                Municipality.objects.filter(pk__in=area.memberships.values("municipality")).order_by("lg_code"),
                search.municipality_rank,
                query,
                SEARCH_LIMIT,
            ),
        )
        context["result_count"] = sum(
            len(context[key]) for key in ("indicators", "goals", "policy_areas", "municipalities")
        )
        return context
