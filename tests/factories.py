"""Factories for the portal's models; tests and demo data build on them."""

import datetime as dt
import time

import factory
from allauth.account.models import EmailAddress
from allauth.mfa import app_settings as mfa_settings
from allauth.mfa.totp.internal.auth import (
    TOTP,
    format_hotp_value,
    generate_totp_secret,
    hotp_value,
)
from django.contrib.auth.models import Group
from django.utils import timezone

from actors.models import Actor, Coalition, CoalitionMembership, Membership, SourceDocument, User
from actors.permissions import forget
from portal.markdown import render_markdown
from reviews.models import (
    Answer,
    Comment,
    DeclarationParagraph,
    Endorsement,
    Flag,
    Milestone,
    Objective,
    Pledge,
    PledgePartner,
    ProgressUpdate,
    Question,
    ReviewCycle,
    RoundTable,
)


class SourceDocumentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = SourceDocument
        django_get_or_create = ("slug",)

    slug = factory.Sequence(lambda n: f"test-source-{n}")
    title = factory.Sequence(lambda n: f"Test source document {n}")
    kind = SourceDocument.Kind.ARTICLE


class SourcedFactory(factory.django.DjangoModelFactory):
    """A curated record citing one source (``source=…`` picks it; a new one otherwise)."""

    class Meta:
        abstract = True
        skip_postgeneration_save = True

    @factory.post_generation
    def source(obj, create, extracted, **kwargs):
        if create:
            obj.citations.create(
                source=extracted or SourceDocumentFactory(), locator="a quoted phrase"
            )


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    email = factory.Sequence(lambda n: f"user{n}@example.org")
    display_name = factory.Faker("name")
    password = factory.django.Password("correct horse battery staple")


class ActorFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Actor

    name = factory.Sequence(lambda n: f"Test organisation {n}")
    short_name = factory.Sequence(lambda n: f"TO{n}")
    slug = factory.Sequence(lambda n: f"test-organisation-{n}")
    kind = Actor.Kind.CIVIL_SOCIETY


class MembershipFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Membership

    user = factory.SubFactory(UserFactory)
    actor = factory.SubFactory(ActorFactory)
    role = Membership.Role.CONTRIBUTOR


class CoalitionFactory(SourcedFactory):
    class Meta:
        model = Coalition

    name = factory.Sequence(lambda n: f"Test coalition {n}")
    slug = factory.Sequence(lambda n: f"test-coalition-{n}")


class CoalitionMembershipFactory(SourcedFactory):
    class Meta:
        model = CoalitionMembership

    coalition = factory.SubFactory(CoalitionFactory)
    actor = factory.SubFactory(ActorFactory)
    role = CoalitionMembership.Role.MEMBER
    joined_year = 2010


class ReviewCycleFactory(SourcedFactory):
    class Meta:
        model = ReviewCycle

    slug = factory.Sequence(lambda n: f"test-cycle-{n}")
    name = factory.Sequence(lambda n: f"Test review cycle {n}")
    kind = ReviewCycle.Kind.REGIONAL
    year = 2030


class RoundTableFactory(SourcedFactory):
    class Meta:
        model = RoundTable

    cycle = factory.SubFactory(ReviewCycleFactory)
    number = factory.Sequence(lambda n: n + 1)


class DeclarationParagraphFactory(SourcedFactory):
    class Meta:
        model = DeclarationParagraph

    cycle = factory.SubFactory(ReviewCycleFactory)
    number = factory.Sequence(lambda n: n + 1)
    summary = "Commits to something the source states."


class MilestoneFactory(SourcedFactory):
    class Meta:
        model = Milestone

    slug = factory.Sequence(lambda n: f"test-milestone-{n}")
    year = 2030
    title = factory.Sequence(lambda n: f"Test milestone {n}")


class VerifiedUserFactory(UserFactory):
    """A person who signed up and confirmed their e-mail address."""

    @factory.post_generation
    def verified_email(self, create, extracted, **kwargs):
        if create:
            EmailAddress.objects.create(user=self, email=self.email, verified=True, primary=True)


class ModeratorFactory(VerifiedUserFactory):
    """Member of the moderators group (add MFA with give_mfa to use the powers)."""

    @factory.post_generation
    def moderators_group(self, create, extracted, **kwargs):
        if create:
            self.groups.add(Group.objects.get_or_create(name="Moderators")[0])


def give_mfa(user) -> str:
    """Activate TOTP for the user, as the MFA set-up page does; returns the secret."""
    secret = generate_totp_secret()
    TOTP.activate(user, secret)
    forget(user)
    return secret


def totp_code(secret: str) -> str:
    """The code an authenticator app shows now for this secret: the current window's, so that it
    stays valid for as long as the tolerance allows (not the oldest code still accepted, which
    expires when the clock crosses into the next window)."""
    counter = int(time.time()) // mfa_settings.TOTP_PERIOD
    return format_hotp_value(hotp_value(secret, counter))


# Pledges -------------------------------------------------------------------------------------

