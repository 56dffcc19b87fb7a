from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from .models import Department, Goal, MetroArea, Municipality, Plan
from .scoped import ScopedAdminMixin, ScopedInlineMixin


class MunicipalityInline(ScopedInlineMixin, admin.TabularInline):
    model = Municipality
    fields = ("lg_code", "name", "kind", "is_central_city", "joined_on")
    readonly_fields = fields
    extra = 0
    can_delete = False
    show_change_link = True

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(MetroArea)
class MetroAreaAdmin(ScopedAdminMixin, admin.ModelAdmin):
    list_display = ("name", "central_city_name", "vision_date", "population", "target_population")
    list_filter = ("vision_date",)
    search_fields = ("name", "central_city_name")
    prepopulated_fields = {}
    inlines = [MunicipalityInline]


@admin.register(Municipality)
class MunicipalityAdmin(ScopedAdminMixin, admin.ModelAdmin):
    list_display = ("name", "kana", "kind", "lg_code", "area", "is_central_city", "joined_on", "population")
    list_filter = ("kind", "is_central_city", "area")
    list_select_related = ("area",)
    search_fields = ("name", "kana", "name_en", "lg_code")
    ordering = ("-is_central_city", "joined_on", "lg_code")
    fieldsets = (
        (None, {"fields": ("lg_code", "name", "kana", "name_en", "kind")}),
        (_("圏域"), {"fields": ("area", "is_central_city", "joined_on")}),
        (_("人口"), {"fields": ("population", "population_census_year", "population_source")}),
    )


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
