from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import models, transaction
from django.forms import formset_factory
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from vision import roles, tabular
from vision.admin_import import TabularImportAdminMixin
from vision.history import HistoryAdmin
from vision.scoped import ScopedAdminMixin, ScopedInlineMixin
from vision.wareki import fiscal_year_of, year_label

from . import importing, services
from .forms import ActualEntryForm, ObservationForm, SeriesRowForm, UnpaddedDecimalField
from .models import Indicator, IndicatorPlacement, Measure, Observation, TargetRevision
from .opendata import plain_number
from .presentation import comparator_suffix, unpadded_number
from .resources import IndicatorResource, ObservationResource


class IndicatorPlacementInline(ScopedInlineMixin, admin.TabularInline):
    model = IndicatorPlacement
    extra = 0
    autocomplete_fields = ("goal",)


class ObservationInline(ScopedInlineMixin, admin.TabularInline):
    model = Observation
    form = ObservationForm
    version_kept_by_service = True  # IndicatorAdmin.save_formset: kpi.services with each row's expected version
    fields = (
        "fiscal_year",
        "kind",
        "value",
        "comparator",
        "measured_year",
        "is_provisional",
        "missing_reason",
        "printed",
        "note",
        "is_published",
        "pending_correction",
        "lock_version",
    )
    readonly_fields = ("is_published", "pending_correction")
    extra = 0
    ordering = ("fiscal_year", "kind")


