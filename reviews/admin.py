from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.utils.translation import gettext, pgettext_lazy
from django.utils.translation import gettext_lazy as _
from simple_history.admin import SimpleHistoryAdmin

from actors.permissions import can_oversee
from portal.admin_actions import ask_reason, report_each
from portal.admin_provenance import ProvenanceAdmin
from reviews import services
from reviews.models import (
    Answer,
    Comment,
    DeclarationParagraph,
    DeclarationParagraphObjective,
    Endorsement,
    ExpectedResult,
    ExportJob,
    Flag,
    FrameworkIndicator,
    GuidingPrinciple,
    Milestone,
    ModerationLogEntry,
    Objective,
    Pledge,
    PledgePartner,
    PledgeTransition,
    ProgressUpdate,
    Question,
    ReportingRound,
    ReviewCycle,
    RoundTable,
    RoundTableObjective,
)


@admin.register(Objective)
class ObjectiveAdmin(ProvenanceAdmin):
    list_display = ("number", "short_label", "title", "provenance")
    search_fields = ("title", "short_label")
    list_filter = ("citations__source",)


@admin.register(GuidingPrinciple)
class GuidingPrincipleAdmin(ProvenanceAdmin):
    list_display = ("number", "title", "provenance")
    search_fields = ("title", "description")


class RoundTableInline(admin.TabularInline):
    model = RoundTable
    fields = ("number", "title", "held_on")
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
    list_select_related = ("cycle",)
    inlines = [RoundTableObjectiveInline]


class DeclarationParagraphObjectiveInline(admin.TabularInline):
    model = DeclarationParagraphObjective
    fields = ("objective", "editorial")
    extra = 0
    autocomplete_fields = ("objective",)


@admin.register(DeclarationParagraph)
class DeclarationParagraphAdmin(ProvenanceAdmin):
    list_display = ("number", "cycle", "section", "provenance")
    list_filter = ("cycle", "objectives")
    search_fields = ("summary", "section", "citations__locator")
    list_select_related = ("cycle",)
    inlines = [DeclarationParagraphObjectiveInline]


@admin.register(Milestone)
class MilestoneAdmin(ProvenanceAdmin):
    list_display = ("year", "date", "title", "provenance")
    list_filter = ("year",)
    search_fields = ("title", "description")
    prepopulated_fields = {"slug": ("title",)}


@admin.register(FrameworkIndicator)
class FrameworkIndicatorAdmin(ProvenanceAdmin):
    """The indicators of published frameworks that a pledge's indicator may name: curated from
    their sources, each citing where it stands; none is invented."""

    list_display = ("framework", "code", "name", "provenance")
    list_filter = ("framework",)
    search_fields = ("framework", "code", "name")


@admin.register(ReportingRound)
class ReportingRoundAdmin(admin.ModelAdmin):
    """An administrator opens a round: its dates and the days its reminders go out at. The
    scheduler sends them (reviews.tasks.send_round_reminders); the round's page counts."""

    list_display = ("name", "cycle", "opens_on", "closes_on", "reminder_days", "late_days")
    list_filter = ("cycle",)
    search_fields = ("name",)
    prepopulated_fields = {"slug": ("name",)}
    date_hierarchy = "opens_on"
    readonly_fields = ("reminders_end_on", "created_at")


class ReadOnlyInline(admin.TabularInline):
    """Rows shown with their parent, written by the services only."""

    extra = 0
    can_delete = False

    def get_readonly_fields(self, request, obj=None):
        return self.fields

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False


class PledgePartnerInline(ReadOnlyInline):
    model = PledgePartner
    fields = ("actor", "status", "decided_by", "decided_at")


class ExpectedResultInline(ReadOnlyInline):
    """The pledge's expected results (their indicators are on the pledge's page)."""

    model = ExpectedResult
    fields = ("position", "statement", "created_at")


class PledgeTransitionInline(ReadOnlyInline):
    """The recorded steps of the lifecycle."""

    model = PledgeTransition
    fields = ("created_at", "from_status", "to_status", "user", "actor", "reason")


class Moderated:
    """Admin of what moderators decide: its actions need the oversight role, with MFA (the
    same predicate as on the site), and call the services that check, log and notify."""

    def has_moderate_permission(self, request):
        return can_oversee(request.user)


