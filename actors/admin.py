from django.contrib import admin, messages
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.core.exceptions import ValidationError

from actors import services
from actors.models import (
    Actor,
    Coalition,
    CoalitionMembership,
    JoinRequest,
    Membership,
    Notification,
    User,
)
from portal.admin_provenance import ProvenanceAdmin


class MembershipInline(admin.TabularInline):
    model = Membership
    extra = 0
    autocomplete_fields = ("user", "actor")


@admin.register(User)
class UserAdmin(BaseUserAdmin):
    ordering = ("email",)
    list_display = ("email", "display_name", "is_active", "is_staff", "date_joined", "last_login")
    list_filter = ("is_active", "is_staff", "is_superuser", "groups")
    search_fields = ("email", "display_name")
    readonly_fields = ("date_joined", "last_login")
    fieldsets = (
        (None, {"fields": ("email", "password", "display_name")}),
        (
            "Permissions",
            {"fields": ("is_active", "is_staff", "is_superuser", "groups", "user_permissions")},
        ),
        ("Dates", {"fields": ("last_login", "date_joined")}),
    )
    add_fieldsets = (
        (
            None,
            {"classes": ("wide",), "fields": ("email", "display_name", "password1", "password2")},
        ),
    )
    inlines = [MembershipInline]
    actions = ["deactivate"]

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        if change and "is_active" in form.changed_data and not obj.is_active:
            # Disabling an account ends every session it has, at once.
            services.user_deactivate(user=obj, by=request.user)

    @admin.action(description="Disable the selected accounts and end their sessions")
    def deactivate(self, request, queryset):
        for user in queryset.filter(is_active=True):
            services.user_deactivate(user=user, by=request.user)
        self.message_user(request, "The selected accounts are disabled.", messages.SUCCESS)


class CoalitionMembershipInline(admin.TabularInline):
    model = CoalitionMembership
    fields = ("actor", "role", "joined_year", "left_year", "note", "source", "source_locator")
    extra = 0
    autocomplete_fields = ("actor",)


@admin.register(Actor)
class ActorAdmin(ProvenanceAdmin):
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
    list_filter = ("status", "kind", "region", "is_demo", "source")
    search_fields = ("name", "short_name", "slug")
    prepopulated_fields = {"slug": ("name",)}
    autocomplete_fields = ("parent", "proposed_by")
    # Accreditation goes through the actions, which also make the proposer a focal point.
    readonly_fields = ("status",)
    inlines = [MembershipInline]
    actions = ["accredit", "decline"]

    @admin.action(description="Accredit the selected organisations")
    def accredit(self, request, queryset):
        for actor in queryset.select_related("proposed_by"):
            services.actor_accredit(actor=actor, by=request.user)
        self.message_user(request, "The selected organisations are accredited.", messages.SUCCESS)

    @admin.action(description="Decline the selected proposals")
    def decline(self, request, queryset):
        for actor in queryset:
            try:
                services.actor_decline(actor=actor, by=request.user)
            except ValidationError as error:
                self.message_user(request, f"{actor}: {error.messages[0]}", messages.ERROR)


@admin.register(Coalition)
class CoalitionAdmin(ProvenanceAdmin):
    list_display = ("name", "short_name", "founded_year", "parent", "provenance")
    search_fields = ("name", "short_name")
    prepopulated_fields = {"slug": ("name",)}
    autocomplete_fields = ("parent",)
    list_select_related = ("parent", "source")
    inlines = [CoalitionMembershipInline]


@admin.register(CoalitionMembership)
class CoalitionMembershipAdmin(ProvenanceAdmin):
    list_display = ("actor", "coalition", "role", "joined_year", "left_year", "provenance")
    list_filter = ("coalition", "role")
    search_fields = ("actor__name", "actor__short_name", "coalition__name")
    autocomplete_fields = ("actor", "coalition")
    list_select_related = ("actor", "coalition", "source")


@admin.register(Membership)
class MembershipAdmin(admin.ModelAdmin):
    list_display = ("user", "actor", "role", "created_at")
    list_filter = ("role",)
    search_fields = ("user__email", "user__display_name", "actor__name")
    autocomplete_fields = ("user", "actor")
    list_select_related = ("user", "actor")


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
