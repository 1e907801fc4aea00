"""Factories for the portal's models; tests and demo data build on them."""

import factory
from allauth.account.models import EmailAddress
from allauth.mfa.totp.internal.auth import (
    TOTP,
    format_hotp_value,
    generate_totp_secret,
    hotp_value,
    yield_hotp_counters_from_time,
)
from django.contrib.auth.models import Group

from actors.models import Actor, Coalition, CoalitionMembership, Membership, User
from actors.permissions import forget
from reviews.models import (
    DeclarationParagraph,
    Milestone,
    ReviewCycle,
    RoundTable,
    SourceDocument,
)


class SourceDocumentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = SourceDocument
        django_get_or_create = ("slug",)

    slug = factory.Sequence(lambda n: f"test-source-{n}")
    title = factory.Sequence(lambda n: f"Test source document {n}")
    kind = SourceDocument.Kind.ARTICLE


class SourcedFactory(factory.django.DjangoModelFactory):
    source = factory.SubFactory(SourceDocumentFactory)
    source_locator = "a quoted phrase"


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    email = factory.Sequence(lambda n: f"user{n}@example.org")
    display_name = factory.Faker("name")
    password = factory.django.Password("correct horse battery staple")


class ModeratorFactory(UserFactory):
    """Member of the moderators group (add MFA with give_mfa to use the powers)."""

    @factory.post_generation
    def moderators_group(self, create, extracted, **kwargs):
        if create:
            self.groups.add(Group.objects.get_or_create(name="Moderators")[0])


class ActorFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Actor

    name = factory.Sequence(lambda n: f"Test organisation {n}")
    short_name = factory.Sequence(lambda n: f"TO{n}")
    slug = factory.Sequence(lambda n: f"test-organisation-{n}")
    kind = Actor.Kind.CIVIL_SOCIETY
    source = None


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


def give_mfa(user) -> str:
    """Activate TOTP for the user, as the MFA set-up page does; returns the secret."""
    secret = generate_totp_secret()
    TOTP.activate(user, secret)
    forget(user)
    return secret


def totp_code(secret: str) -> str:
    """The code an authenticator app shows now for this secret."""
    counter = next(iter(yield_hotp_counters_from_time()))
    return format_hotp_value(hotp_value(secret, counter))
