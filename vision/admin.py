from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from .models import AreaMembership, BackgroundJob, Department, Goal, MetroArea, Municipality, Passage, Plan
from .scoped import ScopedAdminMixin, ScopedInlineMixin


class AreaMembershipInline(ScopedInlineMixin, admin.TabularInline):
    model = AreaMembership
    fields = ("municipality", "is_central_city", "joined_on", "left_on", "source")
    autocomplete_fields = ("municipality",)
    extra = 0


class MunicipalityMembershipInline(AreaMembershipInline):
    fields = ("area", "is_central_city", "joined_on", "left_on", "source")
    autocomplete_fields = ()
    verbose_name = _("所属する圏域")
    verbose_name_plural = _("所属する圏域")


@admin.register(MetroArea)
class MetroAreaAdmin(ScopedAdminMixin, admin.ModelAdmin):
    list_display = ("name", "central_city_name", "vision_date", "population", "target_population")
    list_filter = ("vision_date",)
    search_fields = ("name", "central_city_name")
    prepopulated_fields = {}
    inlines = [AreaMembershipInline]


@admin.register(Municipality)
class MunicipalityAdmin(ScopedAdminMixin, admin.ModelAdmin):
    list_display = ("name", "kana", "kind", "lg_code", "area_names", "population")
    list_filter = ("kind", "memberships__is_central_city", "areas")
    search_fields = ("name", "kana", "name_en", "lg_code")
    ordering = ("lg_code",)
    fieldsets = (
        (None, {"fields": ("lg_code", ("name", "name_en"), "kana", "kind")}),
        (_("人口"), {"fields": ("population", "population_census_year", "population_source")}),
    )
    inlines = [MunicipalityMembershipInline]

    def get_queryset(self, request):
        return super().get_queryset(request).prefetch_related("areas")

    @admin.display(description=_("連携中枢都市圏"))
    def area_names(self, obj):
        return "、".join(area.name for area in obj.areas.all()) or "―"


@admin.register(Plan)
class PlanAdmin(ScopedAdminMixin, admin.ModelAdmin):
    list_display = ("title", "kind", "area", "start_fiscal_year", "end_fiscal_year", "progress_scheme")
    list_filter = ("kind", "area", "progress_scheme")
    list_select_related = ("area",)
    search_fields = ("title", "short_title", "description")


@admin.register(Goal)
class GoalAdmin(ScopedAdminMixin, admin.ModelAdmin):
    list_display = ("code", "number", "title", "plan", "parent", "order")
    list_filter = ("plan",)
    list_select_related = ("plan", "parent")
    search_fields = ("code", "number", "title", "description")
    autocomplete_fields = ("parent",)
    ordering = ("plan", "order")


@admin.register(Department)
class DepartmentAdmin(ScopedAdminMixin, admin.ModelAdmin):
    list_display = ("name", "municipality", "email")
    list_filter = ("municipality",)
    list_select_related = ("municipality",)
    search_fields = ("name", "municipality__name", "email")
    filter_horizontal = ("staff",)


@admin.register(Passage)
class PassageAdmin(ScopedAdminMixin, admin.ModelAdmin):
    list_display = ("key", "topic", "author", "document", "section", "heading", "area")
    list_filter = ("area", "topic", "author")
    list_select_related = ("area",)
    search_fields = ("key", "document", "section", "heading", "text")
    raw_id_fields = ("goal", "assessed_goal")
    ordering = ("area", "topic", "order")


@admin.register(BackgroundJob)
class BackgroundJobAdmin(ScopedAdminMixin, admin.ModelAdmin):
    """The background jobs a user asked for (a superuser: everyone's), read only: jobs write their own records."""

    list_display = ("__str__", "subject", "state", "done", "total", "created_at", "finished_at")
    list_filter = ("kind", "state")
    fields = ("kind", "subject", "owner", "state", "done", "total", "message", "created_at", "finished_at")
    readonly_fields = fields

    def get_queryset(self, request):
        return super().get_queryset(request).defer("output")

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
