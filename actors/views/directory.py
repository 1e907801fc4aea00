"""Public pages of the actors directory and the coalitions."""

from django.db.models import Count, Prefetch, Q
from django.http import Http404
from django.shortcuts import get_object_or_404, render
from django.views.decorators.http import require_safe

from actors.filters import ActorFilter
from actors.models import Actor, Coalition, CoalitionMembership
from actors.permissions import Access, actor_management_access, can_view_actor, join_access
from portal.pagination import page_of

ACTORS_PER_PAGE = 50


@require_safe
def actor_list(request):
    actor_filter = ActorFilter(request.GET, queryset=Actor.objects.for_directory())
    page = page_of(actor_filter.qs, request, ACTORS_PER_PAGE, count=True)
    return render(request, "actors/actor_list.html", {"filter": actor_filter, "page": page})


@require_safe
def actor_detail(request, slug):
    actor = get_object_or_404(Actor.objects.select_related("parent").with_citations(), slug=slug)
    if not can_view_actor(request.user, actor):
        raise Http404("No such organisation.")
    memberships = actor.coalition_memberships.select_related("coalition").with_citations()
    children = actor.children.accredited().only("name", "short_name", "slug")
    return render(
        request,
        "actors/actor_detail.html",
        {
            "actor": actor,
            "memberships": memberships,
            "children": children,
            "can_join": join_access(request.user, actor) is Access.ALLOW,
            "can_manage": actor_management_access(request.user, actor).offered,
        },
    )


@require_safe
def coalition_list(request):
    coalitions = (
        Coalition.objects.select_related("parent")
        .with_citations()
        .annotate(
            member_count=Count(
                "members", filter=Q(members__status=Actor.Status.ACCREDITED), distinct=True
            )
        )
    )
    return render(request, "actors/coalition_list.html", {"coalitions": coalitions})


@require_safe
def coalition_detail(request, slug):
    coalition = get_object_or_404(
        Coalition.objects.select_related("parent")
        .with_citations()
        .prefetch_related(
            Prefetch("children", queryset=Coalition.objects.only("name", "slug", "parent"))
        ),
        slug=slug,
    )
    memberships = (
        CoalitionMembership.objects.filter(coalition=coalition)
        .select_related("actor")
        .with_citations()
        .filter(actor__status=Actor.Status.ACCREDITED)
        .order_by("joined_year", "actor__name")
    )
    return render(
        request,
        "actors/coalition_detail.html",
        {"coalition": coalition, "memberships": memberships},
    )
