"""Demo pledges: every state of the lifecycle, with partners, progress and each freshness colour.

Rows are made as plain tuples and written by `reviews.bulkload` (COPY on PostgreSQL), so that
`seed_demo --pledges 100000 --comments 1000000` takes a few minutes for benchmarks. Each batch is
its own transaction, checked as it goes in; a failure raises `PartialSeed`, which says what the
committed batches before it hold. All demo pledges belong to the demo organisations, whose names
say "(demo)".
"""

import datetime as dt
import itertools
import random
import re
from decimal import Decimal

from django.db import transaction
from django.utils import timezone
from django_countries import countries

from actors.models import Actor, Membership, User
from reviews import bulkload, stats
from reviews.models import (
    Comment,
    DeclarationParagraph,
    GuidingPrinciple,
    Objective,
    Pledge,
    PledgePartner,
    PledgeTransition,
    ProgressUpdate,
    ReviewCycle,
)

# Rows per transaction: large enough for COPY to pay, small enough that a failure loses little.
PLEDGE_BATCH = 5000
COMMENT_BATCH = 50_000
# The busiest pledge's conversation: the benchmark reads "the pledge page with 200 comments".
BUSY_COMMENTS = 200
S = Pledge.Status

THEMES = [
    ("Safe pathways for seasonal workers", "regular pathways for seasonal agricultural workers"),
    ("Recognising migrants' skills", "recognition of qualifications earned abroad"),
    ("Cheaper remittances", "lower fees on remittances sent home by migrant families"),
    ("Firewall for health services", "access to health care whatever a person's status"),
    ("Search and rescue coordination", "coordinated search and rescue and missing migrants"),
    ("Alternatives to detention for children", "community-based alternatives to detention"),
    ("Data on migrant workers", "disaggregated data on migrant workers"),
    ("Inclusive city services", "city services open to every resident"),
    ("Youth voices in migration policy", "young migrants' participation in policy making"),
    ("Fair recruitment", "ethical recruitment without fees charged to workers"),
]
DESCRIPTION = (
    "This demonstration pledge commits the organisation to {topic}. It names the partners it "
    "will work with, the people it is meant to reach and the steps it will take each year: a "
    "baseline study, consultations with migrant-led organisations, a pilot in two places, and a "
    "public report on what worked. Progress is reported on the portal at least once a year, and "
    "the indicators follow the Progress Declaration's call for measurable implementation. This "
    "text is demo data, written to show how a complete pledge reads."
)
# Each description also names a few words of the Compact's own texts and of the world's
# countries, drawn as often as words are in real writing (a few often, most of them rarely), and
# each title and summary one more. A corpus of a few dozen words would teach PostgreSQL's
# statistics that every word is common (a word it has not seen would be planned as if one row in
# two hundred held it), and a benchmark on it would plan searches as no real corpus would.
VOCABULARY_SENTENCE = " Its work touches on {words}."
VOCABULARY_WORDS = 5
TITLE = "{theme}: {word} (demo {number})"
SUMMARY = "{lead} commits to {topic}, with attention to {word}."
WORD = re.compile(r"[^\W\d_]{4,}")


SHOWCASE = 8  # the first pledges show one of each state and freshness colour
DEMO_LANGUAGE = "en"  # what every demo text is written in
SHOWCASE_PLAN = [
    (S.DRAFT, 0),
    (S.SUBMITTED, 0),
    (S.RETURNED, 0),
    (S.PUBLISHED, 2),  # green
    (S.PUBLISHED, 15),  # amber
    (S.PUBLISHED, 30),  # red
    (S.WITHDRAWN, 5),
    (S.REJECTED, 0),
]


class PartialSeed(Exception):
    """A batch failed; the batches before it are committed and hold `created` rows."""

    def __init__(self, what: str, created: int, error: Exception):
        super().__init__(f"{what}: {created} created and committed before the failure: {error}")
        self.what, self.created, self.error = what, created, error


def _batches(total: int, size: int, what: str, make):
    """Run `make(start, stop)` for each batch in its own transaction; returns rows created."""
    created = 0
    for start in range(0, total, size):
        try:
            with transaction.atomic():
                bulkload.immediate_constraints()
                created += make(start, min(total, start + size))
        except Exception as error:
            raise PartialSeed(what, created, error) from error
    return created


