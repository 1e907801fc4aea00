"""Users, the organisations (actors) they act for, and the coalitions those actors form."""

from django.conf import settings
from django.contrib.auth.base_user import AbstractBaseUser, BaseUserManager
from django.contrib.auth.models import PermissionsMixin
from django.db import models
from django.db.models import Q
from django.db.models.functions import Lower
from django.utils import timezone
from django.utils.translation import gettext, gettext_noop, pgettext_lazy
from django.utils.translation import gettext_lazy as _
from django_countries.fields import CountryField

from actors.models.sources import SourcedQuerySet
from portal.addresses import address

# The group whose members are the portal's moderators (the secretariat).
MODERATORS_GROUP = "Moderators"


class UserQuerySet(models.QuerySet):
    """Who is told of what: each list of recipients is written here once, active people only."""

    def moderators(self):
        return self.filter(is_active=True, groups__name=MODERATORS_GROUP)

    def members_of(self, actor):
        """Everyone who acts for the organisation (an Actor or its pk), whatever their role."""
        return self.filter(is_active=True, memberships__actor=actor)

    def focal_points_of(self, actor):
        return self.filter(
            is_active=True,
            memberships__actor=actor,
            memberships__role=Membership.Role.FOCAL_POINT,
        )


class UserManager(BaseUserManager.from_queryset(UserQuerySet)):
    use_in_migrations = True

    def get_by_natural_key(self, email):
        return self.get(email__iexact=email)

    def _create_user(self, email, password, **extra_fields):
        if not email:
            raise ValueError("An e-mail address is required.")
        user = self.model(email=self.normalize_email(email), **extra_fields)
        user.set_password(password)
        user.full_clean(exclude=["password"])
        user.save(using=self._db)
        return user

    def create_user(self, email, password=None, **extra_fields):
        extra_fields.setdefault("is_staff", False)
        extra_fields.setdefault("is_superuser", False)
        return self._create_user(email, password, **extra_fields)

    def create_superuser(self, email, password=None, **extra_fields):
        extra_fields.update(is_staff=True, is_superuser=True)
        return self._create_user(email, password, **extra_fields)


class User(AbstractBaseUser, PermissionsMixin):
    """A person using the portal; they sign in with their e-mail address."""

    email = models.EmailField(_("e-mail address"), max_length=254, unique=True)
    display_name = models.CharField(
        max_length=150, blank=True, help_text=_("How the portal names this person to others.")
    )
    is_staff = models.BooleanField(
        default=False, help_text=_("Whether the user can log into the admin site.")
    )
    is_active = models.BooleanField(default=True)
    date_joined = models.DateTimeField(default=timezone.now)
    deleted_at = models.DateTimeField(
        null=True, blank=True, help_text=_("When the person deleted their account.")
    )
    posting_blocked_at = models.DateTimeField(
        null=True,
        blank=True,
        help_text=_("Set by a moderator: the person may no longer post comments or flags."),
    )
    # The interface's language when no switcher cookie says otherwise, and the e-mails' (issue 12).
    language = models.CharField(
        _("language"),
        max_length=10,
        choices=settings.LANGUAGES,
        blank=True,
        help_text=_(
            "The language of the portal and of your e-mails; empty: the one your browser asks for."
        ),
    )

    objects = UserManager()

    USERNAME_FIELD = "email"
    EMAIL_FIELD = "email"
    REQUIRED_FIELDS = []

    class Meta:
        ordering = ["email"]
        constraints = [
            models.UniqueConstraint(
                Lower("email"),
                name="user_email_unique_ci",
                violation_error_message=_("A user with this e-mail address already exists."),
            ),
        ]

    # The name of someone who deleted their account (in English here: the sign-up form refuses
    # it as anyone's own name; public_name shows it translated).
    FORMER_MEMBER = gettext_noop("former member")

    def __str__(self):
        return self.public_name

    @property
    def public_name(self):
        """How others see this person: their chosen name, never their e-mail address."""
        if self.deleted_at:
            return gettext(self.FORMER_MEMBER)
        return self.display_name or gettext("Member %(number)s") % {"number": self.pk}

    def get_full_name(self):
        return self.display_name or self.email

    def get_short_name(self):
        return self.public_name


