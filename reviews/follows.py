"""Follows of pledges, objectives, organisations and saved searches (actors.Follow): the kinds the
reviews app owns, and the delivery of what is new on them to their followers.

What is new, and who hears of it:
- a pledge published: the followers of an objective or an organisation whose pledge list lists
  it, and of every saved search that selects it;
- a progress report: the followers of its pledge, and of the objectives and organisations whose
  list lists the pledge;
- a pledge withdrawn: the followers of the pledge.

Whether a follow matches is decided by the pledge list's one filter definition (PledgeFilter),
never by rules written again here: a follow of objective 3 is the list `?objective=3`, of an
organisation `?actor=<slug>`, and a saved search its own query string, each evaluated over the
public set narrowed to the one pledge. The pledge's own objectives, lead and partners only name
the candidates worth asking the filter about.

The pledge services queue `deliver_follows` once their change is committed (`announce`); the
task worker runs it, never the request. It tells each person once per item through the one
notification path (actors.notifications.notify_user, kind FOLLOWED: right away, in the daily
digest or only in the bell, as they chose), however many of their follows match. Only public
items are told, and never to the person who caused them (the moderator who published, the
author of the report, the focal point who withdrew).

Once per item and person: a FollowDelivery row (unique item and person) is written in the same
transaction as the notification. The database's unique constraint decides, on SQLite and
PostgreSQL alike and without a lock: a task run twice (a worker lost and the task requeued,
portal.taskqueue) or two at once tell nobody twice, and a run that fails midway leaves no row for
those it did not tell. Notification.about is not used for this: it names what a notification
quotes so that its text follows edits (quoted_text_changed), has no unique constraint, and
notifications are the person's to read and clear, whereas what was delivered must stay known.
"""

from collections import defaultdict
from dataclasses import dataclass
from urllib.parse import parse_qsl, urlencode

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.http import QueryDict
from django.tasks import task
from django.urls import reverse
from django.utils.functional import lazy
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from actors import follows
from actors.models import Follow, FollowDelivery, User
from actors.models.notifications import Kind
from actors.notifications import notify_user
from portal import requestid
from portal.addresses import address
from portal.i18n import interpolate_lazy
from portal.ids import parse_id
from reviews.filters import PledgeFilter
from reviews.models import Objective, Pledge, ProgressUpdate
from reviews.models.lifecycle import ImplementationStatus

PUBLISHED, PROGRESS, WITHDRAWN = "published", "progress", "withdrawn"

# The pledge list's filters a saved search keeps: the order (`sort`) selects nothing.
SEARCH_FILTERS = frozenset(PledgeFilter.base_filters) - {"sort"}
# The list whose selection a follow of an objective or an organisation is.
LIST_FILTER = {Follow.Kind.OBJECTIVE: "objective", Follow.Kind.ACTOR: "actor"}

NEW_PLEDGE = _("New pledge: %(title)s")
PUBLISHED_BY = _("Published by %(lead)s.")
PROGRESS_TITLE = _("Progress on “%(pledge)s”: %(stage)s")
REPORTED_BY = _("Reported by %(actor)s.")
WITHDRAWN_TITLE = _("Withdrawn: %(title)s")
REASON = _("The reason given: %(reason)s")
YOU_FOLLOW = _("You follow: %(follows)s.")


# The kinds of target -------------------------------------------------------------------------


def normalise_search(query: str) -> str:
    """A saved search as stored: the pledge list's filters only (as the list reads them, the last
    value of each), blanks and `sort` dropped, sorted; so two spellings of one search, or the
    list's address with its page and order, are one follow."""
    chosen = {}
    for name, value in parse_qsl(str(query), keep_blank_values=True):
        if name in SEARCH_FILTERS:
            chosen[name] = value.strip()
    return urlencode(sorted((name, value) for name, value in chosen.items() if value))


def _number(key: str) -> str:
    number = parse_id(key)
    return str(number) if number is not None else str(key).strip()


