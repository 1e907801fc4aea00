from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin

from actors.models import Actor, Coalition, CoalitionMembership, Membership, User
from reviews.admin import ProvenanceAdmin


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


class CoalitionMembershipInline(admin.TabularInline):
    model = CoalitionMembership
    fields = ("actor", "role", "joined_year", "left_year", "note", "source", "source_locator")
    extra = 0
    autocomplete_fields = ("actor",)


@admin.register(Actor)
class ActorAdmin(ProvenanceAdmin):
    list_display = ("name", "short_name", "kind", "country", "region", "is_demo", "provenance")
    list_filter = ("kind", "region", "is_demo", "source")
    search_fields = ("name", "short_name", "slug")
    prepopulated_fields = {"slug": ("name",)}
    autocomplete_fields = ("parent",)
    inlines = [MembershipInline]


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