class Region(models.TextChoices):
    """The regions of the regional reviews, one per UN regional economic commission."""

    AFRICA = "africa", _("Africa")
    ARAB = "arab", _("Arab region")
    ASIA_PACIFIC = "asia-pacific", _("Asia and the Pacific")
    EUROPE_NORTH_AMERICA = "europe-north-america", _("Europe and North America")
    LATIN_AMERICA_CARIBBEAN = "latin-america-caribbean", _("Latin America and the Caribbean")
    GLOBAL = "global", pgettext_lazy("region", "Global")


class ActorQuerySet(SourcedQuerySet):
    def get_by_natural_key(self, slug):
        return self.get(slug=slug)

    def accredited(self):
        """Organisations the public sees; proposals wait for an administrator."""
        return self.filter(status=Actor.Status.ACCREDITED)

    def curated(self):
        """Actors the administrators curate from source documents (written to the fixtures)."""
        return self.filter(is_demo=False).cited()

    def for_directory(self):
        return self.accredited().select_related("parent").defer("description")


class Actor(models.Model):
    """An organisation with a stake in the Compact: a state, a UN entity, a city, an NGO…"""

    class Kind(models.TextChoices):
        MEMBER_STATE = "member-state", _("Member state")
        UN_ENTITY = "un-entity", _("UN entity")
        IOM = "iom", _("IOM")
        LOCAL_GOVERNMENT = "local-government", _("Local government")
        CIVIL_SOCIETY = "civil-society", _("Civil society")
        YOUTH = "youth", _("Youth organisation")
        MIGRANT_DIASPORA = "migrant-diaspora", _("Migrant or diaspora organisation")
        NHRI = "nhri", _("National human rights institution")
        TRADE_UNION = "trade-union", _("Trade union")
        ACADEMIA = "academia", _("Academia")
        PRIVATE_SECTOR = "private-sector", _("Private sector")
        OTHER = "other", pgettext_lazy("stakeholder kind", "Other")

    class Status(models.TextChoices):
        ACCREDITED = "accredited", _("Accredited")
        PROPOSED = "proposed", _("Proposed, awaiting accreditation")
        DECLINED = "declined", _("Not accredited")

    name = models.CharField(max_length=300, unique=True)
    short_name = models.CharField(max_length=40, blank=True, help_text=_("Acronym or short name."))
    slug = models.SlugField(max_length=80, unique=True)
    kind = models.CharField(max_length=30, choices=Kind.choices)
    country = CountryField(blank=True)
    region = models.CharField(max_length=30, choices=Region.choices, blank=True)
    website = models.URLField(blank=True)
    description = models.TextField(blank=True)
    parent = models.ForeignKey(
        "self",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="children",
        help_text=_("The organisation this one is part of, if any."),
    )
    is_demo = models.BooleanField(
        default=False, help_text=_("Made up for demonstrations; never real data.")
    )
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.ACCREDITED)
    proposed_by = models.ForeignKey(
        User,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="proposed_actors",
        help_text=_("The user who proposed this organisation for accreditation."),
    )
    proposal_note = models.TextField(
        blank=True, help_text=_("Why the proposer's organisation should take part.")
    )

    objects = ActorQuerySet.as_manager()

    class Meta:
        ordering = ["name"]
        indexes = [models.Index(fields=["kind", "name"], name="actor_kind_name")]
        constraints = [
            models.CheckConstraint(
                condition=~Q(parent=models.F("pk")),
                name="actor_not_own_parent",
                violation_error_message=_("An organisation cannot be its own parent."),
            ),
        ]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return address("actors:actor-detail", self.slug)

    def natural_key(self):
        return (self.slug,)

    @property
    def label(self):
        return f"{self.name} ({self.short_name})" if self.short_name else self.name


