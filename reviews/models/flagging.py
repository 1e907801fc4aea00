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
    """The items of `queryset` ("comment" or "progress_update" by `field`) with open flags or
    hidden by flags, newest flag first, annotated `open_flags` and `last_flag_at`. Subqueries
    on the flags of the items listed: no GROUP BY over every comment joined to its flags (3 s
    at 2,000 comments)."""
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
    """The open flags of comments or progress updates, with their flaggers, as `open_flag_list`."""
    from reviews.models.comments import Flag

    flags = Flag.objects.filter(dismissed_at__isnull=True).select_related("user")
    return models.Prefetch(
        "flags", queryset=flags.order_by("created_at", "pk"), to_attr="open_flag_list"
    )


def attach_open_flags(comments, updates) -> None:
    """What `open_flags_prefetch` gives each item (`open_flag_list`), for comments and progress
    updates together in one query (the moderation page lists both)."""
    from reviews.models.comments import Flag

    if not comments and not updates:
        return
    flags = (
        Flag.objects.filter(dismissed_at__isnull=True)
        .filter(
            Q(comment__in=[c.pk for c in comments]) | Q(progress_update__in=[u.pk for u in updates])
        )
        .select_related("user")
        .order_by("created_at", "pk")
    )
    found: dict[tuple[str, int], list] = {}
    for flag in flags:
        key = (
            ("comment", flag.comment_id) if flag.comment_id else ("update", flag.progress_update_id)
        )
        found.setdefault(key, []).append(flag)
    for comment in comments:
        comment.open_flag_list = found.get(("comment", comment.pk), [])
    for update in updates:
        update.open_flag_list = found.get(("update", update.pk), [])
