"""The admin of a curated model (one with citations): edits and shows where its facts come from.

Shared by the apps' admins; it knows no app, only the `citations` of a curated model, whose
concrete citation model it finds from that relation.
"""

from functools import cache

from django.contrib import admin
from django.utils.html import format_html_join
from django.utils.translation import gettext_lazy as _


@cache
def citation_inline(model) -> type[admin.TabularInline]:
    """The inline that edits the citations of ``model``'s records (one class per model)."""
    return type(
        f"{model.__name__}CitationInline",
        (admin.TabularInline,),
        {
            "model": model._meta.get_field("citations").related_model,
            "fields": ("source", "locator", "supports"),
            "extra": 0,
            "min_num": 0,
            "verbose_name": _("citation"),
            "verbose_name_plural": _("Provenance: the sources cited, where and for what"),
        },
    )


class ProvenanceAdmin(admin.ModelAdmin):
    """Admin of a curated model: edits its citations and lists them with each record."""

    def get_inlines(self, request, obj):
        return [*super().get_inlines(request, obj), citation_inline(self.model)]

    def get_queryset(self, request):
        return super().get_queryset(request).with_citations()

    @admin.display(description=_("Provenance"))
    def provenance(self, obj):
        citations = list(obj.citations.all())
        if not citations:
            return "—"
        return format_html_join(
            "; ",
            '<a href="{}">{}</a> — “{}”',
            ((c.source.get_absolute_url(), c.source.title, c.locator) for c in citations),
        )
