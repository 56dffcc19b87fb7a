import uuid

from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, JsonResponse
from django.shortcuts import get_object_or_404, redirect
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _
from django.views.generic import DetailView, TemplateView

from kpi import progress
from kpi.models import Indicator, Observation
from kpi.selectors import indicator_rows, judge_indicator, series_table
from vision import jobs, roles
from vision.models import BackgroundJob, Department, Goal, Plan
from vision.selectors import url_area
from vision.tabular import XLSX_CONTENT_TYPE, attachment

from . import editions, exports, services, sparkline
from .access import EverythingReaderMixin, WorkspaceMixin
from .models import Comment, Committee, Edition, Meeting, Review
from .sheets import policy_sheets

SORTS = {
    "code": lambda row: row.indicator.code,
    "name": lambda row: row.indicator.name,
    "status": lambda row: list(progress.STATUS_WORDS).index(row.judgement.status),
    "rate": lambda row: (row.judgement.rate is None, row.judgement.rate or 0),
}


def _committee(area):
    """The committee of `area`: the URL's area, or on the workspace (not yet under an area) the default area."""
    committee = Committee.objects.select_related("plan", "area").filter(area=area).order_by("pk").first()
    if committee is None:
        raise Http404
    return committee


def _review(committee, fiscal_year):
    return get_object_or_404(
        Review.objects.select_related("committee", "plan").prefetch_related("evaluations"),
        committee=committee,
        fiscal_year=fiscal_year,
    )


class CommentForm(forms.Form):
    indicator = forms.IntegerField(widget=forms.HiddenInput)
    body = forms.CharField(label=_("コメント"), widget=forms.Textarea(attrs={"rows": 3}), max_length=4000)


# --- members' workspace (login) ---------------------------------------------------------------------------


class DashboardView(WorkspaceMixin, TemplateView):
    """Every KPI with status, rate and a trend line, unpublished values included; sort and filter."""

    template_name = "committee/dashboard.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        committee = _committee(url_area(self.request))
        plans = list(Plan.objects.filter(area=committee.area, indicators__isnull=False).distinct().order_by("order"))
        get = self.request.GET
        plan = next((p for p in plans if p.slug == get.get("plan")), None) or (
            committee.plan if committee.plan in plans else (plans[0] if plans else None)
        )
        if plan is None:
            raise Http404
        indicators = Indicator.objects.filter(plan=plan).select_related("department")
        top_goals = list(Goal.objects.filter(plan=plan, parent=None).order_by("order"))
        goal = next((g for g in top_goals if g.code == get.get("goal")), None)
        if goal is not None:
            indicators = indicators.filter(placements__goal__in=_subtree(goal)).distinct()
        departments = list(Department.objects.filter(indicators__plan=plan).distinct())
        department = next((d for d in departments if str(d.pk) == get.get("department")), None)
        if department is not None:
            indicators = indicators.filter(department=department)
        rows = indicator_rows(indicators, drafts_for=self.request.user)
        status = get.get("status", "")
        if status in progress.STATUS_WORDS:
            rows = [row for row in rows if row.judgement.status == status]
        sort = get.get("sort", "code")
        rows.sort(key=SORTS.get(sort, SORTS["code"]))
        for row in rows:
            actuals = [o.value for o in row.indicator.observations.all() if o.kind == Observation.Kind.ACTUAL]
            row.trend = sparkline.points(actuals)
            row.has_draft = any(not o.is_published for o in row.indicator.observations.all())
        reviews = list(Review.objects.filter(committee=committee, plan=plan).order_by("-fiscal_year"))
        context.update(
            committee=committee,
            plans=plans,
            plan=plan,
            top_goals=top_goals,
            departments=departments,
            rows=rows,
            statuses=progress.STATUS_WORDS,
            selected={
                "goal": get.get("goal", ""),
                "status": status,
                "department": get.get("department", ""),
                "sort": sort,
            },
            reviews=reviews,
            counts={s: sum(r.judgement.status == s for r in rows) for s in progress.STATUS_WORDS},
        )
        return context