class ReadOnly:
    """Nothing here is added, changed or deleted by hand: the admin reads it and acts on it
    through its actions only."""

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Pledge)
class PledgeAdmin(Moderated, ReadOnly, SimpleHistoryAdmin):
    """A pledge belongs to its organisation. The admin reads it (with its history) and takes
    the moderators' steps of the workflow; it changes nothing of its content or state by hand,
    and deletes nothing (that would erase the recorded transitions)."""

    workflow_fields = (
        "status",
        "implementation_status",
        "version",
        "created_at",
        "updated_at",
        "submitted_at",
        "published_at",
        "last_reported_at",
        "measurable",
    )
    list_display = (
        "title",
        "lead",
        "status",
        "implementation_status",
        "submitted_at",
        "published_at",
    )
    list_filter = ("status", "implementation_status", "measurable", "kind", "support", "cycle")
    search_fields = ("title", "summary", "lead__name")
    list_select_related = ("lead",)
    readonly_fields = workflow_fields
    inlines = [PledgePartnerInline, ExpectedResultInline, PledgeTransitionInline]
    actions = ["publish", "return_for_changes", "reject"]

    def get_fieldsets(self, request, obj=None):
        content = [f for f in self.get_fields(request, obj) if f not in self.workflow_fields]
        return [(None, {"fields": content}), (_("Workflow"), {"fields": self.workflow_fields})]

    def history_form_view(self, request, object_id, version_id, extra_context=None):
        # Reverting to a past version would rewrite content and status outside the workflow.
        if request.method == "POST":
            raise PermissionDenied
        return super().history_form_view(request, object_id, version_id, extra_context)

    @admin.action(description=_("Publish the selected submitted pledges"), permissions=["moderate"])
    def publish(self, request, queryset):
        report_each(
            self,
            request,
            queryset,
            lambda pledge: services.pledge_publish(pledge=pledge, by=request.user),
            done=pgettext_lazy("what an admin action did", "published"),
        )

    @admin.action(
        description=_("Return the selected submitted pledges for changes"),
        permissions=["moderate"],
    )
    def return_for_changes(self, request, queryset):
        return ask_reason(
            self,
            request,
            queryset,
            action="return_for_changes",
            done=pgettext_lazy("what an admin action did", "returned for changes"),
            help_text=_("The organisation reads it: say what to change."),
            apply=lambda pledge, reason: services.pledge_return(
                pledge=pledge, by=request.user, reason=reason
            ),
        )

    @admin.action(description=_("Reject the selected submitted pledges"), permissions=["moderate"])
    def reject(self, request, queryset):
        return ask_reason(
            self,
            request,
            queryset,
            action="reject",
            done=pgettext_lazy("what an admin action did", "rejected"),
            help_text=_("The organisation reads it."),
            apply=lambda pledge, reason: services.pledge_reject(
                pledge=pledge, by=request.user, reason=reason
            ),
        )


class HideAndRestore(Moderated):
    """Hiding and restoring a comment or an update, logged, and for an update followed by its
    pledge's implementation status: the moderation services do it all."""

    @admin.action(
        description=_("Hide the selected %(verbose_name_plural)s"), permissions=["moderate"]
    )
    def hide(self, request, queryset):
        return ask_reason(
            self,
            request,
            queryset,
            action="hide",
            done=pgettext_lazy("what an admin action did", "hidden"),
            help_text=_("The author reads it."),
            apply=lambda item, reason: services.item_hide(
                item=item, moderator=request.user, reason=reason
            ),
        )

    @admin.action(
        description=_("Restore the selected hidden %(verbose_name_plural)s"),
        permissions=["moderate"],
    )
    def restore(self, request, queryset):
        return ask_reason(
            self,
            request,
            queryset,
            action="restore",
            done=pgettext_lazy("what an admin action did", "restored"),
            required=False,
            help_text=_("The author reads it."),
            apply=lambda item, reason: services.item_restore(
                item=item, moderator=request.user, reason=reason
            ),
        )


@admin.register(ProgressUpdate)
class ProgressUpdateAdmin(HideAndRestore, ReadOnly, admin.ModelAdmin):
    """An update is its organisation's report; the admin hides or restores it, nothing more."""

    list_display = ("pledge", "date", "stage", "actor", "author", "is_hidden", "auto_hidden")
    list_filter = ("stage", "is_hidden", "auto_hidden")
    search_fields = ("pledge__title", "narrative")
    list_select_related = ("pledge", "actor", "author")
    readonly_fields = ("author", "created_at")
    actions = ["hide", "restore"]