def _stage(rng, status, index):
    if status != S.PUBLISHED:
        return Pledge.ImplementationStatus.PLANNED
    if index < SHOWCASE:  # still being carried out, so it shows its reporting colour
        return Pledge.ImplementationStatus.IN_PROGRESS
    return rng.choice(Pledge.ImplementationStatus.values)


class _World:
    """What every batch of pledges refers to, read once."""

    def __init__(self, leads):
        self.leads = leads
        self.focal = {
            m.actor_id: m.user_id
            for m in Membership.objects.filter(actor__in=leads, role=Membership.Role.FOCAL_POINT)
        }
        self.objectives = list(Objective.objects.order_by("number").values_list("pk", flat=True))
        self.principles = list(
            GuidingPrinciple.objects.order_by("number").values_list("pk", flat=True)
        )
        self.cycle_id = ReviewCycle.objects.order_by("-year").values_list("pk", flat=True).first()
        self.moderator_id = (
            User.objects.moderators().order_by("pk").values_list("pk", flat=True).first()
        )
        self.now = timezone.now()
        self.vocabulary, self.weights = _vocabulary()


def _vocabulary() -> tuple[list[str], list[float]]:
    """Words of the curated objectives, principles and Declaration paragraphs and the English
    names of countries, in a shuffled order, with the cumulative weights of a Zipf distribution
    (the n-th word is drawn in proportion to 1/n)."""
    texts = [
        *Objective.objects.values_list("title", flat=True),
        *itertools.chain.from_iterable(
            GuidingPrinciple.objects.values_list("title", "description")
        ),
        *DeclarationParagraph.objects.values_list("summary", flat=True),
        *(name for _, name in countries),
    ]
    words = sorted({word for text in texts for word in WORD.findall(str(text).lower())})
    random.Random(len(words)).shuffle(words)  # noqa: S311 — which words are common: any
    return words, list(itertools.accumulate(1 / n for n in range(1, len(words) + 1)))


def _words(rng, world, k: int) -> list[str]:
    return rng.choices(world.vocabulary, cum_weights=world.weights, k=k)


def _description(topic: str, rng, world) -> str:
    text = DESCRIPTION.format(topic=topic)
    if not world.vocabulary:
        return text
    return text + VOCABULARY_SENTENCE.format(words=", ".join(_words(rng, world, VOCABULARY_WORDS)))


def _title_and_summary(index: int, lead, rng, world) -> tuple[str, str, str]:
    """The title, summary and topic of the index-th demo pledge."""
    theme, topic = THEMES[index % len(THEMES)]
    lead_name = lead.short_name or lead.name
    if not world.vocabulary:
        return f"{theme} (demo {index + 1})", f"{lead_name} commits to {topic}.", topic
    in_title, in_summary = _words(rng, world, 2)
    return (
        TITLE.format(theme=theme, word=in_title.capitalize(), number=index + 1),
        SUMMARY.format(lead=lead_name, topic=topic, word=in_summary),
        topic,
    )


def seed_pledges(count: int, *, seed: int = 2026) -> int:
    """Create `count` demo pledges (one of each showcase state first, then random ones)."""
    rng = random.Random(seed)  # noqa: S311 — demo data, not secrets
    leads = list(Actor.objects.filter(is_demo=True).order_by("pk"))
    if not leads:
        return 0
    world = _World(leads)
    plan = SHOWCASE_PLAN[:count] + [
        (rng.choice([S.PUBLISHED] * 6 + [S.DRAFT, S.SUBMITTED, S.WITHDRAWN]), rng.randint(0, 36))
        for _ in range(max(0, count - len(SHOWCASE_PLAN)))
    ]
    try:
        return _batches(
            len(plan),
            PLEDGE_BATCH,
            "pledges",
            lambda start, stop: _create_batch(plan[start:stop], start, rng, world),
        )
    finally:
        # Bulk inserts (COPY) send no model signals: retire the cached statistics here, for
        # what was committed even when a later batch failed.
        stats.invalidate()


PLEDGE_FIELDS = [
    "id", "lead_id", "created_by_id", "kind", "support", "amount", "currency", "title", "summary",
    "description", "language", "primary_objective_id", "scope", "countries", "start_date",
    "end_date", "contact_name", "contact_email", "cycle_id", "concerns_migrants", "status",
    "implementation_status", "created_at", "submitted_at", "published_at", "last_reported_at",
]  # fmt: skip