class IndicatorWorkspaceView(WorkspaceMixin, DetailView):
    """One KPI as the workspace sees it: its values by year with the drafts this user may read, each marked."""

    template_name = "committee/indicator.html"
    context_object_name = "indicator"
    slug_field = "code"
    slug_url_kwarg = "code"

    def get_queryset(self):
        return (
            Indicator.objects.with_series(drafts_for=self.request.user)
            .select_related("plan__area", "department")
            .filter(plan__area=url_area(self.request))
        )

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        indicator = self.object
        context.update(
            judgement=judge_indicator(indicator),
            table=series_table(indicator),
            drafts=[o for o in indicator.observations.all() if not o.is_published],
            can_edit=roles.can_edit_indicator(self.request.user, indicator),
        )
        return context


def _subtree(goal):
    ids, frontier = [goal.pk], [goal.pk]
    while frontier:
        frontier = list(Goal.objects.filter(parent_id__in=frontier).values_list("pk", flat=True))
        ids += frontier
    return ids


class ReviewView(WorkspaceMixin, TemplateView):
    """A year's review: its policy sheets listed, with links to each sheet and to the exports."""

    template_name = "committee/review.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        review = _review(_committee(url_area(self.request)), kwargs["year"])
        context.update(review=review, sheets=policy_sheets(review, drafts_for=self.request.user))
        return context


class PolicySheetView(WorkspaceMixin, TemplateView):
    """One policy sheet as in the committee material, with members' comments on each KPI."""

    template_name = "committee/policy_sheet.html"

    def dispatch(self, request, *args, **kwargs):
        self.review = None
        return super().dispatch(request, *args, **kwargs)

    def _load(self):
        review = _review(_committee(url_area(self.request)), self.kwargs["year"])
        policy = get_object_or_404(Goal, plan=review.plan, code=self.kwargs["code"])
        sheets = policy_sheets(review, policies=[policy], drafts_for=self.request.user)
        if not sheets:
            raise Http404
        return review, sheets[0]

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        review, sheet = self._load()
        codes = [kpi.row.indicator.pk for kpi in sheet.kpis]
        comments = Comment.objects.visible_to(self.request.user).current()
        comments = comments.filter(review=review, indicator_id__in=codes)
        comments = comments.select_related("author").order_by("created_at")
        by_indicator = {}
        for comment in comments:
            by_indicator.setdefault(comment.indicator_id, []).append(comment)
        for kpi in sheet.kpis:
            kpi.comments = by_indicator.get(kpi.row.indicator.pk, [])
            kpi.form = kwargs.get("forms", {}).get(kpi.row.indicator.pk) or CommentForm(
                initial={"indicator": kpi.row.indicator.pk}, auto_id=f"id_%s_{kpi.row.indicator.pk}"
            )
        context.update(
            review=review,
            sheet=sheet,
            reads_comments=roles.reads_comments(self.request.user),
            can_comment=roles.can_comment(self.request.user, review),
        )
        return context

    def post(self, request, *args, **kwargs):
        review, sheet = self._load()
        if "withdraw" in request.POST:
            comment = get_object_or_404(
                Comment.objects.filter(review=review), uid=_uuid_or_404(request.POST["withdraw"])
            )
            try:
                services.withdraw_comment(comment, user=request.user)
            except ValidationError as error:
                messages.error(request, " ".join(error.messages))
            else:
                messages.success(request, _("コメントを取り下げました。"))
            return redirect(request.path)
        form = CommentForm(request.POST)
        allowed = {kpi.row.indicator.pk: kpi.row.indicator for kpi in sheet.kpis}
        if form.is_valid() and form.cleaned_data["indicator"] in allowed:
            try:
                services.add_comment(
                    review=review,
                    indicator=allowed[form.cleaned_data["indicator"]],
                    author=request.user,
                    body=form.cleaned_data["body"],
                )
            except ValidationError as error:
                messages.error(request, " ".join(error.messages))
            else:
                messages.success(request, _("コメントを投稿しました。"))
                return redirect(request.path)
        elif form.is_valid():
            raise Http404
        indicator = request.POST.get("indicator")
        forms_by_indicator = {int(indicator): form} if indicator and indicator.isdigit() else {}
        return self.render_to_response(self.get_context_data(forms=forms_by_indicator, **kwargs))


