from django.contrib import admin, messages
from django.core.exceptions import ValidationError
from simple_history.admin import SimpleHistoryAdmin

from portal.admin_provenance import ProvenanceAdmin
from reviews import services
from reviews.models import (
    Comment,
    DeclarationParagraph,
    Flag,
    GuidingPrinciple,
    Milestone,
    ModerationLogEntry,
    Objective,
    Pledge,
    PledgePartner,
    PledgeTransition,
    ProgressUpdate,
    ReviewCycle,
    RoundTable,
    RoundTableObjective,
    SourceDocument,
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


class PledgePartnerInline(admin.TabularInline):
    model = PledgePartner
    extra = 0
    autocomplete_fields = ("actor",)
    readonly_fields = ("status", "decided_by", "decided_at")


class PledgeTransitionInline(admin.TabularInline):
    """The recorded steps; written by the services only."""

    model = PledgeTransition
    extra = 0
    can_delete = False
    fields = ("created_at", "from_status", "to_status", "user", "actor", "reason")
    readonly_fields = fields

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(Pledge)
class PledgeAdmin(SimpleHistoryAdmin):
    """Readable and moderatable; the status changes only through the workflow's actions."""

    list_display = (
        "title",
        "lead",
        "status",
        "implementation_status",
        "submitted_at",
        "published_at",
    )
    list_filter = ("status", "implementation_status", "kind", "support", "cycle")
    search_fields = ("title", "summary", "lead__name")
    list_select_related = ("lead",)
    autocomplete_fields = ("lead", "matches")
    filter_horizontal = ("objectives", "principles")
    readonly_fields = (
        "status",
        "version",
        "created_by",
        "created_at",
        "updated_at",
        "submitted_at",
        "published_at",
        "last_reported_at",
    )
    inlines = [PledgePartnerInline, PledgeTransitionInline]
    actions = ["publish"]

    def save_model(self, request, obj, form, change):
        # An edit here is a new version too: an editor holding the old one gets a conflict.
        if change:
            obj.version += 1
        super().save_model(request, obj, form, change)

    @admin.action(description="Publish the selected submitted pledges")
    def publish(self, request, queryset):
        for pledge in queryset:
            try:
                services.pledge_publish(pledge=pledge, by=request.user)
            except ValidationError as error:
                self.message_user(request, f"{pledge}: {error.messages[0]}", messages.ERROR)
            else:
                self.message_user(request, f"{pledge}: published.", messages.SUCCESS)


@admin.register(ProgressUpdate)
class ProgressUpdateAdmin(admin.ModelAdmin):
    list_display = ("pledge", "date", "stage", "actor", "author", "is_hidden")
    list_filter = ("stage", "is_hidden")
    search_fields = ("pledge__title", "narrative")
    list_select_related = ("pledge", "actor", "author")
    autocomplete_fields = ("pledge", "actor")
    readonly_fields = ("author", "created_at")


@admin.register(Comment)
class CommentAdmin(admin.ModelAdmin):
    """Comments are moderated from the moderation page (so that every action is logged)."""

    list_display = ("__str__", "author", "actor", "created_at", "is_hidden", "auto_hidden")
    list_filter = ("is_hidden", "auto_hidden")
    search_fields = ("body", "author__display_name", "author__email")
    list_select_related = ("author", "actor")
    readonly_fields = [f.name for f in Comment._meta.fields]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(Flag)
class FlagAdmin(admin.ModelAdmin):
    list_display = ("__str__", "comment", "progress_update", "reason", "created_at", "dismissed_at")
    list_filter = ("reason",)
    list_select_related = ("user", "comment", "progress_update")

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(ModerationLogEntry)
class ModerationLogEntryAdmin(admin.ModelAdmin):
    """The log is append-only: the admin can read it, never change or delete it."""

    list_display = ("created_at", "moderator", "action", "target_type", "target_label", "reason")
    list_filter = ("action", "target_type")
    search_fields = ("target_label", "reason", "moderator__display_name")
    list_select_related = ("moderator",)

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
