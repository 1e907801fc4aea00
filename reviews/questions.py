"""Each organisation's responsiveness to the public questions on its pledges: how many it
received, how many it answered, the median time it took, and how many it leaves open for more
than 30 days. One function computes it, for the actor page and the API's actor object; the
questions export gives each question's time to answer, measured the same way.

What counts is what anyone may read: questions that are not hidden, on public pledges. A question
counts as answered when its answer can be read too: an answer the moderators hid earns no credit
(the page says it was hidden; the question cannot be answered again).
"""

import statistics
from dataclasses import dataclass
from datetime import timedelta

from django.utils import timezone

from reviews.models import Question
from reviews.models.questions import OPEN_TOO_LONG_DAYS


@dataclass(frozen=True)
class Responsiveness:
    received: int = 0
    answered: int = 0
    # The median of (answered_at − created_at) over the answered ones; None when none is.
    median_time_to_answer: timedelta | None = None
    open_too_long: int = 0

    @property
    def median_hours(self) -> float | None:
        """The median time to answer in hours, to a tenth (the API's figure)."""
        if self.median_time_to_answer is None:
            return None
        return round(self.median_time_to_answer.total_seconds() / 3600, 1)


def responsiveness(actor_ids, now=None) -> dict[int, Responsiveness]:
    """The responsiveness of each of `actor_ids`, in one query whatever their number: the
    public questions they received, one narrow row each, counted here with the median of their
    times to answer (a median is not an aggregate both databases have, and an API list has no
    query to spare: DESIGN §8 allows it four)."""
    ids = list(dict.fromkeys(actor_ids))
    if not ids:
        return {}
    too_old = (now or timezone.now()) - timedelta(days=OPEN_TOO_LONG_DAYS)
    rows = (
        Question.objects.public()
        .filter(addressed_to__in=ids)
        .order_by()
        .values_list("addressed_to", "status", "created_at", "answered_at", "answer__is_hidden")
    )
    received: dict[int, int] = dict.fromkeys(ids, 0)
    late: dict[int, int] = dict.fromkeys(ids, 0)
    times: dict[int, list[timedelta]] = {actor_id: [] for actor_id in ids}
    for actor_id, status, asked, answered_at, answer_hidden in rows:
        received[actor_id] += 1
        if status == Question.Status.ANSWERED and answer_hidden is False:
            times[actor_id].append(answered_at - asked)
        elif status == Question.Status.OPEN and asked < too_old:
            late[actor_id] += 1
    return {
        actor_id: Responsiveness(
            received=received[actor_id],
            answered=len(times[actor_id]),
            median_time_to_answer=statistics.median(times[actor_id]) if times[actor_id] else None,
            open_too_long=late[actor_id],
        )
        for actor_id in ids
    }
