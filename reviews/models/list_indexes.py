"""Indexes that serve the public pledge lists' orders.

Each public list order is read from an index with a LIMIT rather than sorted (DESIGN §8): partial
indexes whose condition is `public_pledge_q()` itself, so that the planner matches them to
`Pledge.objects.public()`'s `status IN ('published', 'withdrawn')` (an index on (status, …) does
not serve one order across two statuses). A B-tree reads backwards too, so one index serves a
sort and its reverse: the API cursor's orders (CURSOR_SORTS in reviews/api/pledges.py: newest and
oldest by `listed_at`, title, updated). The HTML list's `published_at … NULLS LAST` orders are
served on PostgreSQL by the two indexes of migration reviews 0014 (SQLite cannot index NULLS LAST).
tests/reviews/test_list_indexes.py checks the plans on PostgreSQL.
"""

from django.db import models
from django.db.models.functions import Coalesce

from reviews.models.lifecycle import public_pledge_q

PUBLIC_LIST_INDEXES = [
    models.Index(
        Coalesce("published_at", "created_at").desc(),
        models.F("id").desc(),
        condition=public_pledge_q(),
        name="pledge_public_listed",
    ),
    models.Index(fields=["title", "id"], condition=public_pledge_q(), name="pledge_public_title"),
    models.Index(
        fields=["-updated_at", "-id"], condition=public_pledge_q(), name="pledge_public_updated"
    ),
]