def _pledge_row(pk, index, status, months, rng, world):
    lead = world.leads[index % len(world.leads)]
    title, summary, topic = _title_and_summary(index, lead, rng, world)
    reported = world.now - dt.timedelta(days=30 * months + 1)
    published = status in (S.PUBLISHED, S.WITHDRAWN)
    support = rng.choice(Pledge.Support.values)
    # A financial pledge names its amount, or it could never have been submitted.
    financial = support == Pledge.Support.FINANCIAL
    return (
        pk,
        lead.pk,
        world.focal.get(lead.pk),
        Pledge.Kind.JOINT if index % 4 == 3 else Pledge.Kind.INDIVIDUAL,
        support,
        Decimal(50_000 * (index % 7 + 1)) if financial else None,
        "USD" if financial else "",
        title,
        summary,
        _description(topic, rng, world),
        DEMO_LANGUAGE,
        world.objectives[index % len(world.objectives)],
        rng.choice([*Pledge.Scope.values[:2], Pledge.Scope.REGIONAL]),
        ["GH", "MX"] if index % 2 else ["PH"],
        (world.now - dt.timedelta(days=400)).date(),
        (world.now + dt.timedelta(days=700)).date(),
        "Demo contact",
        "contact@demo.example.org",
        world.cycle_id,
        True,
        status,
        _stage(rng, status, index),
        reported - dt.timedelta(days=40),
        None if status == S.DRAFT else reported - dt.timedelta(days=20),
        reported if published else None,
        reported if published else None,
    )


def _create_batch(plan, offset, rng, world):
    ids = bulkload.allocate_ids(Pledge, len(plan))
    pledges = [
        _pledge_row(pk, index, status, months, rng, world)
        for pk, (index, (status, months)) in zip(ids, enumerate(plan, start=offset), strict=True)
    ]
    bulkload.write(Pledge, PLEDGE_FIELDS, pledges)
    field = {name: i for i, name in enumerate(PLEDGE_FIELDS)}
    objectives, principles, partners, transitions, updates = [], [], [], [], []
    for row in pledges:
        pk, lead_id, author_id, status = row[0], row[1], row[2], row[field["status"]]
        primary = row[field["primary_objective_id"]]
        objectives += [(pk, o) for o in {primary, *rng.sample(world.objectives, 2)}]
        principles += [(pk, p) for p in rng.sample(world.principles, 3)]
        others = [a.pk for a in world.leads if a.pk != lead_id]
        published = status in (S.PUBLISHED, S.WITHDRAWN)
        if row[field["kind"]] == Pledge.Kind.JOINT and others:
            partner_status = (
                PledgePartner.Status.CONFIRMED if published else PledgePartner.Status.PENDING
            )
            partners.append((pk, others[pk % len(others)], partner_status))
        when = row[field["submitted_at"]] or row[field["created_at"]]
        transitions += _transitions(pk, status, lead_id, author_id, when, world.moderator_id)
        if status == S.PUBLISHED:
            stage = row[field["implementation_status"]]
            reported = row[field["last_reported_at"]]
            updates.append(
                (pk, reported.date(), stage, PROGRESS_TEXT, DEMO_LANGUAGE, author_id, lead_id)
            )
    bulkload.write(Pledge.objectives.through, ["pledge_id", "objective_id"], objectives)
    bulkload.write(Pledge.principles.through, ["pledge_id", "guidingprinciple_id"], principles)
    bulkload.write(PledgePartner, ["pledge_id", "actor_id", "status"], partners)
    bulkload.write(PledgeTransition, TRANSITION_FIELDS, transitions)
    bulkload.write(ProgressUpdate, UPDATE_FIELDS, updates)
    return len(pledges)


