"""Demo pledges: every state of the lifecycle, with partners, progress and each freshness colour.

Written with bulk inserts so that `seed_demo --pledges 100000` stays fast enough for benchmarks.
All demo pledges belong to the demo organisations, whose names say "(demo)".
"""

import datetime as dt
import random
from decimal import Decimal

from django.db import transaction
from django.utils import timezone

from actors.models import Actor, Membership, User
from reviews.models import (
    GuidingPrinciple,
    Objective,
    Pledge,
    PledgePartner,
    PledgeTransition,
    ProgressUpdate,
    ReviewCycle,
)

BATCH = 2000
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


SHOWCASE = 8  # the first pledges show one of each state and freshness colour


def _stage(rng, status, index):
    if status != S.PUBLISHED:
        return Pledge.ImplementationStatus.PLANNED
    if index < SHOWCASE:  # still being carried out, so it shows its reporting colour
        return Pledge.ImplementationStatus.IN_PROGRESS
    return rng.choice(Pledge.ImplementationStatus.values)


@transaction.atomic
def seed_pledges(count: int, *, seed: int = 2026) -> int:
    """Create `count` demo pledges (one of each showcase state first, then random ones)."""
    rng = random.Random(seed)  # noqa: S311 — demo data, not secrets
    leads = list(Actor.objects.filter(is_demo=True).order_by("pk"))
    if not leads:
        return 0
    focal = {
        m.actor_id: m.user_id
        for m in Membership.objects.filter(actor__in=leads, role=Membership.Role.FOCAL_POINT)
    }
    objectives = list(Objective.objects.order_by("number"))
    principles = list(GuidingPrinciple.objects.order_by("number"))
    cycle = ReviewCycle.objects.order_by("-year").first()
    moderator_id = User.objects.moderators().order_by("pk").values_list("pk", flat=True).first()
    now = timezone.now()
    showcase = [
        (S.DRAFT, 0),
        (S.SUBMITTED, 0),
        (S.RETURNED, 0),
        (S.PUBLISHED, 2),  # green
        (S.PUBLISHED, 15),  # amber
        (S.PUBLISHED, 30),  # red
        (S.WITHDRAWN, 5),
        (S.REJECTED, 0),
    ]
    plan = showcase[:count] + [
        (rng.choice([S.PUBLISHED] * 6 + [S.DRAFT, S.SUBMITTED, S.WITHDRAWN]), rng.randint(0, 36))
        for _ in range(max(0, count - len(showcase)))
    ]
    created = 0
    for start in range(0, len(plan), BATCH):
        created += _create_batch(
            plan[start : start + BATCH],
            start,
            rng,
            leads,
            focal,
            objectives,
            principles,
            cycle,
            now,
            moderator_id,
        )
    return created


