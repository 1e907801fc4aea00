from django import forms
from django.contrib import admin, messages
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.core.exceptions import ValidationError
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from actors import services
from actors.models import (
    Actor,
    Coalition,
    CoalitionMembership,
    JoinRequest,
    Membership,
    Notification,
    OutgoingEmail,
    SourceDocument,
    User,
)
from actors.permissions import is_administrator
from portal.admin_actions import RefusalsAsMessages
from portal.admin_provenance import ProvenanceAdmin


@admin.register(SourceDocument)
class SourceDocumentAdmin(admin.ModelAdmin):
    list_display = ("title", "kind", "authors", "published", "file_name")
    list_filter = ("kind",)
    search_fields = ("title", "authors", "publisher", "slug")
    prepopulated_fields = {"slug": ("title",)}


class MembershipForm(forms.ModelForm):
    """A saved membership is one person in one organisation: only its role changes (through the
    service); to move someone, remove the membership and add another."""

    class Meta:
        model = Membership
        fields = ("user", "actor", "role")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            for name in ("user", "actor"):
                if name in self.fields:
                    self.fields[name].disabled = True


def _naming(membership: Membership, error: ValidationError) -> ValidationError:
    # One page may save several memberships: say which one the service refused.
    return ValidationError(
        gettext("%(membership)s: %(refusal)s")
        % {"membership": membership, "refusal": " ".join(error.messages)}
    )


def change_role(membership: Membership, *, by: User) -> None:
    """Give `membership` the role a form set on it, through the service."""
    current = Membership.objects.select_related("user", "actor").get(pk=membership.pk)
    try:
        services.membership_change_role(membership=current, role=membership.role, by=by)
    except ValidationError as error:
        raise _naming(current, error) from error


def remove(membership: Membership, *, by: User) -> None:
    try:
        services.membership_remove(membership=membership, by=by)
    except ValidationError as error:
        raise _naming(membership, error) from error


class MembershipInline(admin.TabularInline):
    model = Membership
    form = MembershipForm
    extra = 0
    autocomplete_fields = ("user", "actor")


class MembershipsThroughServices(RefusalsAsMessages):
    """The memberships inline saves through the services, which refuse to leave an organisation
    without a focal point; a refusal undoes the whole save and is shown as an error."""

    def save_formset(self, request, form, formset, change):
        if formset.model is not Membership:
            return super().save_formset(request, form, formset, change)
        formset.save(commit=False)
        changed = [obj for obj, fields in formset.changed_objects if "role" in fields]
        promoted = [m for m in changed if m.role == Membership.Role.FOCAL_POINT]
        # Promotions and additions first: handing the focal point over in one save works.
        for membership in promoted:
            change_role(membership, by=request.user)
        for membership in formset.new_objects:
            membership.save()
        for membership in changed:
            if membership not in promoted:
                change_role(membership, by=request.user)
        for membership in formset.deleted_objects:
            remove(membership, by=request.user)
        return None


@admin.register(User)
class UserAdmin(MembershipsThroughServices, BaseUserAdmin):
    ordering = ("email",)
    list_display = ("email", "display_name", "is_active", "is_staff", "date_joined", "last_login")
    list_filter = ("is_active", "is_staff", "is_superuser", "groups")
    search_fields = ("email", "display_name")
    readonly_fields = ("date_joined", "last_login")
    fieldsets = (
        (None, {"fields": ("email", "password", "display_name")}),
        (
            _("Permissions"),
            {"fields": ("is_active", "is_staff", "is_superuser", "groups", "user_permissions")},
        ),
        (_("Dates"), {"fields": ("last_login", "date_joined")}),
    )
    add_fieldsets = (
        (
            None,
            {"classes": ("wide",), "fields": ("email", "display_name", "password1", "password2")},
        ),
    )
    inlines = [MembershipInline]
    actions = ["deactivate"]
    role_fields = ("is_staff", "is_superuser", "groups", "user_permissions")

    def get_readonly_fields(self, request, obj=None):
        # Roles (administrator, staff, the Moderators group) are granted by administrators only:
        # a staff member allowed to edit accounts cannot raise anyone's powers, their own included.
        readonly = super().get_readonly_fields(request, obj)
        if not is_administrator(request.user):
            readonly = (*readonly, *self.role_fields)
        return readonly

    def has_delete_permission(self, request, obj=None):
        # An account is disabled here, or deleted by its owner (which keeps what they wrote and
        # refuses to leave an organisation without a focal point); never erased with its rows.
        return False

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        if change and "is_active" in form.changed_data and not obj.is_active:
            # Disabling an account ends every session it has, at once.
            services.user_deactivate(user=obj, by=request.user)

    @admin.action(
        description=_("Disable the selected accounts and end their sessions"),
        permissions=["change"],
    )
    def deactivate(self, request, queryset):
        for user in queryset.filter(is_active=True):
            services.user_deactivate(user=user, by=request.user)
        self.message_user(request, gettext("The selected accounts are disabled."), messages.SUCCESS)