class CoalitionQuerySet(SourcedQuerySet):
    def get_by_natural_key(self, slug):
        return self.get(slug=slug)


class Coalition(models.Model):
    """A named group of actors: the Global Migration Group, the UN Network on Migration…"""

    slug = models.SlugField(max_length=80, unique=True)
    name = models.CharField(max_length=300, unique=True)
    short_name = models.CharField(max_length=40, blank=True)
    description = models.TextField(blank=True)
    founded_year = models.PositiveSmallIntegerField(null=True, blank=True)
    parent = models.ForeignKey(
        "self",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="children",
        help_text=_("The coalition this one is part of, e.g. an executive committee's network."),
    )
    website = models.URLField(blank=True)
    members = models.ManyToManyField(
        Actor, through="CoalitionMembership", related_name="coalitions"
    )

    objects = CoalitionQuerySet.as_manager()

    class Meta:
        ordering = ["name"]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return address("actors:coalition-detail", self.slug)

    def natural_key(self):
        return (self.slug,)


class CoalitionMembershipQuerySet(SourcedQuerySet):
    def get_by_natural_key(self, coalition_slug, actor_slug, role):
        return self.get(coalition__slug=coalition_slug, actor__slug=actor_slug, role=role)


class CoalitionMembership(models.Model):
    class Role(models.TextChoices):
        MEMBER = "member", pgettext_lazy("coalition role", "Member")
        FOUNDING_MEMBER = "founding-member", _("Founding member")
        CHAIR = "chair", pgettext_lazy("coalition role", "Chair")
        CO_CHAIR = "co-chair", _("Co-chair")
        COORDINATOR = "coordinator", _("Coordinator")
        CO_LEAD = "co-lead", _("Co-lead")

    coalition = models.ForeignKey(Coalition, on_delete=models.CASCADE, related_name="memberships")
    actor = models.ForeignKey(Actor, on_delete=models.CASCADE, related_name="coalition_memberships")
    role = models.CharField(max_length=20, choices=Role.choices, default=Role.MEMBER)
    joined_year = models.PositiveSmallIntegerField(null=True, blank=True)
    left_year = models.PositiveSmallIntegerField(null=True, blank=True)
    note = models.CharField(max_length=300, blank=True)

    objects = CoalitionMembershipQuerySet.as_manager()

    class Meta:
        ordering = ["coalition", "joined_year", "actor__name"]
        constraints = [
            models.UniqueConstraint(
                fields=["coalition", "actor", "role"], name="coalition_membership_once_per_role"
            ),
            models.CheckConstraint(
                condition=Q(left_year__isnull=True)
                | Q(joined_year__isnull=True)
                | Q(left_year__gte=models.F("joined_year")),
                name="coalition_membership_left_after_joined",
                violation_error_message=_("A member cannot leave before it joined."),
            ),
        ]

    def __str__(self):
        return gettext("%(actor)s – %(role)s of %(coalition)s") % {
            "actor": self.actor,
            "role": self.get_role_display(),
            "coalition": self.coalition,
        }

    def natural_key(self):
        return (*self.coalition.natural_key(), *self.actor.natural_key(), self.role)

    natural_key.dependencies = ["actors.coalition", "actors.actor"]


class Membership(models.Model):
    """A user's place in an organisation: they act on its behalf as contributor or focal point."""

    class Role(models.TextChoices):
        CONTRIBUTOR = "contributor", _("Contributor")
        FOCAL_POINT = "focal-point", _("Focal point")

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="memberships")
    actor = models.ForeignKey(Actor, on_delete=models.CASCADE, related_name="memberships")
    role = models.CharField(max_length=20, choices=Role.choices, default=Role.CONTRIBUTOR)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["actor__name", "user__email"]
        constraints = [
            models.UniqueConstraint(fields=["user", "actor"], name="membership_once_per_actor"),
        ]

    def __str__(self):
        return gettext("%(user)s – %(role)s of %(actor)s") % {
            "user": self.user,
            "role": self.get_role_display(),
            "actor": self.actor,
        }
