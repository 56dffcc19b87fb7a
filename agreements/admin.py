from django.contrib import admin, messages
from django.core.exceptions import ValidationError
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from vision.admin_import import TabularImportAdminMixin
from vision.history import HistoryAdmin
from vision.scoped import ScopedAdminMixin, ScopedInlineMixin

from . import services
from .forms import AgreementAdminForm, CopyAgreementForm
from .models import Agreement, Article, Pillar, PolicyArea, PolicyAreaGroup, RoleAssignment, VisionGoalLink
from .resources import RoleAssignmentResource


class ReadOnlyUnlessDraftMixin:
    """A signed agreement's text changes only by amendment, so its inlines are read-only after the draft."""

    def _is_locked(self, obj):
        return obj is not None and not obj.is_editable

    def has_add_permission(self, request, obj=None):
        return not self._is_locked(obj) and super().has_add_permission(request, obj)

    def has_change_permission(self, request, obj=None):
        return not self._is_locked(obj) and super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None):
        return not self._is_locked(obj) and super().has_delete_permission(request, obj)


class ArticleInline(ScopedInlineMixin, ReadOnlyUnlessDraftMixin, admin.StackedInline):
    model = Article
    fields = (("number", "kind", "heading", "heading_en"), "body")
    extra = 0


class RoleAssignmentInline(ScopedInlineMixin, ReadOnlyUnlessDraftMixin, admin.TabularInline):
    model = RoleAssignment
    fields = ("order", "policy_area", "initiative", "central_role", "partner_role")
    ordering = ("order",)
    extra = 0
    autocomplete_fields = ("policy_area",)

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("policy_area__pillar", "policy_area__group")


@admin.register(Agreement)
class AgreementAdmin(ScopedAdminMixin, HistoryAdmin):
    form = AgreementAdminForm
    list_display = ("partner", "title", "version", "status", "signed_on", "notified_on")
    list_filter = ("status", "area", "partner", "roles__policy_area__pillar")
    list_select_related = ("partner", "central_city", "area")
    search_fields = ("title", "partner__name", "partner__kana", "roles__initiative", "roles__policy_area__name")
    date_hierarchy = "signed_on"
    readonly_fields = ("version", "previous_version", "versions_overview")
    autocomplete_fields = ("partner",)
    inlines = [ArticleInline, RoleAssignmentInline]
    actions = ["copy_to_new_partner", "start_amendment"]
    fieldsets = (
        (None, {"fields": ("area", "central_city", "partner", "department", ("title", "title_en"), "status")}),
        (_("版"), {"fields": ("version", "previous_version", "versions_overview", "change_summary")}),
        (_("本文"), {"fields": ("legal_basis", "preamble", "closing")}),
        (
            _("手続きの日付"),
            {
                "fields": (
                    "central_council_resolved_on",
                    "partner_council_resolved_on",
                    "signed_on",
                    "notified_on",
                    "ended_on",
                )
            },
        ),
        (
            _("記名"),
            {"fields": ("central_address", "central_signatory", "partner_address", "partner_signatory")},
        ),
        (_("出典・備考"), {"fields": ("source", "notes")}),
    )

    @admin.display(description=_("版の履歴"))
    def versions_overview(self, obj):
        if obj is None or obj.pk is None:
            return "―"
        items = format_html_join(
            "",
            '<li><a href="{}">{}</a>（{}）</li>',
            (
                (
                    reverse("admin:agreements_agreement_change", args=[v.pk]),
                    _("第%(n)s版") % {"n": v.version},
                    v.get_status_display(),
                )
                for v in obj.versions()
            ),
        )
        compare = ""
        if obj.version > 1 and obj.status in Agreement.PUBLIC_STATUSES:
            compare = format_html(
                '<a href="{}">{}</a>',
                reverse("agreements:agreement_compare", args=[obj.pk]),
                _("前の版との違いを公開ページで見る"),
            )
        return format_html("<ul>{}</ul>{}", items, compare)

    def get_search_results(self, request, queryset, search_term):
        queryset, may_have_duplicates = super().get_search_results(request, queryset, search_term)
        return queryset, True if search_term else may_have_duplicates

    def get_readonly_fields(self, request, obj=None):
        fields = list(super().get_readonly_fields(request, obj))
        if obj is not None and not obj.is_editable:
            fields += ["area", "central_city", "partner", "title", "legal_basis", "preamble", "closing"]
        elif obj is not None and obj.previous_version_id:
            # An amendment is between the same parties as the version it amends.
            fields += ["area", "central_city", "partner"]
        return list(dict.fromkeys(fields))

    def save_model(self, request, obj, form, change):
        if change and "status" in form.changed_data:
            new_status = obj.status
            obj.status = form.initial["status"]
            super().save_model(request, obj, form, change)
            services.change_status(obj, new_status)
        else:
            super().save_model(request, obj, form, change)

    @admin.action(description=_("選択した連携協約を複製して新しい市町村との案を作成"), permissions=["add"])
    def copy_to_new_partner(self, request, queryset):
        if queryset.count() != 1:
            self.message_user(request, _("複製元の連携協約を1件だけ選んでください。"), messages.ERROR)
            return None
        source = queryset.select_related("area", "central_city", "partner").get()
        form = CopyAgreementForm(request.POST if "apply" in request.POST else None, source=source)
        if form.is_valid():
            try:
                draft = services.copy_agreement(source, form.cleaned_data["partner"])
            except ValidationError as error:
                form.add_error(None, error)
            else:
                self.message_user(
                    request,
                    _("%(partner)s との連携協約の案を作成しました。内容を確認してください。")
                    % {"partner": draft.partner},
                    messages.SUCCESS,
                )
                return redirect("admin:agreements_agreement_change", draft.pk)
        context = {
            **self.admin_site.each_context(request),
            "title": _("新しい市町村との連携協約の案を作成"),
            "opts": self.model._meta,
            "source": source,
            "form": form,
            "action_name": "copy_to_new_partner",
            "action_checkbox_name": admin.helpers.ACTION_CHECKBOX_NAME,
        }
        return TemplateResponse(request, "admin/agreements/agreement/copy_form.html", context)

    @admin.action(description=_("選択した連携協約の変更案（次の版）を作成"), permissions=["add"])
    def start_amendment(self, request, queryset):
        created = 0
        for agreement in queryset.select_related("partner"):
            try:
                services.start_amendment(agreement)
            except ValidationError as error:
                self.message_user(request, f"{agreement}: {' '.join(error.messages)}", messages.ERROR)
            else:
                created += 1
        if created:
            self.message_user(
                request,
                ngettext("%(count)d 件の変更案を作成しました。", "%(count)d 件の変更案を作成しました。", created)
                % {"count": created},
                messages.SUCCESS,
            )