@admin.register(Indicator)
class IndicatorAdmin(ScopedAdminMixin, TabularImportAdminMixin, HistoryAdmin):
    list_display = ("code", "name", "unit", "area", "plan", "department", "direction", "is_cumulative")
    list_filter = ("area", "plan", "department", "direction", "is_cumulative")
    list_select_related = ("area", "plan", "department__municipality")
    search_fields = ("code", "name", "notes")
    autocomplete_fields = ("department",)
    inlines = [IndicatorPlacementInline, ObservationInline]
    change_form_template = "admin/kpi/indicator/change_form.html"
    change_list_template = "admin/tabular_change_list.html"
    import_resource_class = IndicatorResource
    import_help = _("指標コード（code）で照合します。計画は識別名、所管課は「市町村コード:名称」で指定します。")
    fieldsets = (
        (
            None,
            {"fields": ("code", "plan", ("name", "name_en"), ("unit", "unit_en"), "decimals", "direction", "period")},
        ),
        (_("計画の検証資料による見通し"), {"fields": ("final_outlook", "final_outlook_source")}),
        (_("累計"), {"fields": ("is_cumulative", "cumulative_since")}),
        (_("担当と締切"), {"fields": ("department", "actual_due_month", "actual_due_day")}),
        (_("出典・注記"), {"fields": ("source", "notes", "baseline_row")}),
    )

    def export_queryset(self, request):
        return (
            self.get_queryset(request)
            .select_related("area", "plan", "department__municipality")
            .order_by("area__slug", "code")
        )

    def save_formset(self, request, form, formset, change):
        if formset.model is not Observation:
            return super().save_formset(request, form, formset, change)
        # Values typed in the inline follow the same path as everywhere else (a changed value becomes a draft).
        instances = formset.save(commit=False)
        for observation in formset.deleted_objects:
            observation._history_user = request.user
            services.delete_observation(observation, user=request.user, expected_version=observation.lock_version)
        for observation in instances:
            observation._history_user = request.user
            expected = observation.lock_version if observation.pk else None
            services.save_observation(observation, user=request.user, expected_version=expected)
        return None

    def get_urls(self):
        urls = [
            path("actuals/", self.admin_site.admin_view(self.actuals_view), name="kpi_indicator_actuals"),
            path("<int:pk>/series/", self.admin_site.admin_view(self.series_view), name="kpi_indicator_series"),
        ]
        return urls + super().get_urls()

    def series_view(self, request, pk):
        """The whole series of one indicator as a grid: one row per fiscal year, target and actual side by side."""
        indicator = get_object_or_404(Indicator.objects.select_related("plan", "department"), pk=pk)
        if not roles.can_edit_indicator(request.user, indicator):
            raise PermissionDenied
        plan = indicator.plan
        years = list(range(plan.start_fiscal_year, plan.end_fiscal_year + 1))
        existing = {(o.fiscal_year, o.kind): o for o in indicator.observations.filter(fiscal_year__in=years)}
        initial = []
        for year in years:
            target, actual = existing.get((year, "target")), existing.get((year, "actual"))
            initial.append(
                {
                    "fiscal_year": year,
                    "target_value": plain_number(target.value if target else None),
                    "target_comparator": target.comparator if target else "",
                    "target_version": target.lock_version if target else 0,
                    "actual_value": plain_number(actual.value if actual else None),
                    "actual_provisional": actual.is_provisional if actual else False,
                    "actual_measured_year": actual.measured_year if actual else None,
                    "actual_missing_reason": actual.missing_reason if actual else "",
                    "actual_version": actual.lock_version if actual else 0,
                }
            )
        SeriesFormSet = formset_factory(SeriesRowForm, extra=0)
        kwargs = {"initial": initial, "form_kwargs": {"decimals": indicator.decimals}}
        formset = SeriesFormSet(request.POST or None, **kwargs)
        if request.method == "POST" and formset.is_valid():
            try:
                changed = _save_series(indicator, formset, years, request.user)
            except ValidationError as error:
                formset._non_form_errors = formset.error_class(error.messages)
            else:
                self.message_user(
                    request,
                    ngettext(
                        "%(count)d 件の値を保存しました（公開されるまでは下書きです）。",
                        "%(count)d 件の値を保存しました（公開されるまでは下書きです）。",
                        changed,
                    )
                    % {"count": changed},
                    messages.SUCCESS,
                )
                return redirect("admin:kpi_indicator_series", indicator.pk)
        rows = [(form, year_label(form.initial["fiscal_year"], fiscal=True)) for form in formset.forms]
        context = {
            **self.admin_site.each_context(request),
            "title": _("%(name)s の系列") % {"name": indicator.name},
            "opts": self.model._meta,
            "indicator": indicator,
            "formset": formset,
            "rows": rows,
            "baseline": indicator.observations.filter(kind="baseline").first(),
        }
        return TemplateResponse(request, "admin/kpi/indicator/series.html", context)

    def actuals_view(self, request):
        """This year's actuals: every indicator the user is responsible for, in one form."""
        today_fy = fiscal_year_of(timezone.localdate())
        indicators = roles.editable_indicators(request.user, Indicator.objects.all()).select_related("plan")
        latest_end = max((i.plan.end_fiscal_year for i in indicators), default=today_fy - 1)
        try:
            fiscal_year = int(request.GET.get("fiscal_year") or min(today_fy - 1, latest_end))
        except ValueError:
            fiscal_year = min(today_fy - 1, latest_end)
        indicators = [i for i in indicators.order_by("plan__order", "code") if i.plan.contains_fiscal_year(fiscal_year)]
        observations = Observation.objects.filter(
            indicator__in=indicators, fiscal_year__in=(fiscal_year - 1, fiscal_year)
        )
        by_key = {(o.indicator_id, o.fiscal_year, o.kind): o for o in observations}
        forms = []
        for index, indicator in enumerate(indicators):
            current = by_key.get((indicator.pk, fiscal_year, "actual"))
            initial = {"indicator": indicator.pk, "version": current.lock_version if current else 0}
            if current is not None:
                initial.update(
                    value=plain_number(current.value),
                    is_provisional=current.is_provisional,
                    measured_year=current.measured_year,
                    missing_reason=current.missing_reason,
                )
            forms.append(
                ActualEntryForm(
                    request.POST or None,
                    prefix=f"i{index}",
                    initial=initial,
                    indicator=indicator,
                    previous=by_key.get((indicator.pk, fiscal_year - 1, "actual")),
                    target=by_key.get((indicator.pk, fiscal_year, "target")),
                    current=current,
                )
            )
        if request.method == "POST":
            for form in forms:
                if form.is_valid() and str(form.cleaned_data["indicator"]) != str(form.indicator_obj.pk):
                    raise PermissionDenied  # a crafted request naming another indicator
            if all(form.is_valid() for form in forms):
                try:
                    changed = _save_actuals(forms, fiscal_year, request.user)
                except ValidationError as error:
                    self.message_user(request, " ".join(error.messages), messages.ERROR)
                else:
                    self.message_user(
                        request,
                        ngettext(
                            "%(count)d 件の実績値を保存しました（公開されるまでは下書きです）。",
                            "%(count)d 件の実績値を保存しました（公開されるまでは下書きです）。",
                            changed,
                        )
                        % {"count": changed},
                        messages.SUCCESS,
                    )
                    return redirect(f"{reverse('admin:kpi_indicator_actuals')}?fiscal_year={fiscal_year}")
            else:
                self.message_user(request, _("入力に誤りがあります。赤字の項目を確認してください。"), messages.ERROR)
        context = {
            **self.admin_site.each_context(request),
            "title": _("%(year)s年度の実績値の入力") % {"year": fiscal_year},
            "opts": self.model._meta,
            "fiscal_year": fiscal_year,
            "fiscal_year_label": year_label(fiscal_year, fiscal=True),
            "previous_label": year_label(fiscal_year - 1, fiscal=True),
            "forms": forms,
            "year_choices": range(fiscal_year - 3, fiscal_year + 2),
        }
        return TemplateResponse(request, "admin/kpi/indicator/actuals.html", context)