def _pledge_label(key: str) -> str:
    pk = parse_id(key)
    pledge = Pledge.objects.public().filter(pk=pk).only("title").first() if pk else None
    if pledge is None:
        raise ValidationError(gettext("Only a public pledge can be followed."))
    return pledge.title


def _objective_label(key: str) -> str:
    number = parse_id(key)
    objective = Objective.objects.filter(number=number).first() if number else None
    if objective is None:
        raise ValidationError(gettext("There is no such objective."))
    return str(objective)


def _search_label(key: str) -> str:
    """The search in words, from the filters' own labels and the values they read."""
    if not key:
        raise ValidationError(gettext("Choose at least one filter of the pledge list first."))
    pledge_filter = PledgeFilter(QueryDict(key), queryset=Pledge.objects.public())
    form = pledge_filter.form
    if not pledge_filter.is_valid():
        raise ValidationError(
            [gettext("Some filter parameters are not valid.")]
            + [
                f"{form.fields[name].label}: {' '.join(messages)}"
                if name in form.fields
                else " ".join(messages)
                for name, messages in form.errors.items()
            ]
        )
    parts = []
    for name in QueryDict(key):
        field, value = form.fields[name], form.cleaned_data[name]
        if hasattr(field, "queryset"):  # a row: an objective, a cycle, an organisation…
            shown = str(value)
        elif hasattr(field, "choices"):
            shown = str(dict(field.choices).get(value, value))
        else:
            shown = str(value)
        parts.append(f"{field.label}: {shown}")
    return "; ".join(parts)


def register() -> None:
    """Make the kinds of this app followable (ReviewsConfig.ready)."""
    follows.register(
        Follow.Kind.PLEDGE,
        follows.TargetKind(
            normalise=_number,
            label=_pledge_label,
            url=lambda key: address("reviews:pledge-detail", key),
        ),
    )
    follows.register(
        Follow.Kind.OBJECTIVE,
        follows.TargetKind(
            normalise=_number,
            label=_objective_label,
            url=lambda key: address("reviews:objective-detail", key),
        ),
    )
    follows.register(
        Follow.Kind.SEARCH,
        follows.TargetKind(
            normalise=normalise_search,
            label=_search_label,
            url=lambda key: f"{reverse('reviews:pledge-list')}?{key}",
        ),
    )


# Matching ------------------------------------------------------------------------------------


def selects(query: str, pledge: Pledge) -> bool:
    """Whether the pledge list with these filters lists `pledge` (now)."""
    pledge_filter = PledgeFilter(
        QueryDict(query), queryset=Pledge.objects.public().filter(pk=pledge.pk)
    )
    return pledge_filter.is_valid() and pledge_filter.qs.exists()


def _matching(pledge: Pledge, *, searches: bool) -> dict[str, set[str]]:
    """The followed objectives and organisations (and saved searches) whose list lists the
    pledge: {kind: keys}."""
    candidates = Q(
        kind=Follow.Kind.OBJECTIVE,
        key__in=[str(n) for n in pledge.objectives.values_list("number", flat=True)],
    ) | Q(
        kind=Follow.Kind.ACTOR,
        # Every partner: whether it counts (a confirmed one) is the filter's to say.
        key__in=[pledge.lead.slug, *pledge.partnerships.values_list("actor__slug", flat=True)],
    )
    if searches:
        candidates |= Q(kind=Follow.Kind.SEARCH)
    followed = Follow.objects.filter(candidates).values_list("kind", "key").distinct().order_by()
    matching = defaultdict(set)
    for kind, key in followed:
        query = urlencode({LIST_FILTER[kind]: key}) if kind in LIST_FILTER else key
        if selects(query, pledge):
            matching[kind].add(key)
    return matching


# What is new ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class News:
    item: str  # what FollowDelivery records: "pledge:12", "progress-update:34", "withdrawal:12"
    targets: dict[str, set[str]]
    title: str  # lazy: worded for each person in their language (notify_user)
    url: str
    opening: str