def _uuid_or_404(text):
    try:
        return uuid.UUID(text)
    except ValueError as error:
        raise Http404 from error


def _workspace_export(view):
    """Function views for downloads, with the workspace's access rule."""

    class Wrapper(WorkspaceMixin, TemplateView):
        def get(self, request, *args, area_slug, **kwargs):  # the area is read from the URL by url_area()
            return view(request, *args, **kwargs)

    return Wrapper.as_view()


def _sheets_for(request, year, code=None):
    review = _review(_committee(url_area(request)), year)
    policies = None
    if code:
        policies = [get_object_or_404(Goal, plan=review.plan, code=code)]
    return review, policy_sheets(review, policies=policies, drafts_for=request.user)


def sheets_xlsx(request, year, code=None):
    review, sheets = _sheets_for(request, year, code)
    name = f"policy-sheets-{year}{'-' + code if code else ''}.xlsx"
    return attachment(exports.sheets_xlsx(review, sheets), XLSX_CONTENT_TYPE, name)


def status_xlsx(request, year):
    review = _review(_committee(url_area(request)), year)
    indicators = Indicator.objects.filter(plan=review.plan).select_related("department")
    rows = indicator_rows(indicators, drafts_for=request.user)
    return attachment(exports.status_xlsx(rows), XLSX_CONTENT_TYPE, f"status-{year}.xlsx")


def sheets_pdf(request, year, code=None):
    review, sheets = _sheets_for(request, year, code)
    html = render_to_string(
        "committee/print_sheets.html", {"review": review, "sheets": sheets, "printed_at": timezone.now()}, request
    )
    pdf = exports.html_to_pdf(html, base_url=request.build_absolute_uri("/"))
    return attachment(pdf, "application/pdf", f"policy-sheets-{year}{'-' + code if code else ''}.pdf")


def make_sheets_pdf(area_slug, year, user_id, base_url, language):
    """The background job of the all-sheets PDF: the same HTML and PDF as sheets_pdf, for the user who asked (their
    drafts as they may read them), in their language. Returns the PDF with its file name."""
    from django.contrib.auth import get_user_model
    from django.test import RequestFactory
    from django.urls import resolve, reverse
    from django.utils import translation

    user = get_user_model().objects.get(pk=user_id)
    with translation.override(language):
        path = reverse("committee:sheets_pdf", kwargs={"area_slug": area_slug, "year": year})
        request = RequestFactory().get(path)
        request.user, request.resolver_match = user, resolve(path)
        steps = 3  # the sheets read, the page rendered, the PDF made
        review, sheets = _sheets_for(request, year)
        jobs.report(1, steps)
        html = render_to_string(
            "committee/print_sheets.html", {"review": review, "sheets": sheets, "printed_at": timezone.now()}, request
        )
        jobs.report(2, steps)
        pdf = exports.html_to_pdf(html, base_url=base_url)
    return {"filename": f"policy-sheets-{year}.pdf", "sheets": len(sheets)}, pdf


class SheetsPdfJobView(WorkspaceMixin, TemplateView):
    """The all-sheets PDF, made by a background job: start it (POST), follow its progress (`?format=json`: the
    state alone, for the page's script; without script the page refreshes itself), then download it. Each user
    sees their own jobs only (vision.roles.visible_jobs)."""

    template_name = "committee/sheets_pdf_job.html"

    def latest_job(self):
        area, year = url_area(self.request), self.kwargs["year"]
        mine = roles.visible_jobs(self.request.user, BackgroundJob.objects.defer("output"))
        return (
            mine.filter(owner=self.request.user, kind=BackgroundJob.Kind.SHEETS_PDF, subject=f"{area.slug}/{year}")
            .order_by("-created_at", "-pk")
            .first()
        )

    def get(self, request, *args, **kwargs):
        job = self.latest_job()
        if request.GET.get("format") == "json":
            return JsonResponse(jobs.status(job) if job is not None else {"state": "none", "over": True})
        return super().get(request, *args, **kwargs)

    def post(self, request, *args, area_slug, year):
        _review(_committee(url_area(request)), year)  # a year without a review is a 404, not a failed job
        jobs.start(
            BackgroundJob.Kind.SHEETS_PDF,
            request.user,
            make_sheets_pdf,
            area_slug,
            year,
            request.user.pk,
            request.build_absolute_uri("/"),
            get_language(),
            subject=f"{area_slug}/{year}",
            total=3,
        )
        return redirect("committee:sheets_pdf_job", area_slug=area_slug, year=year)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        review = _review(_committee(url_area(self.request)), kwargs["year"])
        job = self.latest_job()
        context.update(review=review, job=job, status=jobs.status(job) if job is not None else None)
        return context


