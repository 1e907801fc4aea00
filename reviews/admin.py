from django.contrib import admin
from django.utils.html import format_html

from reviews.models import (
    DeclarationParagraph,
    GuidingPrinciple,
    Milestone,
    Objective,
    ReviewCycle,
    RoundTable,
    RoundTableObjective,
    SourceDocument,
)


class ProvenanceAdmin(admin.ModelAdmin):
    """Admin of a curated model: shows where each record's facts come from."""

    provenance_fields = ("source", "source_locator", "provenance")
    list_select_related = ("source",)

    def get_readonly_fields(self, request, obj=None):
        return (*super().get_readonly_fields(request, obj), "provenance")

    def get_fieldsets(self, request, obj=None):
        fields = [f for f in self.get_fields(request, obj) if f not in self.provenance_fields]
        return [(None, {"fields": fields}), ("Provenance", {"fields": self.provenance_fields})]

    @admin.display(description="Provenance")
    def provenance(self, obj):
        if not obj or not obj.source_id:
            return "—"
        quote = f" — “{obj.source_locator}”" if obj.source_locator else ""
        return format_html(
            '<a href="{}">{}</a>{}', obj.source.get_absolute_url(), obj.source.title, quote
        )


@admin.register(SourceDocument)
class SourceDocumentAdmin(admin.ModelAdmin):
    list_display = ("title", "kind", "authors", "published", "file_name")
    list_filter = ("kind",)
    search_fields = ("title", "authors", "publisher", "slug")
    prepopulated_fields = {"slug": ("title",)}


@admin.register(Objective)
class ObjectiveAdmin(ProvenanceAdmin):
    list_display = ("number", "short_label", "title", "provenance")
    search_fields = ("title", "short_label")
    list_filter = ("source",)


@admin.register(GuidingPrinciple)
class GuidingPrincipleAdmin(ProvenanceAdmin):
    list_display = ("number", "title", "provenance")
    search_fields = ("title", "description")


class RoundTableInline(admin.TabularInline):
    model = RoundTable
    fields = ("number", "title", "held_on", "source", "source_locator")
    extra = 0
    show_change_link = True


@admin.register(ReviewCycle)
class ReviewCycleAdmin(ProvenanceAdmin):
    list_display = ("name", "kind", "year", "starts_on", "submissions_open", "submissions_close")
    list_filter = ("kind", "year")
    search_fields = ("name", "venue", "outcome")
    prepopulated_fields = {"slug": ("name",)}
    date_hierarchy = "starts_on"
    inlines = [RoundTableInline]


class RoundTableObjectiveInline(admin.TabularInline):
    model = RoundTableObjective
    extra = 0
    autocomplete_fields = ("objective",)


@admin.register(RoundTable)
class RoundTableAdmin(ProvenanceAdmin):
    list_display = ("__str__", "cycle", "number", "held_on", "provenance")
    list_filter = ("cycle",)
    search_fields = ("title", "cycle__name")
    list_select_related = ("cycle", "source")
    inlines = [RoundTableObjectiveInline]


@admin.register(DeclarationParagraph)
class DeclarationParagraphAdmin(ProvenanceAdmin):
    list_display = ("number", "cycle", "section", "provenance")
    list_filter = ("cycle", "objectives")
    search_fields = ("summary", "section", "source_locator")
    list_select_related = ("cycle", "source")
    filter_horizontal = ("objectives",)


@admin.register(Milestone)
class MilestoneAdmin(ProvenanceAdmin):
    list_display = ("year", "date", "title", "provenance")
    list_filter = ("year",)
    search_fields = ("title", "description")
    prepopulated_fields = {"slug": ("title",)}
