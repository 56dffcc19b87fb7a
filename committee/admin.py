from django.contrib import admin, messages
from django.core.exceptions import ValidationError
from django.db import models
from django.urls import reverse
from django.utils import timezone
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from vision import roles
from vision.history import HistoryAdmin
from vision.scoped import ScopedAdminMixin, ScopedInlineMixin
from vision.wareki import fiscal_year_of

from . import services
from .models import (
    AgendaItem,
    Appointment,
    Comment,
    Committee,
    Evaluation,
    Meeting,
    MeetingDocument,
    Member,
    PublicComment,
    Review,
)


class ClosedReviewReadOnlyMixin:
    """Rows of a closed review can be viewed but not changed or deleted, whatever the request says.

    `review_id_of(obj)` gives the review an object belongs to (for an inline, `obj` is the parent). A POST to
    the change view of a read-only object is answered 403 by the admin itself, and the delete confirmation
    (single or bulk) checks this permission for every row it would delete, so a closed review's rows are never
    deleted from the admin.
    """

    def review_id_of(self, obj):
        raise NotImplementedError

    def _is_locked(self, request, obj):
        review_id = self.review_id_of(obj) if obj is not None else None
        if review_id is None:
            return False
        # The status is read from the database, not from an instance the request may have built, and once per
        # request and review: the admin asks for permissions many times while rendering one page.
        known = request.__dict__.setdefault("_committee_closed_reviews", {})
        if review_id not in known:
            known[review_id] = Review.objects.closed().filter(pk=review_id).exists()
        return known[review_id]

    def has_change_permission(self, request, obj=None):
        return not self._is_locked(request, obj) and super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None):
        return not self._is_locked(request, obj) and super().has_delete_permission(request, obj)


class ClosedReviewInlineMixin(ClosedReviewReadOnlyMixin):
    def review_id_of(self, obj):
        return obj.pk

    def has_add_permission(self, request, obj=None):
        return not self._is_locked(request, obj) and super().has_add_permission(request, obj)


@admin.register(Committee)
class CommitteeAdmin(ScopedAdminMixin, admin.ModelAdmin):
    list_display = ("name", "short_name", "area", "plan", "established_fiscal_year", "meetings_public_by_default")
    list_filter = ("area", "plan", "meetings_public_by_default", "decision_rule")
    list_select_related = ("area", "plan")
    search_fields = ("name", "short_name", "slug", "rules")
    fieldsets = (
        (
            None,
            {
                "fields": (
                    "area",
                    "slug",
                    ("name", "name_en"),
                    ("short_name", "short_name_en"),
                    "plan",
                    "established_on",
                    "established_fiscal_year",
                )
            },
        ),
        (
            _("運営要綱"),
            {
                "fields": (
                    "rules_title",
                    "rules",
                    "rules_enacted_on",
                    "rules_amended_on",
                    ("quorum_numerator", "quorum_denominator"),
                    "decision_rule",
                    "meetings_public_by_default",
                    ("closing_vote_numerator", "closing_vote_denominator"),
                    "max_term_years",
                    "secretariat",
                )
            },
        ),
        (_("出典"), {"fields": ("source",)}),
    )


class AppointmentInline(ScopedInlineMixin, admin.TabularInline):
    model = Appointment
    fk_name = "member"
    fields = ("starts_on", "ends_on", "role", "replaced_member", "printed_term", "note")
    autocomplete_fields = ("replaced_member",)
    extra = 0

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("replaced_member")


@admin.register(Member)
class MemberAdmin(ScopedAdminMixin, admin.ModelAdmin):
    list_display = ("name", "kana", "affiliation", "committee", "sector", "order")
    list_filter = ("committee", "sector", "appointments__role")
    list_select_related = ("committee",)
    search_fields = ("name", "kana", "affiliation")
    autocomplete_fields = ("user",)
    inlines = [AppointmentInline]

    def get_search_results(self, request, queryset, search_term):
        queryset, may_have_duplicates = super().get_search_results(request, queryset, search_term)
        return queryset, True if search_term else may_have_duplicates


class AgendaItemInline(ScopedInlineMixin, admin.TabularInline):
    model = AgendaItem
    fields = ("order", "title", "title_en")
    extra = 0