@admin.register(Pillar)
class PillarAdmin(ScopedAdminMixin, admin.ModelAdmin):
    list_display = ("number", "name", "schedule_label")
    list_filter = ("schedule_label",)
    search_fields = ("name",)


@admin.register(PolicyAreaGroup)
class PolicyAreaGroupAdmin(ScopedAdminMixin, admin.ModelAdmin):
    list_display = ("pillar", "number", "name")
    list_filter = ("pillar",)
    list_select_related = ("pillar",)
    search_fields = ("name",)


class VisionGoalLinkInline(ScopedInlineMixin, admin.TabularInline):
    model = VisionGoalLink
    extra = 0
    autocomplete_fields = ("goal",)


@admin.register(PolicyArea)
class PolicyAreaAdmin(ScopedAdminMixin, admin.ModelAdmin):
    list_display = ("code", "name", "pillar", "group", "number")
    list_filter = ("pillar", "group")
    list_select_related = ("pillar", "group")
    search_fields = ("code", "name")
    inlines = [VisionGoalLinkInline]


@admin.register(RoleAssignment)
class RoleAssignmentAdmin(ScopedAdminMixin, TabularImportAdminMixin, HistoryAdmin):
    """The role-table rows of every agreement, for bulk import and export (editing is in the agreement)."""

    list_display = ("agreement", "policy_area", "order")
    list_filter = ("agreement__status", "policy_area__pillar", "agreement__partner")
    list_select_related = ("agreement__partner", "agreement__central_city", "policy_area")
    search_fields = ("initiative", "central_role", "partner_role", "policy_area__name", "agreement__partner__name")
    change_list_template = "admin/tabular_change_list.html"
    import_resource_class = RoleAssignmentResource
    import_help = _(
        "連携協約は乙の市町村コード（partner_lg_code）と版（version）、政策分野はコード（policy_area、例: 3-1-10）で"
        "指定します。取り込めるのは「案」の連携協約の別表だけです。"
    )

    def has_change_permission(self, request, obj=None):
        allowed = super().has_change_permission(request, obj)
        return allowed and (obj is None or obj.agreement.is_editable)