def _published(pk: int) -> News | None:
    pledge = Pledge.objects.public().select_related("lead").filter(pk=pk).first()
    if pledge is None:
        return None
    return News(
        item=f"pledge:{pledge.pk}",
        targets=_matching(pledge, searches=True),
        title=interpolate_lazy(NEW_PLEDGE, {"title": pledge.title}),
        url=pledge.get_absolute_url(),
        opening=interpolate_lazy(PUBLISHED_BY, {"lead": pledge.lead.name}),
    )


def _progress(pk: int) -> News | None:
    update = ProgressUpdate.objects.public().select_related("pledge__lead", "actor")
    update = update.filter(pk=pk).first()
    if update is None:
        return None
    pledge = update.pledge
    targets = _matching(pledge, searches=False)
    targets[Follow.Kind.PLEDGE] = {str(pledge.pk)}
    return News(
        item=f"progress-update:{update.pk}",
        targets=targets,
        title=interpolate_lazy(
            PROGRESS_TITLE,
            {"pledge": pledge.title, "stage": ImplementationStatus(update.stage).label},
        ),
        url=f"{pledge.get_absolute_url()}#progress-{update.pk}",
        opening=interpolate_lazy(REPORTED_BY, {"actor": update.actor.name}),
    )


def _withdrawn(pk: int) -> News | None:
    pledge = Pledge.objects.filter(pk=pk, status=Pledge.Status.WITHDRAWN).first()
    if pledge is None:
        return None
    reason = (
        pledge.transitions.filter(to_status=Pledge.Status.WITHDRAWN)
        .order_by("-pk")
        .values_list("reason", flat=True)
        .first()
    )
    return News(
        item=f"withdrawal:{pledge.pk}",
        targets={Follow.Kind.PLEDGE: {str(pledge.pk)}},
        title=interpolate_lazy(WITHDRAWN_TITLE, {"title": pledge.title}),
        url=pledge.get_absolute_url(),
        # The reason is public: the pledge's page shows it.
        opening=interpolate_lazy(REASON, {"reason": reason or ""}),
    )


NEWS = {PUBLISHED: _published, PROGRESS: _progress, WITHDRAWN: _withdrawn}

_paragraphs = lazy(lambda *parts: "\n\n".join(str(part) for part in parts), str)


# Delivery ------------------------------------------------------------------------------------


def announce(event: str, pk: int, *, by: User | None) -> None:
    """Queue the telling of a new item (a pledge published or withdrawn, a progress report) to
    its followers, once the change that makes it is committed."""
    by_id = by.pk if by is not None else None
    transaction.on_commit(
        lambda: requestid.enqueue(deliver_follows, event=event, pk=pk, by_id=by_id)
    )


@task
@requestid.carries_request_id
def deliver_follows(*, event: str, pk: int, by_id: int | None = None) -> dict[str, int | str]:
    """Tell the followers of what `event` made new, each once; safe to run again."""
    news = NEWS[event](pk)
    if news is None:  # not public (any more): nothing to tell
        return {"event": event, "pk": pk, "told": 0}
    labels: dict[int, list[str]] = defaultdict(list)
    people: dict[int, User] = {}
    found = Follow.objects.of_targets(news.targets).exclude(user_id=by_id)
    for follow in found.select_related("user").order_by("user_id", "created_at", "pk"):
        labels[follow.user_id].append(follow.label)
        people[follow.user_id] = follow.user
    told_before = set(
        FollowDelivery.objects.filter(item=news.item).values_list("user_id", flat=True)
    )
    told = 0
    for user_id, user in people.items():
        if user_id in told_before:
            continue
        with transaction.atomic():
            try:
                with transaction.atomic():
                    FollowDelivery.objects.create(user_id=user_id, item=news.item)
            except IntegrityError:
                continue  # another run told them meanwhile
            notify_user(
                user=user,
                kind=Kind.FOLLOWED,
                title=news.title,
                url=news.url,
                body=_paragraphs(
                    news.opening,
                    interpolate_lazy(YOU_FOLLOW, {"follows": " · ".join(labels[user_id])}),
                ),
            )
        told += 1
    return {"event": event, "pk": pk, "told": told}
