"""Atom feeds of what anyone may read: newly published pledges and progress reports.

Any selection of the pledge list is a feed ("a saved search"): /feeds/pledges/ takes the list's
parameters (PledgeFilter), /feeds/progress/ those of the progress reports' exports and API
(ProgressUpdateFilter). An objective, an organisation and a country have a feed of their
pledges and of the progress reported on them, merged newest first.

What is public is the querysets' `public()`, as everywhere; a feed only narrows it. Each feed
reads a fixed number of queries, whatever the number of entries. A feed instance serves every
request: what one request shows travels in its `Selection`, never on the instance.
"""

import datetime as dt
from dataclasses import dataclass
from urllib.parse import urlsplit

from django.contrib.syndication.views import Feed
from django.http import Http404, HttpResponseBadRequest
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils.feedgenerator import Atom1Feed
from django.utils.html import escape, linebreaks
from django.utils.text import Truncator
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from django_countries import countries

from actors.models import Actor
from actors.permissions import can_view_actor
from reviews.filters import PLEDGE_SORTS, PledgeFilter, ProgressUpdateFilter
from reviews.models import Pledge, ProgressUpdate
from reviews.models.pledge_queries import SEARCH_COLUMNS

FEED_SIZE = 50
# A progress report's summary: the start of its narrative (a pledge's summary is one line).
SUMMARY_CHARS = 300

PLEDGES_TITLE = _("GCM Review Portal: new pledges")
PLEDGES_SUBTITLE = _("Pledges published on the GCM Review Portal, newest first.")
SELECTION_SUBTITLE = _(
    "Pledges published on the GCM Review Portal that match a selection of the pledge list, "
    "newest first."
)
PROGRESS_TITLE = _("GCM Review Portal: progress reports")
PROGRESS_SUBTITLE = _("Progress reported on published pledges, newest first.")
OBJECTIVE_TITLE = _("%(objective)s: pledges and progress reports")
ACTOR_TITLE = _("%(actor)s: pledges and progress reports")
COUNTRY_TITLE = _("%(country)s: pledges and progress reports")
MERGED_SUBTITLE = _(
    "Pledges published on the GCM Review Portal and the progress reported on them, newest first."
)


@dataclass(frozen=True)
class Entry:
    """One entry of a feed, a pledge or a progress report, in the words of the request."""

    guid: str
    title: str
    link: str
    published: dt.datetime
    updated: dt.datetime
    author: str
    summary: str
    # (term, label, scheme) of each objective: Atom categories.
    categories: tuple[tuple[str, str, str], ...]


@dataclass(frozen=True)
class Selection:
    """What one request of a feed shows."""

    title: str
    subtitle: str
    link: str
    url: str
    entries: list[Entry]


class InvalidFilters(Exception):
    """Filter parameters that make no sense: a 400, as on the list, the exports and the API."""

    def __init__(self, filterset):
        lines = [
            f"{name}: {' '.join(str(message) for message in messages)}"
            for name, messages in filterset.errors.items()
        ]
        super().__init__("\n".join([gettext("Some filter parameters are not valid."), *lines]))


class ObjectiveAtomFeed(Atom1Feed):
    """Atom, with each entry's objectives as categories that carry a label and a scheme."""

    def add_item_elements(self, handler, item):
        super().add_item_elements(handler, item)
        for term, label, scheme in item["objectives"]:
            handler.addQuickElement(
                "category", "", {"term": term, "label": label, "scheme": scheme}
            )


def tag_uri(request, created: dt.datetime, specific: str) -> str:
    """A stable Atom id (RFC 4151): the site's host, the day the item was made, its kind and
    id. Unlike an address, it survives a change of the pages' paths or of http for https."""
    host = urlsplit(request.build_absolute_uri("/")).hostname
    return f"tag:{host},{created:%Y-%m-%d}:{specific}"


def _categories(request, objectives) -> tuple[tuple[str, str, str], ...]:
    scheme = request.build_absolute_uri(reverse("reviews:objective-list"))
    return tuple((str(o.number), str(o), scheme) for o in objectives)


