from django.contrib import admin

from .models import Indicator, IndicatorPlacement, Observation, TargetRevision


class IndicatorPlacementInline(admin.TabularInline):
    model = IndicatorPlacement
    extra = 0
    autocomplete_fields = ("goal",)


class ObservationInline(admin.TabularInline):
    model = Observation
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
    )
    extra = 0
    ordering = ("fiscal_year", "kind")


@admin.register(Indicator)
class IndicatorAdmin(admin.ModelAdmin):
    list_display = ("code", "name", "unit", "plan", "direction", "is_cumulative")
    list_filter = ("plan", "direction", "is_cumulative")
    list_select_related = ("plan",)
    search_fields = ("code", "name", "notes")
    inlines = [IndicatorPlacementInline, ObservationInline]


class TargetRevisionInline(admin.TabularInline):
    model = TargetRevision
    extra = 0


@admin.register(Observation)
class ObservationAdmin(admin.ModelAdmin):
    list_display = ("indicator", "fiscal_year", "kind", "value", "comparator", "measured_year", "is_provisional")
    list_filter = ("kind", "is_provisional", "indicator__plan", "fiscal_year")
    list_select_related = ("indicator",)
    search_fields = ("indicator__name", "indicator__code", "printed", "note")
    autocomplete_fields = ("indicator",)
    inlines = [TargetRevisionInline]


@admin.register(TargetRevision)
class TargetRevisionAdmin(admin.ModelAdmin):
    list_display = ("observation", "previous_value", "revised_value", "revised_on")
    list_filter = ("revised_on",)
    list_select_related = ("observation__indicator",)
    search_fields = ("observation__indicator__name", "reason")