@transaction.atomic
def _save_series(indicator, formset, years, user):
    """Save the grid through the one write path: changed cells only, explicit deletions, versions checked."""
    changed = 0
    stored = {(o.fiscal_year, o.kind): o for o in indicator.observations.filter(fiscal_year__in=years)}
    for form in formset.forms:
        data = form.cleaned_data
        year = data["fiscal_year"]
        if year not in years:
            raise ValidationError(_("年度は計画期間の中で入力してください。"))
        cells = (
            (
                Observation.Kind.TARGET,
                {"value": data["target_value"], "comparator": data["target_comparator"]},
                data["target_value"] is not None,
            ),
            (
                Observation.Kind.ACTUAL,
                {
                    "value": data["actual_value"],
                    "is_provisional": data["actual_provisional"],
                    "measured_year": data["actual_measured_year"],
                    "missing_reason": data["actual_missing_reason"],
                },
                data["actual_value"] is not None or bool(data["actual_missing_reason"]),
            ),
        )
        for kind, values, entered in cells:
            version = data[f"{kind}_version"]
            existing = stored.get((year, kind))
            if data[f"{kind}_delete"]:
                if existing is not None:
                    services.delete_observation(existing, user=user, expected_version=version)
                    changed += 1
            elif entered:
                changed += services.record_observation(
                    indicator, year, kind, user=user, expected_version=version, **values
                )[1]
    return changed


@transaction.atomic
def _save_actuals(forms, fiscal_year, user):
    changed = 0
    for form in forms:
        if not form.has_entry():
            continue
        data = form.cleaned_data
        changed += services.record_observation(
            form.indicator_obj,
            fiscal_year,
            "actual",
            user=user,
            expected_version=data["version"],
            value=data["value"],
            is_provisional=data["is_provisional"],
            measured_year=data["measured_year"],
            missing_reason=data["missing_reason"],
        )[1]
    return changed


UNPADDED_DECIMALS = {models.DecimalField: {"form_class": UnpaddedDecimalField}}


class TargetRevisionInline(ScopedInlineMixin, admin.TabularInline):
    model = TargetRevision
    extra = 0
    formfield_overrides = UNPADDED_DECIMALS