def pledge_entry(request, pledge: Pledge) -> Entry:
    """A pledge as an entry: a withdrawn one is marked, and updated when it changed."""
    link = request.build_absolute_uri(pledge.get_absolute_url())
    published = pledge.published_at or pledge.created_at
    withdrawn = pledge.status == Pledge.Status.WITHDRAWN
    title = gettext("Withdrawn: %(title)s") % {"title": pledge.title} if withdrawn else pledge.title
    return Entry(
        guid=tag_uri(request, pledge.created_at, f"pledge/{pledge.pk}"),
        title=title,
        link=link,
        published=published,
        updated=max(pledge.updated_at, published) if withdrawn else published,
        author=pledge.lead.name,
        summary=escape(pledge.summary),
        categories=_categories(request, pledge.objectives.all()),
    )


def update_entry(request, update: ProgressUpdate) -> Entry:
    """A progress report as an entry, linked to its place on its pledge's page."""
    pledge = update.pledge
    link = request.build_absolute_uri(f"{pledge.get_absolute_url()}#progress-{update.pk}")
    title = gettext("Progress on “%(pledge)s”: %(stage)s") % {
        "pledge": pledge.title,
        "stage": update.get_stage_display(),
    }
    return Entry(
        guid=tag_uri(request, update.created_at, f"progress-update/{update.pk}"),
        title=title,
        link=link,
        published=update.created_at,
        updated=update.created_at,
        # The organisation that reported: the lead or a confirmed partner (co-reporting).
        author=update.actor.name,
        summary=linebreaks(Truncator(update.narrative).chars(SUMMARY_CHARS), autoescape=True),
        categories=_categories(request, pledge.objectives.all()),
    )


def newest_pledges(pledges):
    """Pledges in the feed's order, with what an entry shows in two queries."""
    return pledges.order_by(*PLEDGE_SORTS["newest"][1]).for_list()[:FEED_SIZE]


def newest_updates(updates):
    """Progress reports in the feed's order, with their pledge, lead, reporter and objectives
    in two queries."""
    pledge_wide = ["description", *SEARCH_COLUMNS, "lead__description"]
    return (
        updates.select_related("pledge__lead", "actor")
        .prefetch_related("pledge__objectives")
        .defer(*(f"pledge__{name}" for name in pledge_wide), "actor__description")
        .order_by("-created_at", "-pk")[:FEED_SIZE]
    )


def merged(request, pledges) -> list[Entry]:
    """The pledges and the public progress reports on them, newest first."""
    updates = ProgressUpdate.objects.public().filter(pledge__in=pledges.values("pk"))
    entries = [pledge_entry(request, p) for p in newest_pledges(pledges)]
    entries += [update_entry(request, u) for u in newest_updates(updates)]
    entries.sort(key=lambda entry: entry.published, reverse=True)
    return entries[:FEED_SIZE]


def _query(request) -> str:
    query = request.GET.urlencode()
    return f"?{query}" if query else ""


class PortalFeed(Feed):
    """What every feed of the portal shares: Atom, absolute addresses from the request, a 400
    in plain text for bad filters. Subclasses make the request's `Selection` in `get_object`."""

    feed_type = ObjectiveAtomFeed

    def __call__(self, request, *args, **kwargs):
        try:
            return super().__call__(request, *args, **kwargs)
        except InvalidFilters as error:
            return HttpResponseBadRequest(str(error), content_type="text/plain; charset=utf-8")

    def selection(self, request, *, title, subtitle, link, entries) -> Selection:
        return Selection(
            title=str(title),
            subtitle=str(subtitle),
            link=request.build_absolute_uri(link),
            url=request.build_absolute_uri(request.get_full_path()),
            entries=entries,
        )

    def title(self, selection):
        return selection.title

    def subtitle(self, selection):
        return selection.subtitle

    def link(self, selection):
        return selection.link

    def feed_url(self, selection):
        return selection.url

    def feed_guid(self, selection):
        # The feed's own address, query included: each saved search is a feed of its own.
        return selection.url

    def items(self, selection):
        return selection.entries

    def item_title(self, entry):
        return entry.title  # Atom text: escaped by the XML writer, not by us

    def item_description(self, entry):
        return entry.summary  # Atom html, escaped when made

    def item_link(self, entry):
        return entry.link

    def item_guid(self, entry):
        return entry.guid

    def item_pubdate(self, entry):
        return entry.published

    def item_updateddate(self, entry):
        return entry.updated

    def item_author_name(self, entry):
        return entry.author

    def item_extra_kwargs(self, entry):
        return {"objectives": entry.categories}


