"""What the moderators' lists read of flagged items, as subqueries on the items listed."""

from django.db import models
from django.db.models import Exists, OuterRef, Q, Subquery
from django.db.models.functions import Coalesce


def count_of(queryset, by: str) -> Coalesce:
    """How many rows of `queryset` (filtered on an OuterRef through `by`), as a subquery: 0
    when none."""
    counted = queryset.order_by().values(by).annotate(n=models.Count("pk")).values("n")
    return Coalesce(Subquery(counted), 0)


def flagged(queryset, field: str):
    """The items of `queryset` ("comment", "progress_update", "question" or "answer" by `field`)
    with open flags or hidden by flags, newest flag first, annotated `open_flags` and
    `last_flag_at`. Subqueries on the flags of the items listed: no GROUP BY over every comment
    joined to its flags (3 s at 2,000 comments)."""
    from reviews.models.comments import Flag

    open_flags = Flag.objects.filter(**{field: OuterRef("pk")}, dismissed_at__isnull=True)
    return (
        queryset.filter(Q(Exists(open_flags)) | Q(auto_hidden=True))
        .annotate(
            open_flags=count_of(open_flags, field),
            last_flag_at=Subquery(open_flags.order_by("-created_at").values("created_at")[:1]),
        )
        .order_by("-last_flag_at", "-pk")
    )


def open_flags_prefetch() -> models.Prefetch:
    """The open flags of comments, progress updates, questions or answers, with their flaggers,
    as `open_flag_list`."""
    from reviews.models.comments import Flag

    flags = Flag.objects.filter(dismissed_at__isnull=True).select_related("user")
    return models.Prefetch(
        "flags", queryset=flags.order_by("created_at", "pk"), to_attr="open_flag_list"
    )


def attach_open_flags(comments, updates, questions=(), answers=()) -> None:
    """What `open_flags_prefetch` gives each item (`open_flag_list`), for comments, progress
    updates, questions and answers together in one query (the moderation page lists them all)."""
    from reviews.models.comments import Flag

    groups = {
        "comment": comments,
        "progress_update": updates,
        "question": questions,
        "answer": answers,
    }
    if not any(groups.values()):
        return
    where = Q(pk__in=[])
    for field, items in groups.items():
        if items:
            where |= Q(**{f"{field}__in": [item.pk for item in items]})
    flags = (
        Flag.objects.filter(dismissed_at__isnull=True)
        .filter(where)
        .select_related("user")
        .order_by("created_at", "pk")
    )
    found: dict[tuple[str, int], list] = {}
    for flag in flags:
        field = next(f for f in groups if getattr(flag, f"{f}_id") is not None)
        found.setdefault((field, getattr(flag, f"{field}_id")), []).append(flag)
    for field, items in groups.items():
        for item in items:
            item.open_flag_list = found.get((field, item.pk), [])
