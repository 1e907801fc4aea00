"""The admin of a curated model (one with a source): shows where each record's facts come from.

Shared by the apps' admins; it knows no app, only the `source`/`source_locator` fields of a
sourced model.
"""

from django.contrib import admin
from django.utils.html import format_html


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