class SheetsPdfDownloadView(SheetsPdfJobView):
    """The PDF the user's latest job made; while there is none, the job's page."""

    def get(self, request, *args, **kwargs):
        job = self.latest_job()
        if job is None or job.state != BackgroundJob.State.DONE:
            return super().get(request, *args, **kwargs)
        output = BackgroundJob.objects.filter(pk=job.pk).values_list("output", flat=True).get()
        return attachment(bytes(output), "application/pdf", job.result.get("filename", "policy-sheets.pdf"))

    def post(self, request, *args, **kwargs):
        raise Http404


class PrintSheetsView(WorkspaceMixin, TemplateView):
    """The sheets as one printable page (the browser's print, and the source of the PDF)."""

    template_name = "committee/print_sheets.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        review, sheets = _sheets_for(self.request, kwargs["year"], kwargs.get("code"))
        context.update(review=review, sheets=sheets, printed_at=timezone.now())
        return context


class EditionListView(EverythingReaderMixin, TemplateView):
    """The annual editions: one per closed review, frozen when it closed."""

    template_name = "committee/editions.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        committee = _committee(url_area(self.request))
        for review in Review.objects.closed().filter(committee=committee):
            editions.freeze(review)
        all_editions = list(Edition.objects.filter(review__committee=committee).select_related("review__plan"))
        context.update(committee=committee, editions=all_editions)
        get = self.request.GET
        if get.get("from") and get.get("to"):
            old = next((e for e in all_editions if str(e.review.fiscal_year) == get["from"]), None)
            new = next((e for e in all_editions if str(e.review.fiscal_year) == get["to"]), None)
            if old is None or new is None:
                raise Http404
            value_changes, status_changes = editions.compare(old.snapshot, new.snapshot)
            context.update(old=old, new=new, value_changes=value_changes, status_changes=status_changes)
        return context


class EditionCurrentCompareView(EverythingReaderMixin, TemplateView):
    """An edition against today's data: which values were revised since, which statuses changed."""

    template_name = "committee/edition_current.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        review = _review(_committee(url_area(self.request)), kwargs["year"])
        edition = editions.freeze(review)
        if edition is None:
            raise Http404
        value_changes, status_changes = editions.compare(edition.snapshot, editions.snapshot(review))
        context.update(
            edition=edition,
            review=review,
            value_changes=value_changes,
            status_changes=status_changes,
            rules_version=progress.RULES_VERSION,
        )
        return context


# --- public pages -----------------------------------------------------------------------------------------


class CommitteePublicView(TemplateView):
    """The committee as the published strategy describes it: rules, members with terms, meetings, reviews."""

    template_name = "committee/public_committee.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        committee = _committee(url_area(self.request))
        members = committee.members.prefetch_related("appointments__replaced_member").order_by("order", "pk")
        context.update(
            committee=committee,
            members=members,
            meetings=Meeting.objects.filter(committee=committee).prefetch_related("agenda_items").order_by("held_on"),
            public_comments=committee.public_comments.all(),
            closed_reviews=Review.objects.closed().filter(committee=committee).select_related("plan"),
        )
        return context


class MeetingPublicView(DetailView):
    template_name = "committee/public_meeting.html"
    context_object_name = "meeting"

    def get_queryset(self):
        return (
            Meeting.objects.filter(committee__area=url_area(self.request))
            .select_related("committee")
            .prefetch_related("agenda_items", "documents")
        )


class ReviewPublicView(TemplateView):
    """A closed review's evaluations: public once the review is closed, never before."""

    template_name = "committee/public_review.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        review = _review(_committee(url_area(self.request)), kwargs["year"])
        if not review.is_closed:
            raise Http404
        context.update(review=review, sheets=policy_sheets(review, published_only=True))
        return context