class PledgeFeed(PortalFeed):
    """Public pledges, newest published first, for any selection of the pledge list."""

    def get_object(self, request):
        pledge_filter = PledgeFilter(request.GET, queryset=Pledge.objects.public())
        if not pledge_filter.is_valid():
            raise InvalidFilters(pledge_filter)
        return self.selection(
            request,
            title=PLEDGES_TITLE,
            subtitle=SELECTION_SUBTITLE if request.GET else PLEDGES_SUBTITLE,
            link=reverse("reviews:pledge-list") + _query(request),
            entries=[pledge_entry(request, p) for p in newest_pledges(pledge_filter.qs)],
        )


class ProgressFeed(PortalFeed):
    """Public progress reports, newest first, for any selection of their filters."""

    def get_object(self, request):
        update_filter = ProgressUpdateFilter(request.GET, queryset=ProgressUpdate.objects.public())
        if not update_filter.is_valid():
            raise InvalidFilters(update_filter)
        return self.selection(
            request,
            title=PROGRESS_TITLE,
            subtitle=PROGRESS_SUBTITLE,
            link=reverse("reviews:pledge-list"),
            entries=[update_entry(request, u) for u in newest_updates(update_filter.qs)],
        )


class ObjectiveFeed(PortalFeed):
    """The pledges on an objective and the progress reported on them."""

    def get_object(self, request, number):
        # The pledge list's `objective` filter, which also finds the objective (or none).
        pledge_filter = PledgeFilter({"objective": number}, queryset=Pledge.objects.public())
        if not pledge_filter.is_valid():
            raise Http404("No such objective.")
        objective = pledge_filter.form.cleaned_data["objective"]
        return self.selection(
            request,
            title=str(OBJECTIVE_TITLE) % {"objective": objective},
            subtitle=MERGED_SUBTITLE,
            link=objective.get_absolute_url(),
            entries=merged(request, pledge_filter.qs),
        )


class ActorFeed(PortalFeed):
    """The pledges an organisation leads or is a confirmed partner of, and their progress."""

    def get_object(self, request, slug):
        actor = get_object_or_404(Actor.objects.defer("description"), slug=slug)
        if not can_view_actor(request.user, actor):  # as the organisation's page
            raise Http404("No such organisation.")
        # The pledge list's `actor` filter (lead or confirmed partner): an organisation that is
        # not in the directory yet has no public pledge.
        pledge_filter = PledgeFilter({"actor": slug}, queryset=Pledge.objects.public())
        pledges = pledge_filter.qs if pledge_filter.is_valid() else Pledge.objects.none()
        return self.selection(
            request,
            title=str(ACTOR_TITLE) % {"actor": actor.name},
            subtitle=MERGED_SUBTITLE,
            link=actor.get_absolute_url(),
            entries=merged(request, pledges),
        )


class CountryFeed(PortalFeed):
    """The pledge list's `country` selection (concerned, or the lead's) and their progress."""

    def get_object(self, request, code):
        pledge_filter = PledgeFilter({"country": code}, queryset=Pledge.objects.public())
        if not pledge_filter.is_valid():
            raise Http404("No such country.")
        return self.selection(
            request,
            title=str(COUNTRY_TITLE) % {"country": countries.name(code)},
            subtitle=MERGED_SUBTITLE,
            link=f"{reverse('reviews:pledge-list')}?country={code}",
            entries=merged(request, pledge_filter.qs),
        )