@admin.register(Observation)
class ObservationAdmin(ScopedAdminMixin, TabularImportAdminMixin, HistoryAdmin):
    version_kept_by_service = True  # save_model: kpi.services.save_observation checks and moves lock_version
    # What staff check in a list, narrow enough for a 1280 px screen with the longest indicator name: the name is
    # cut short (the whole name in its tooltip) and the comparator rides with the value (7,000以上).
    list_display = (
        "indicator_code",
        "indicator_name",
        "year",
        "kind",
        "value_display",
        "is_published",
        "is_provisional",
    )
    list_filter = ("is_published", "kind", "is_provisional", "indicator__plan", "indicator__department", "fiscal_year")
    list_select_related = ("indicator",)
    search_fields = ("indicator__name", "indicator__code", "printed", "note")
    autocomplete_fields = ("indicator",)
    form = ObservationForm
    readonly_fields = (
        "is_published",
        "pending_correction",
        "pending_retraction",
        *(f"published_{name}" for name in services.PUBLIC_FIGURES),
        "published_at",
        "published_by",
        "updated_at",
    )
    inlines = [TargetRevisionInline]
    actions = ["publish_selected", "confirm_selected"]
    change_list_template = "admin/kpi/observation/change_list.html"
    import_resource_class = ObservationResource

    import_help = _(
        "縦長の形式（indicator_id, fiscal_year, kind, value …）か、"
        "検証委員会資料の横長の形式（indicator_id, kind, H27, H28 …）。取り込んだ値は公開されるまで下書きです。"
    )

    @admin.display(description=_("指標コード"), ordering="indicator__code")
    def indicator_code(self, observation):
        return observation.indicator.code

    @admin.display(description=_("指標"), ordering="indicator__name")
    def indicator_name(self, observation):
        name = observation.indicator.name
        return format_html('<span class="cut-short" title="{}">{}</span>', name, name)

    @admin.display(description=_("年度"), ordering="fiscal_year")
    def year(self, observation):
        return observation.fiscal_year

    @admin.display(description=_("値"), ordering="value")
    def value_display(self, observation):
        if observation.value is None:
            return observation.missing_reason or "―"
        return unpadded_number(observation.value) + comparator_suffix(observation.comparator)

    def import_row_count(self, data, filename):
        # a wide file imports a row per year cell with a value, so few rows of it may be many to check
        return importing.rows_to_import(tabular.read_table(data, filename, max_rows=tabular.JOB_MAX_ROWS))

    def run_import(self, data, filename, user, dry_run, expected_versions=None, preview=None):
        return services.import_observations(
            data, filename, user=user, dry_run=dry_run, expected_versions=expected_versions, preview=preview
        )

    def export_queryset(self, request):
        return (
            self.get_queryset(request)
            .select_related("indicator__area")
            .order_by("indicator__area__slug", "indicator__code", "fiscal_year", "kind")
        )

    def save_model(self, request, obj, form, change):
        obj._history_user = request.user
        services.save_observation(obj, user=request.user, expected_version=obj.lock_version if change else None)

    def delete_model(self, request, obj):
        obj._history_user = request.user
        services.delete_observation(obj, user=request.user)

    def delete_queryset(self, request, queryset):
        for observation in queryset:
            self.delete_model(request, observation)

    @admin.action(description=_("選択した値を公開する"), permissions=["publish"])
    def publish_selected(self, request, queryset):
        count = services.publish(list(queryset), request.user)
        self.message_user(request, _("%(count)d 件の値を公開しました。") % {"count": count}, messages.SUCCESS)

    def has_publish_permission(self, request):
        return roles.can_publish(request.user)

    @admin.action(description=_("選択した概算値を確定値にする（公開は別に行います）"), permissions=["change"])
    def confirm_selected(self, request, queryset):
        count = services.confirm_provisional(list(queryset.select_related("indicator")))
        self.message_user(request, _("%(count)d 件の概算値を確定値にしました。") % {"count": count}, messages.SUCCESS)


@admin.register(TargetRevision)
class TargetRevisionAdmin(ScopedAdminMixin, HistoryAdmin):
    list_display = ("observation", "previous", "revised", "revised_on")
    list_filter = ("revised_on",)
    list_select_related = ("observation__indicator",)
    search_fields = ("observation__indicator__name", "reason")
    formfield_overrides = UNPADDED_DECIMALS

    @admin.display(description=_("変更前の値"), ordering="previous_value")
    def previous(self, revision):
        return unpadded_number(revision.previous_value)

    @admin.display(description=_("変更後の値"), ordering="revised_value")
    def revised(self, revision):
        return unpadded_number(revision.revised_value)


@admin.register(Measure)
class MeasureAdmin(ScopedAdminMixin, admin.ModelAdmin):
    list_display = ("name", "key", "area", "order")
    list_filter = ("area",)
    list_select_related = ("area",)
    search_fields = ("key", "name", "reason")
    filter_horizontal = ("indicators",)
    ordering = ("area", "order")