PLEDGE_DESCRIPTION = (
    "The organisation will open regular pathways for seasonal agricultural workers in two "
    "provinces, with written contracts, fair recruitment without fees charged to workers, and "
    "access to health care whatever a person's status. It will publish a baseline study in the "
    "first year, consult migrant-led organisations twice a year, and report on the portal on "
    "the number of workers reached and the complaints received and resolved."
)


class PledgeFactory(factory.django.DjangoModelFactory):
    """A complete draft, ready to submit. `PledgeFactory(published=True)` starts it published;
    pass `objectives=[…]` / `principles=[…]` to choose them (default: the primary objective)."""

    class Meta:
        model = Pledge
        skip_postgeneration_save = True

    class Params:
        submitted = factory.Trait(
            status=Pledge.Status.SUBMITTED, submitted_at=factory.LazyFunction(timezone.now)
        )
        published = factory.Trait(
            status=Pledge.Status.PUBLISHED,
            submitted_at=factory.LazyFunction(timezone.now),
            published_at=factory.LazyFunction(timezone.now),
            last_reported_at=factory.SelfAttribute("published_at"),
        )

    lead = factory.SubFactory(ActorFactory)
    kind = Pledge.Kind.INDIVIDUAL
    support = Pledge.Support.POLICY
    title = factory.Sequence(lambda n: f"Test pledge {n}")
    summary = "Commits to fair recruitment of seasonal workers."
    description = PLEDGE_DESCRIPTION
    language = "en"
    primary_objective = factory.LazyFunction(lambda: Objective.objects.get(number=6))
    scope = Pledge.Scope.GLOBAL
    start_date = dt.date(2026, 1, 1)
    end_date = dt.date(2028, 12, 31)
    contact_name = "Pat Contact"
    contact_email = "pat.contact@example.org"
    cycle = factory.LazyFunction(lambda: ReviewCycle.objects.get(slug="imrf-2026"))
    concerns_migrants = True

    @factory.post_generation
    def objectives(self, create, extracted, **kwargs):
        if not create:
            return
        if extracted is None:
            extracted = [self.primary_objective] if self.primary_objective_id else []
        self.objectives.set(extracted)

    @factory.post_generation
    def principles(self, create, extracted, **kwargs):
        if create and extracted:
            self.principles.set(extracted)


class PledgePartnerFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = PledgePartner

    pledge = factory.SubFactory(PledgeFactory, kind=Pledge.Kind.JOINT)
    actor = factory.SubFactory(ActorFactory)
    status = PledgePartner.Status.PENDING


class ProgressUpdateFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ProgressUpdate

    pledge = factory.SubFactory(PledgeFactory, published=True)
    date = factory.LazyFunction(timezone.localdate)
    stage = Pledge.ImplementationStatus.IN_PROGRESS
    narrative = "The baseline study is done."
    language = "en"
    actor = factory.SelfAttribute("pledge.lead")


class EndorsementFactory(factory.django.DjangoModelFactory):
    """An organisation's endorsement of a published pledge, by one of its members (written
    directly: the service's rules and notification have tests of their own)."""

    class Meta:
        model = Endorsement

    pledge = factory.SubFactory(PledgeFactory, published=True)
    actor = factory.SubFactory(ActorFactory)
    endorsed_by = factory.SubFactory(VerifiedUserFactory)


def bulk_pledges(count: int, *, lead, objectives=(), partners=(), **fields) -> list[Pledge]:
    """Insert `count` pledges of `lead` in a few queries (for list and query-count tests),
    each with the given objectives and partner actors (partnerships take `partner_status`)."""
    partner_status = fields.pop("partner_status", PledgePartner.Status.CONFIRMED)
    primary = fields.pop("primary_objective", objectives[0] if objectives else None)
    pledges = Pledge.objects.bulk_create(
        PledgeFactory.build(lead=lead, primary_objective=primary, **fields) for _ in range(count)
    )
    Pledge.objectives.through.objects.bulk_create(
        Pledge.objectives.through(pledge_id=pledge.pk, objective_id=objective.pk)
        for pledge in pledges
        for objective in objectives
    )
    PledgePartner.objects.bulk_create(
        PledgePartner(pledge=pledge, actor=actor, status=partner_status)
        for pledge in pledges
        for actor in partners
    )
    return pledges