class MeetingDocumentInline(ScopedInlineMixin, admin.TabularInline):
    model = MeetingDocument
    formfield_overrides = {models.URLField: {"assume_scheme": "https"}}
    fields = ("order", "title", "title_en", "file", "url", "note")
    extra = 0


@admin.register(Meeting)
class MeetingAdmin(ScopedAdminMixin, admin.ModelAdmin):
    list_display = ("__str__", "fiscal_year", "number", "held_on", "starts_at", "place", "is_public")
    list_filter = ("committee", "fiscal_year", "is_public")
    list_select_related = ("committee",)
    search_fields = ("place", "printed_date", "note", "agenda_items__title", "documents__title")
    date_hierarchy = "held_on"
    inlines = [AgendaItemInline, MeetingDocumentInline]
    fieldsets = (
        (None, {"fields": ("committee", ("fiscal_year", "number"), "held_on", ("starts_at", "ends_at"), "place")}),
        (_("公開・議事録"), {"fields": ("is_public", "minutes")}),
        (_("資料の表記・備考"), {"fields": ("printed_date", "note")}),
    )

    def get_search_results(self, request, queryset, search_term):
        queryset, may_have_duplicates = super().get_search_results(request, queryset, search_term)
        return queryset, True if search_term else may_have_duplicates


@admin.register(PublicComment)
class PublicCommentAdmin(ScopedAdminMixin, admin.ModelAdmin):
    list_display = ("title", "starts_on", "ends_on", "plan", "committee")
    list_filter = ("committee", "plan")
    list_select_related = ("committee", "plan")
    search_fields = ("title", "printed_period", "note")
    date_hierarchy = "starts_on"


class EvaluationInline(ScopedInlineMixin, ClosedReviewInlineMixin, admin.StackedInline):
    model = Evaluation
    fields = ("policy", "rating", "direction_text", "issues_text", "committee_opinion")
    autocomplete_fields = ("policy",)
    extra = 0

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("policy", "review__committee")


@admin.register(Review)
class ReviewAdmin(ScopedAdminMixin, ClosedReviewReadOnlyMixin, admin.ModelAdmin):
    list_display = ("__str__", "fiscal_year", "plan", "status", "opened_on", "closed_on", "meeting")
    list_filter = ("status", "committee", "plan", "fiscal_year")
    list_select_related = ("committee", "plan", "meeting__committee")
    search_fields = ("note", "evaluations__policy__title", "evaluations__committee_opinion")
    readonly_fields = ("status", "closed_on")
    fields = ("committee", "plan", "fiscal_year", "status", "opened_on", "closed_on", "meeting", "note")
    # Starting a year's review is one form: the plan and the year; the policy sheets come from the plan.
    start_fields = ("committee", "plan", "fiscal_year", "opened_on", "note")
    inlines = [EvaluationInline]
    actions = ["close_selected"]
    change_list_template = "admin/committee/review/change_list.html"

    def review_id_of(self, obj):
        return obj.pk

    def has_add_permission(self, request):
        return super().has_add_permission(request) and roles.can_start_review(request.user)

    def get_fields(self, request, obj=None):
        return self.start_fields if obj is None else self.fields

    def get_inlines(self, request, obj):
        return [] if obj is None else self.inlines

    def get_changeform_initial_data(self, request):
        initial = super().get_changeform_initial_data(request)
        committee = self.get_field_queryset(None, Review._meta.get_field("committee"), request)
        committee = (committee or Committee.objects.all()).order_by("pk").first()
        if committee is not None:
            initial.setdefault("committee", committee.pk)
            initial.setdefault("plan", committee.plan_id)
        today = timezone.localdate()
        initial.setdefault("fiscal_year", fiscal_year_of(today))
        initial.setdefault("opened_on", today)
        return initial

    def add_view(self, request, form_url="", extra_context=None):
        return super().add_view(request, form_url, {"title": _("年度の検証を始める"), **(extra_context or {})})

    def get_search_results(self, request, queryset, search_term):
        queryset, may_have_duplicates = super().get_search_results(request, queryset, search_term)
        return queryset, True if search_term else may_have_duplicates

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "meeting":
            kwargs["queryset"] = Meeting.objects.select_related("committee")
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def save_model(self, request, obj, form, change):
        if change:
            services.save_review(obj)
        else:
            services.start_review(obj, user=request.user)

    def response_add(self, request, obj, post_url_continue=None):
        workspace = reverse("committee:review", args=[obj.committee.area.slug, obj.fiscal_year])
        self.message_user(
            request,
            format_html(
                _(
                    "{review}を始めました（施策 {count} 件のシート）。"
                    '委員と所管課は <a href="{url}">{url}</a> で開けます。'
                ),
                review=obj,
                count=obj.evaluations.count(),
                url=workspace,
            ),
            messages.SUCCESS,
        )
        return super().response_add(request, obj, post_url_continue)

    def save_formset(self, request, form, formset, change):
        if formset.model is not Evaluation:
            return super().save_formset(request, form, formset, change)
        instances = formset.save(commit=False)
        for evaluation in formset.deleted_objects:
            services.delete_evaluation(evaluation)
        for evaluation in instances:
            services.save_evaluation(evaluation)
        return None

    def delete_model(self, request, obj):
        services.delete_review(obj)

    def delete_queryset(self, request, queryset):
        for review in queryset:
            services.delete_review(review)

    @admin.action(description=_("選択した検証を締め切る（以後は変更できません）"), permissions=["change"])
    def close_selected(self, request, queryset):
        closed = 0
        for review in queryset.select_related("committee"):
            try:
                services.close_review(review)
            except ValidationError as error:
                self.message_user(request, f"{review}: {' '.join(error.messages)}", messages.ERROR)
            else:
                closed += 1
        if closed:
            self.message_user(
                request,
                ngettext("%(count)d 件の検証を締め切りました。", "%(count)d 件の検証を締め切りました。", closed)
                % {"count": closed},
                messages.SUCCESS,
            )