def _create_batch(
    plan, offset, rng, leads, focal, objectives, principles, cycle, now, moderator_id
):
    pledges = []
    for index, (status, months) in enumerate(plan, start=offset):
        lead = leads[index % len(leads)]
        title, topic = THEMES[index % len(THEMES)]
        reported = now - dt.timedelta(days=30 * months + 1)
        published = status in (S.PUBLISHED, S.WITHDRAWN)
        kind = Pledge.Kind.JOINT if index % 4 == 3 else Pledge.Kind.INDIVIDUAL
        support = rng.choice(Pledge.Support.values)
        # A financial pledge names its amount, or it could never have been submitted.
        financial = support == Pledge.Support.FINANCIAL
        pledges.append(
            Pledge(
                lead=lead,
                created_by_id=focal.get(lead.pk),
                kind=kind,
                support=support,
                amount=Decimal(50_000 * (index % 7 + 1)) if financial else None,
                currency="USD" if financial else "",
                title=f"{title} (demo {index + 1})",
                summary=f"{lead.short_name or lead.name} commits to {topic}.",
                description=DESCRIPTION.format(topic=topic),
                primary_objective=objectives[index % len(objectives)],
                scope=rng.choice([*Pledge.Scope.values[:2], Pledge.Scope.REGIONAL]),
                countries=["GH", "MX"] if index % 2 else ["PH"],
                start_date=(now - dt.timedelta(days=400)).date(),
                end_date=(now + dt.timedelta(days=700)).date(),
                contact_name="Demo contact",
                contact_email="contact@demo.example.org",
                cycle=cycle,
                concerns_migrants=True,
                status=status,
                implementation_status=_stage(rng, status, index),
                created_at=reported - dt.timedelta(days=40),
                submitted_at=None if status == S.DRAFT else reported - dt.timedelta(days=20),
                published_at=reported if published else None,
                last_reported_at=reported if published else None,
            )
        )
    Pledge.objects.bulk_create(pledges)
    through_objectives, through_principles, partners, transitions, updates = [], [], [], [], []
    for pledge in pledges:
        picked = {pledge.primary_objective_id, *(o.pk for o in rng.sample(objectives, 2))}
        through_objectives += [
            Pledge.objectives.through(pledge_id=pledge.pk, objective_id=o) for o in picked
        ]
        through_principles += [
            Pledge.principles.through(pledge_id=pledge.pk, guidingprinciple_id=p.pk)
            for p in rng.sample(principles, 3)
        ]
        others = [a.pk for a in leads if a.pk != pledge.lead_id]
        if pledge.kind == Pledge.Kind.JOINT and others:
            partners.append(
                PledgePartner(
                    pledge=pledge,
                    actor_id=others[pledge.pk % len(others)],
                    status=PledgePartner.Status.CONFIRMED
                    if pledge.status in (S.PUBLISHED, S.WITHDRAWN)
                    else PledgePartner.Status.PENDING,
                )
            )
        transitions += _transitions(pledge, moderator_id)
        if pledge.status == S.PUBLISHED:
            updates.append(
                ProgressUpdate(
                    pledge=pledge,
                    date=pledge.last_reported_at.date(),
                    stage=pledge.implementation_status,
                    narrative="Demo progress report: the baseline study is done and the pilot "
                    "has started in the first place.",
                    author_id=pledge.created_by_id,
                    actor_id=pledge.lead_id,
                )
            )
    Pledge.objectives.through.objects.bulk_create(through_objectives)
    Pledge.principles.through.objects.bulk_create(through_principles)
    PledgePartner.objects.bulk_create(partners)
    PledgeTransition.objects.bulk_create(transitions)
    ProgressUpdate.objects.bulk_create(updates)
    return len(pledges)


def _transitions(pledge, moderator_id):
    steps = {
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
    }[pledge.status]
    when = pledge.submitted_at or pledge.created_at or timezone.now()
    return [
        PledgeTransition(
            pledge=pledge,
            from_status=before,
            to_status=after,
            user_id=pledge.created_by_id if by_lead else moderator_id,
            actor_id=pledge.lead_id if by_lead else None,
            reason=reason,
            created_at=when + dt.timedelta(days=step),
        )
        for step, (before, after, reason) in enumerate(steps)
        for by_lead in [after in (S.SUBMITTED, S.WITHDRAWN)]
    ]


COMMENT_TEXTS = [
    "How will migrant-led organisations take part in the steering of this?",
    "Our city runs a similar desk; *happy to share* what we learned.",
    "Could the next progress report give figures by gender and age?",
    "> firewall between services and enforcement\n\nThis is the key point for us.",
]


@transaction.atomic
def seed_comments(count: int, *, seed: int = 2026) -> int:
    """Create `count` demo comments (a third of them replies) on published demo pledges."""
    from portal.markdown import render_markdown
    from reviews.models import Comment

    rng = random.Random(seed)  # noqa: S311 — demo data, not secrets
    pledges = list(
        Pledge.objects.filter(lead__is_demo=True, status=S.PUBLISHED).values_list("pk", flat=True)
    )
    authors = list(
        Membership.objects.filter(actor__is_demo=True).values_list("user_id", "actor_id")
    )
    if not pledges or not authors:
        return 0
    rendered = {text: render_markdown(text) for text in COMMENT_TEXTS}
    created = 0
    while created < count:
        batch = []
        remaining = count - created
        # Leave room for the replies: about a quarter of the comments answer another.
        for _ in range(min(BATCH, max(1, remaining - remaining // 4))):
            user_id, actor_id = rng.choice(authors)
            text = rng.choice(COMMENT_TEXTS)
            batch.append(
                Comment(
                    pledge_id=rng.choice(pledges),
                    author_id=user_id,
                    actor_id=actor_id if rng.random() < 0.7 else None,
                    body=text,
                    body_html=rendered[text],
                )
            )
        Comment.objects.bulk_create(batch)
        replies = []
        for parent in batch[: len(batch) // 3]:
            user_id, actor_id = rng.choice(authors)
            replies.append(
                Comment(
                    pledge_id=parent.pledge_id,
                    parent=parent,
                    author_id=user_id,
                    actor_id=actor_id,
                    body=COMMENT_TEXTS[0],
                    body_html=rendered[COMMENT_TEXTS[0]],
                )
            )
        replies = replies[: count - created - len(batch)]
        Comment.objects.bulk_create(replies)
        created += len(batch) + len(replies)
    return created