class CoalitionMembershipInline(admin.TabularInline):
    model = CoalitionMembership
    fields = ("actor", "role", "joined_year", "left_year", "note")
    extra = 0
    autocomplete_fields = ("actor",)


@admin.register(Actor)
class ActorAdmin(MembershipsThroughServices, ProvenanceAdmin):
    list_display = (
        "name",
        "short_name",
        "kind",
        "country",
        "region",
        "status",
        "is_demo",
        "provenance",
    )
    list_filter = ("status", "kind", "region", "is_demo", "citations__source")
    search_fields = ("name", "short_name", "slug")
    prepopulated_fields = {"slug": ("name",)}
    autocomplete_fields = ("parent", "proposed_by")
    # Accreditation goes through the actions, which also make the proposer a focal point.
    readonly_fields = ("status",)
    inlines = [MembershipInline]
    actions = ["accredit", "decline"]

    @admin.action(description=_("Accredit the selected organisations"), permissions=["change"])
    def accredit(self, request, queryset):
        for actor in queryset.select_related("proposed_by"):
            services.actor_accredit(actor=actor, by=request.user)
        self.message_user(
            request, gettext("The selected organisations are accredited."), messages.SUCCESS
        )

    @admin.action(description=_("Decline the selected proposals"), permissions=["change"])
    def decline(self, request, queryset):
        for actor in queryset:
            try:
                services.actor_decline(actor=actor, by=request.user)
            except ValidationError as error:
                self.message_user(
                    request,
                    gettext("%(actor)s: %(refusal)s")
                    % {"actor": actor, "refusal": error.messages[0]},
                    messages.ERROR,
                )


@admin.register(Coalition)
class CoalitionAdmin(ProvenanceAdmin):
    list_display = ("name", "short_name", "founded_year", "parent", "provenance")
    search_fields = ("name", "short_name")
    prepopulated_fields = {"slug": ("name",)}
    autocomplete_fields = ("parent",)
    list_select_related = ("parent",)
    inlines = [CoalitionMembershipInline]


@admin.register(CoalitionMembership)
class CoalitionMembershipAdmin(ProvenanceAdmin):
    list_display = ("actor", "coalition", "role", "joined_year", "left_year", "provenance")
    list_filter = ("coalition", "role")
    search_fields = ("actor__name", "actor__short_name", "coalition__name")
    autocomplete_fields = ("actor", "coalition")
    list_select_related = ("actor", "coalition")


@admin.register(Membership)
class MembershipAdmin(RefusalsAsMessages, admin.ModelAdmin):
    """Roles change and memberships end through the services (an organisation keeps a focal
    point); a new membership is a plain row."""

    list_display = ("user", "actor", "role", "created_at")
    list_filter = ("role",)
    search_fields = ("user__email", "user__display_name", "actor__name")
    autocomplete_fields = ("user", "actor")
    list_select_related = ("user", "actor")
    form = MembershipForm

    def save_model(self, request, obj, form, change):
        if not change:
            super().save_model(request, obj, form, change)
        elif "role" in form.changed_data:
            change_role(obj, by=request.user)

    def delete_model(self, request, obj):
        remove(obj, by=request.user)

    def delete_queryset(self, request, queryset):
        # One by one: the last focal point of an organisation is refused, and the batch undone.
        for membership in queryset.select_related("user", "actor"):
            remove(membership, by=request.user)


@admin.register(JoinRequest)
class JoinRequestAdmin(admin.ModelAdmin):
    """Requests are decided by the organisations' focal points; the admin only reads them."""

    list_display = ("user", "actor", "status", "role", "created_at", "decided_by", "decided_at")
    list_filter = ("status",)
    search_fields = ("user__email", "user__display_name", "actor__name")
    list_select_related = ("user", "actor", "decided_by")

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(Notification)
class NotificationAdmin(admin.ModelAdmin):
    list_display = ("user", "kind", "title", "created_at", "read_at", "emailed_at")
    list_filter = ("kind", "frequency")
    search_fields = ("user__email", "title")
    list_select_related = ("user",)


@admin.register(OutgoingEmail)
class OutgoingEmailAdmin(admin.ModelAdmin):
    """What was sent, what waits and what was given up (with the last SMTP error). Read only,
    and without the bodies: they carry sign-in and password-reset links."""

    list_display = ("to", "subject", "status", "attempts", "created_at", "sent_at")
    list_filter = ("status",)
    search_fields = ("to", "subject", "message_id")
    fields = readonly_fields = (
        "id",
        "message_id",
        "to",
        "subject",
        "status",
        "attempts",
        "last_error",
        "created_at",
        "last_attempt_at",
        "sent_at",
    )

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