@admin.register(Evaluation)
class EvaluationAdmin(ScopedAdminMixin, ClosedReviewReadOnlyMixin, HistoryAdmin):
    list_display = ("policy", "review", "rating")
    list_filter = ("review__committee", "review__fiscal_year", "review__status", "rating")
    list_select_related = ("policy", "review__committee")
    search_fields = ("policy__title", "policy__code", "direction_text", "issues_text", "committee_opinion")
    autocomplete_fields = ("policy",)
    fields = ("review", "policy", "rating", "direction_text", "issues_text", "committee_opinion")

    def review_id_of(self, obj):
        return obj.review_id

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "review":
            kwargs["queryset"] = Review.objects.open().select_related("committee")
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def save_model(self, request, obj, form, change):
        services.save_evaluation(obj)

    def delete_model(self, request, obj):
        services.delete_evaluation(obj)

    def delete_queryset(self, request, queryset):
        for evaluation in queryset:
            services.delete_evaluation(evaluation)


@admin.register(Comment)
class CommentAdmin(ScopedAdminMixin, ClosedReviewReadOnlyMixin, HistoryAdmin):
    """Remarks are posted in the committee workspace; here their author rewords them and 管理者 hide them."""

    list_display = ("indicator", "review", "author", "created_at", "withdrawn_at", "hidden_at")
    list_filter = ("review__committee", "review__fiscal_year", "review__status")
    list_select_related = ("indicator", "review__committee", "author")
    search_fields = ("body", "indicator__name", "indicator__code")
    fields = (
        "review",
        "indicator",
        "body",
        "author",
        "created_at",
        "withdrawn_at",
        "hidden_at",
        "hidden_by",
        "hidden_reason",
    )

    def review_id_of(self, obj):
        return obj.review_id

    def has_add_permission(self, request):
        return False

    def get_readonly_fields(self, request, obj=None):
        if roles.can_hide_comment(request.user):
            return tuple(name for name in self.fields if name != "hidden_reason")
        return tuple(name for name in self.fields if name != "body")

    def save_model(self, request, obj, form, change):
        if "hidden_reason" in form.changed_data:
            services.hide_comment(obj, user=request.user, reason=obj.hidden_reason)
        elif "body" in form.changed_data:
            services.change_comment(obj, user=request.user, body=obj.body)

    def delete_model(self, request, obj):
        services.delete_comment(obj)

    def delete_queryset(self, request, queryset):
        for comment in queryset:
            services.delete_comment(comment)