PROGRESS_TEXT = (
    "Demo progress report: the baseline study is done and the pilot has started in the first place."
)
UPDATE_FIELDS = [
    "pledge_id", "date", "stage", "narrative", "language", "author_id", "actor_id",
]  # fmt: skip
TRANSITION_FIELDS = [
    "pledge_id", "from_status", "to_status", "user_id", "actor_id", "reason", "created_at",
]  # fmt: skip
STEPS = {
    S.DRAFT: [],
    S.SUBMITTED: [(S.DRAFT, S.SUBMITTED, "")],
    S.RETURNED: [
        (S.DRAFT, S.SUBMITTED, ""),
        (S.SUBMITTED, S.RETURNED, "Please add the countries concerned and a contact."),
    ],
    S.PUBLISHED: [(S.DRAFT, S.SUBMITTED, ""), (S.SUBMITTED, S.PUBLISHED, "")],
    S.WITHDRAWN: [
        (S.DRAFT, S.SUBMITTED, ""),
        (S.SUBMITTED, S.PUBLISHED, ""),
        (S.PUBLISHED, S.WITHDRAWN, "Funding for the programme ended (demo)."),
    ],
    S.REJECTED: [
        (S.DRAFT, S.SUBMITTED, ""),
        (S.SUBMITTED, S.REJECTED, "This concerns refugees, covered by the GCR (demo)."),
    ],
}


def _transitions(pk, status, lead_id, author_id, when, moderator_id):
    """The recorded steps that led to `status`: the lead's own, and the moderator's."""
    return [
        (
            pk,
            before,
            after,
            author_id if by_lead else moderator_id,
            lead_id if by_lead else None,
            reason,
            when + dt.timedelta(days=step),
        )
        for step, (before, after, reason) in enumerate(STEPS[status])
        for by_lead in [after in (S.SUBMITTED, S.WITHDRAWN)]
    ]


COMMENT_TEXTS = [
    "How will migrant-led organisations take part in the steering of this?",
    "Our city runs a similar desk; *happy to share* what we learned.",
    "Could the next progress report give figures by gender and age?",
    "> firewall between services and enforcement\n\nThis is the key point for us.",
]
COMMENT_FIELDS = [
    "id", "pledge_id", "parent_id", "author_id", "actor_id", "body", "body_html", "created_at",
    "language",
]  # fmt: skip


def seed_comments(count: int, *, seed: int = 2026) -> int:
    """Create `count` demo comments (about a quarter of them replies) on published demo pledges.

    The first published pledge gets a conversation of up to BUSY_COMMENTS (a fifth of the
    comments when there are few); the others are spread at random over the published pledges.
    """
    from portal.markdown import render_markdown

    rng = random.Random(seed)  # noqa: S311 — demo data, not secrets
    pledges = list(
        Pledge.objects.filter(lead__is_demo=True, status=S.PUBLISHED)
        .order_by("pk")
        .values_list("pk", "published_at")
    )
    authors = list(
        Membership.objects.filter(actor__is_demo=True).values_list("user_id", "actor_id")
    )
    if not pledges or not authors:
        return 0
    rendered = {text: render_markdown(text) for text in COMMENT_TEXTS}
    now = timezone.now()
    busy = min(BUSY_COMMENTS, count // 5)

    def batch(on):
        return lambda start, stop: _comment_batch(stop - start, on, authors, rng, rendered, now)

    # The busy conversation is a batch of its own, so that its replies stay on its pledge.
    made = _batches(busy, max(1, busy), "comments", batch([pledges[0]]))
    try:
        return made + _batches(count - busy, COMMENT_BATCH, "comments", batch(pledges))
    except PartialSeed as failure:
        raise PartialSeed("comments", made + failure.created, failure.error) from failure.error


def _comment_batch(size, pledges, authors, rng, rendered, now):
    ids = bulkload.allocate_ids(Comment, size)
    # Leave room for the replies: about a quarter of the comments answer another.
    tops = max(1, size - size // 4)
    rows = []
    for pk in ids[:tops]:
        pledge_id, published_at = rng.choice(pledges)
        user_id, actor_id = rng.choice(authors)
        text = rng.choice(COMMENT_TEXTS)
        when = published_at + (now - published_at) * rng.random()
        actor_id = actor_id if rng.random() < 0.7 else None
        rows.append(
            (pk, pledge_id, None, user_id, actor_id, text, rendered[text], when, DEMO_LANGUAGE)
        )
    for pk in ids[tops:]:
        parent = rows[rng.randrange(tops)]
        user_id, actor_id = rng.choice(authors)
        text = COMMENT_TEXTS[0]
        when = parent[7] + (now - parent[7]) * rng.random()
        rows.append(
            (pk, parent[1], parent[0], user_id, actor_id, text, rendered[text], when, DEMO_LANGUAGE)
        )
    return bulkload.write(Comment, COMMENT_FIELDS, rows)