@admin.register(Comment)
class CommentAdmin(HideAndRestore, ReadOnly, admin.ModelAdmin):
    """A comment is its author's words; the admin hides or restores it, nothing more."""

    list_display = ("__str__", "author", "actor", "created_at", "is_hidden", "auto_hidden")
    list_filter = ("is_hidden", "auto_hidden")
    search_fields = ("body", "author__display_name", "author__email")
    list_select_related = ("author", "actor")
    readonly_fields = [f.name for f in Comment._meta.fields]
    actions = ["hide", "restore"]


@admin.register(Question)
class QuestionAdmin(HideAndRestore, ReadOnly, admin.ModelAdmin):
    """A question is its author's words, answered by the organisation asked: the admin reads it
    and hides or restores it (closing one is the moderators', with a reason, on the site)."""

    list_display = (
        "__str__",
        "pledge",
        "author",
        "actor",
        "status",
        "created_at",
        "answered_at",
        "is_hidden",
        "auto_hidden",
    )
    list_filter = ("status", "is_hidden", "auto_hidden")
    search_fields = ("body", "pledge__title", "addressed_to__name", "author__display_name")
    list_select_related = ("pledge", "addressed_to", "author", "actor")
    readonly_fields = [f.name for f in Question._meta.fields]
    date_hierarchy = "created_at"
    actions = ["hide", "restore"]


@admin.register(Answer)
class AnswerAdmin(HideAndRestore, ReadOnly, admin.ModelAdmin):
    """An answer is its organisation's word; the admin hides or restores it, nothing more."""

    list_display = ("__str__", "question", "author", "created_at", "is_hidden", "auto_hidden")
    list_filter = ("is_hidden", "auto_hidden")
    search_fields = ("body", "actor__name", "author__display_name")
    list_select_related = ("question__addressed_to", "actor", "author")
    readonly_fields = [f.name for f in Answer._meta.fields]
    actions = ["hide", "restore"]


@admin.register(Flag)
class FlagAdmin(Moderated, ReadOnly, admin.ModelAdmin):
    list_display = (
        "__str__",
        "comment",
        "progress_update",
        "question",
        "answer",
        "reason",
        "created_at",
        "dismissed_at",
    )
    list_filter = ("reason",)
    list_select_related = ("user", "comment", "progress_update", "question", "answer")
    actions = ["dismiss"]

    @admin.action(
        description=_("Dismiss the open flags of the flagged items"), permissions=["moderate"]
    )
    def dismiss(self, request, queryset):
        items = []
        open_flags = queryset.filter(dismissed_at__isnull=True)
        for flag in open_flags.select_related(
            "comment__author", "progress_update__pledge", "question", "answer"
        ):
            item = flag.comment or flag.progress_update or flag.question or flag.answer
            if item not in items:
                items.append(item)
        if not items:
            self.message_user(
                request, gettext("The selected flags are dismissed already."), messages.INFO
            )
            return None
        return ask_reason(
            self,
            request,
            queryset,
            action="dismiss",
            done=pgettext_lazy("what an admin action did", "its open flags are dismissed"),
            targets=items,
            required=False,
            apply=lambda item, reason: services.flags_dismiss(
                item=item, moderator=request.user, reason=reason
            ),
        )


@admin.register(Endorsement)
class EndorsementAdmin(ReadOnly, admin.ModelAdmin):
    """An endorsement is its organisation's word: made and withdrawn by its members through the
    services (which tell the lead), read here with the record of withdrawn ones."""

    list_display = (
        "__str__",
        "actor",
        "pledge",
        "offers_partnership",
        "endorsed_by",
        "created_at",
        "withdrawn_at",
    )
    list_filter = ("offers_partnership", ("withdrawn_at", admin.EmptyFieldListFilter))
    search_fields = ("actor__name", "pledge__title", "note")
    list_select_related = ("actor", "pledge", "endorsed_by")
    date_hierarchy = "created_at"


@admin.register(ModerationLogEntry)
class ModerationLogEntryAdmin(ReadOnly, admin.ModelAdmin):
    """The log is append-only: the admin can read it, never change or delete it."""

    list_display = ("created_at", "moderator", "action", "target_type", "target_label", "reason")
    list_filter = ("action", "target_type")
    search_fields = ("target_label", "reason", "moderator__display_name")
    list_select_related = ("moderator",)


@admin.register(ExportJob)
class ExportJobAdmin(admin.ModelAdmin):
    """Read-only: a job is the record of what a worker built for someone; the nightly
    prune_exports removes it with its file."""

    list_display = ("pk", "resource", "fmt", "requester", "status", "rows_done", "rows_total")
    list_filter = ("status", "resource")
    list_select_related = ("requester",)
    date_hierarchy = "created_at"

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