def pledge_form_data(pledge: Pledge | None = None, **overrides) -> dict:
    """What the pledge form posts: `pledge` as it stands, or a complete new pledge.

    Override any field by name; None drops it from the post.
    """
    if pledge is None:
        pledge = PledgeFactory.build(lead=None)
    saved = pledge.pk is not None
    data = {
        "title": pledge.title,
        "summary": pledge.summary,
        "description": pledge.description,
        "kind": pledge.kind,
        "matches": pledge.matches_id or "",
        "support": pledge.support,
        "amount": "" if pledge.amount is None else str(pledge.amount),
        "currency": pledge.currency,
        "objectives": (
            [o.pk for o in pledge.objectives.all()] if saved else [pledge.primary_objective_id]
        ),
        "primary_objective": pledge.primary_objective_id or "",
        "principles": [p.pk for p in pledge.principles.all()] if saved else [],
        "scope": pledge.scope,
        "countries": [country.code for country in pledge.countries],
        "start_date": pledge.start_date.isoformat() if pledge.start_date else "",
        "end_date": pledge.end_date.isoformat() if pledge.end_date else "",
        "contact_name": pledge.contact_name,
        "contact_email": pledge.contact_email,
        "cycle": pledge.cycle_id or "",
        "partners": list(pledge.partnerships.values_list("actor_id", flat=True)) if saved else [],
        "concerns_migrants": "on" if pledge.concerns_migrants else "",
        "version": pledge.version if saved else "",
    }
    data.update(overrides)
    # The form posts the pledge it answers as `answers_pledge` (see PledgeForm.HTML_NAMES).
    data["answers_pledge"] = data.pop("matches")
    return {name: value for name, value in data.items() if value is not None}


# Conversation --------------------------------------------------------------------------------


class CommentFactory(factory.django.DjangoModelFactory):
    """A comment on a published pledge; for another target pass `pledge=None, objective=…`
    (or paragraph, round_table, progress_update). The HTML is rendered as the service does."""

    class Meta:
        model = Comment

    pledge = factory.SubFactory(PledgeFactory, published=True)
    author = factory.SubFactory(VerifiedUserFactory)
    body = factory.Sequence(lambda n: f"Comment number {n}.")
    language = "en"
    body_html = factory.LazyAttribute(lambda comment: render_markdown(comment.body))


class FlagFactory(factory.django.DjangoModelFactory):
    """A flag on a comment; for a progress update pass `comment=None, progress_update=…`."""

    class Meta:
        model = Flag

    user = factory.SubFactory(VerifiedUserFactory)
    comment = factory.SubFactory(CommentFactory)
    reason = Flag.Reason.SPAM


class QuestionFactory(factory.django.DjangoModelFactory):
    """An open question to a published pledge's lead, in its author's own name (written
    directly: the service's rules and notifications have tests of their own)."""

    class Meta:
        model = Question

    pledge = factory.SubFactory(PledgeFactory, published=True)
    addressed_to = factory.SelfAttribute("pledge.lead")
    author = factory.SubFactory(VerifiedUserFactory)
    body = factory.Sequence(lambda n: f"Question number {n}?")
    language = "en"
    body_html = factory.LazyAttribute(lambda question: render_markdown(question.body))


class AnswerFactory(factory.django.DjangoModelFactory):
    """The answer of the organisation asked; marks its question answered, as the service does."""

    class Meta:
        model = Answer
        skip_postgeneration_save = True

    question = factory.SubFactory(QuestionFactory)
    author = factory.SubFactory(VerifiedUserFactory)
    actor = factory.SelfAttribute("question.addressed_to")
    body = factory.Sequence(lambda n: f"Answer number {n}.")
    language = "en"
    body_html = factory.LazyAttribute(lambda answer: render_markdown(answer.body))

    @factory.post_generation
    def answered(self, create, extracted, **kwargs):
        if create:
            Question.objects.filter(pk=self.question_id).update(
                status=Question.Status.ANSWERED, answered_at=self.created_at
            )
            self.question.status = Question.Status.ANSWERED
            self.question.answered_at = self.created_at


def bulk_comments(count: int, *, authors, parent=None, actor=None, **target) -> list[Comment]:
    """Insert `count` comments on one target (pledge=…, objective=…) in one query, written by
    `authors` in turn; replies to `parent` when it is given (the target is then the parent's)."""
    if parent is not None:
        target = {parent.target_field: parent.target}
    now = timezone.now()
    return Comment.objects.bulk_create(
        Comment(
            author=authors[n % len(authors)],
            actor=actor,
            parent=parent,
            body=f"Bulk comment {n}.",
            body_html=f"<p>Bulk comment {n}.</p>",
            created_at=now + dt.timedelta(microseconds=n),
            **target,
        )
        for n in range(count)
    )


class NeedFactory(factory.django.DjangoModelFactory):
    """An open need of an organisation; `objectives=[…]` chooses them (default: objective 6)."""

    class Meta:
        model = "reviews.Need"
        skip_postgeneration_save = True

    actor = factory.SubFactory(ActorFactory)
    title = factory.Sequence(lambda n: f"Test need {n}")
    description = "Support to train labour inspectors on fair recruitment."
    support = "financial,technical"
    language = "en"

    @factory.post_generation
    def objectives(self, create, extracted, **kwargs):
        if create:
            self.objectives.set(extracted or [Objective.objects.get(number=6)])


class OfferFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "reviews.Offer"

    need = factory.SubFactory(NeedFactory)
    actor = factory.SubFactory(ActorFactory)
    created_by = factory.SubFactory(UserFactory)
    body = "Two trainers for a week."
