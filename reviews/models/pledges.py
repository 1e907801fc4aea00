"""Pledges: commitments of actors against GCM objectives, moderated before publication."""

import re
import uuid
from pathlib import PurePath

from django.conf import settings
from django.contrib.postgres.search import SearchVectorField
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext, ngettext, ngettext_lazy, pgettext_lazy
from django.utils.translation import gettext_lazy as _
from django_cleanup import cleanup
from django_countries.fields import CountryField
from simple_history.models import HistoricalRecords

from portal.addresses import address
from portal.i18n import interpolate_lazy
from reviews.attachments import MediaType
from reviews.models import freshness as reporting
from reviews.models.constraints import FieldCheckConstraint
from reviews.models.content_language import written_in
from reviews.models.freshness import Freshness
from reviews.models.lifecycle import (
    EDITABLE_STATUSES,
    PARTNERSHIP_OPEN,
    PUBLIC_STATUSES,
    TRANSITIONS,
    ImplementationStatus,
    Status,
)
from reviews.models.list_indexes import PUBLIC_LIST_INDEXES
from reviews.models.pledge_queries import SEARCH_COLUMNS, PledgeQuerySet

DESCRIPTION_MIN = 300
DESCRIPTION_MAX = 3000
CURRENCY = re.compile(r"[A-Z]{3}")


def attachment_path(pledge, filename: str) -> str:
    """A path nobody can guess; the original name is kept only as the download name."""
    suffix = PurePath(filename).suffix.lower()[:10]
    return f"pledges/{uuid.uuid4().hex}/attachment{suffix}"


# A replaced, cleared or deleted attachment leaves the storage once that change commits.
@cleanup.select
class Pledge(models.Model):
    class Kind(models.TextChoices):
        INDIVIDUAL = "individual", _("Individual")
        JOINT = "joint", _("Joint (with partner organisations)")
        MATCHING = "matching", _("Matching (answers another pledge)")

    class Support(models.TextChoices):
        POLICY = "policy", _("Policy or legal")
        PROGRAMME = "programme", _("Programme or operational")
        FINANCIAL = "financial", _("Financial")
        TECHNICAL = "technical", _("Human resources or technical")
        PROCESS = "process", _("Process-oriented")

    class Scope(models.TextChoices):
        LOCAL = "local", _("Local")
        NATIONAL = "national", _("National")
        REGIONAL = "regional", _("Regional")
        GLOBAL = "global", pgettext_lazy("scope", "Global")

    Status = Status
    ImplementationStatus = ImplementationStatus
    PARTNERSHIP_OPEN = PARTNERSHIP_OPEN

    lead = models.ForeignKey(
        "actors.Actor",
        on_delete=models.PROTECT,
        related_name="pledges",
        verbose_name=_("lead actor"),
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    kind = models.CharField(max_length=20, choices=Kind.choices, default=Kind.INDIVIDUAL)
    matches = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="matching_pledges",
        help_text=_("The published pledge this one answers (matching pledges only)."),
    )
    # A matching pledge may answer an organisation's need (reviews.models.needs) instead of, or
    # as well as, another pledge; the need shows it once the pledge is public.
    answers_need = models.ForeignKey(
        "reviews.Need",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="matching_pledges",
        verbose_name=_("need answered"),
        help_text=_("The open need this pledge answers (matching pledges only)."),
    )
    support = models.CharField(
        _("form of support"), max_length=20, choices=Support.choices, blank=True
    )
    amount = models.DecimalField(max_digits=14, decimal_places=2, null=True, blank=True)
    currency = models.CharField(max_length=3, blank=True, help_text=_("ISO 4217 code, e.g. USD."))
    title = models.CharField(max_length=200)
    summary = models.CharField(max_length=300, blank=True, help_text=_("One line."))
    description = models.TextField(
        blank=True,
        help_text=interpolate_lazy(
            ngettext_lazy(
                "Between %(min)d and %(max)d character.",
                "Between %(min)d and %(max)d characters.",
                DESCRIPTION_MAX,
            ),
            {"min": DESCRIPTION_MIN, "max": DESCRIPTION_MAX},
        ),
    )
    language = written_in()
    objectives = models.ManyToManyField("reviews.Objective", blank=True, related_name="pledges")
    primary_objective = models.ForeignKey(
        "reviews.Objective", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    principles = models.ManyToManyField(
        "reviews.GuidingPrinciple", blank=True, related_name="pledges"
    )
    scope = models.CharField(max_length=20, choices=Scope.choices, blank=True)
    countries = CountryField(multiple=True, blank=True)
    start_date = models.DateField(null=True, blank=True)
    end_date = models.DateField(null=True, blank=True)
    contact_name = models.CharField(max_length=150, blank=True)
    contact_email = models.EmailField(blank=True)
    cycle = models.ForeignKey(
        "reviews.ReviewCycle",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="pledges",
    )
    partners = models.ManyToManyField(
        "actors.Actor", through="PledgePartner", related_name="partner_pledges", blank=True
    )
    attachment = models.FileField(upload_to=attachment_path, blank=True, max_length=200)
    attachment_name = models.CharField(max_length=200, blank=True)
    attachment_type = models.CharField(
        max_length=100,
        blank=True,
        choices=MediaType.choices,
        help_text=_("Media type found from the file's content, one of the allowed ones."),
    )
    concerns_migrants = models.BooleanField(
        _("concerns migrants (the GCM), not refugees (the GCR)"), default=False
    )
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.DRAFT)
    implementation_status = models.CharField(
        max_length=20, choices=ImplementationStatus.choices, default=ImplementationStatus.PLANNED
    )
    version = models.PositiveIntegerField(default=1, editable=False)
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    updated_at = models.DateTimeField(auto_now=True)
    submitted_at = models.DateTimeField(null=True, blank=True)
    published_at = models.DateTimeField(null=True, blank=True)
    last_reported_at = models.DateTimeField(
        null=True, blank=True, help_text=_("Publication, then the latest progress update.")
    )
    # At least one indicator with a baseline and a target, each with its value and date
    # (reviews.results.refresh_measurable, after every change of the pledge's indicators).
    measurable = models.BooleanField(default=False, editable=False)
    # Weighted words of title, summary, lead and description (reviews.search), written by a
    # PostgreSQL trigger on every write path and GIN-indexed (migration 0011); NULL on SQLite.
    search_vector = SearchVectorField(null=True, editable=False)
    # The words of the title alone, and of the title, summary and lead: the ranking tiers of a
    # search (reviews.search), written by the same trigger and GIN-indexed (migration 0015).
    search_title = SearchVectorField(null=True, editable=False)
    search_head = SearchVectorField(null=True, editable=False)

    history = HistoricalRecords(
        m2m_fields=[objectives, principles],
        excluded_fields=["version", "measurable", *SEARCH_COLUMNS],
    )
    objects = PledgeQuerySet.as_manager()

    class Meta:
        ordering = ["-published_at", "-pk"]
        indexes = [
            *PUBLIC_LIST_INDEXES,
            models.Index(fields=["status", "-published_at", "-id"], name="pledge_status_published"),
            models.Index(fields=["lead", "status"], name="pledge_lead_status"),
            models.Index(fields=["status", "submitted_at"], name="pledge_queue"),
        ]
        constraints = [
            FieldCheckConstraint(
                field="end_date",
                condition=Q(end_date__isnull=True)
                | Q(start_date__isnull=True)
                | Q(end_date__gte=models.F("start_date")),
                name="pledge_ends_after_start",
                violation_error_message=_("The end date cannot be before the start date."),
            ),
            FieldCheckConstraint(
                field="amount",
                condition=Q(amount__isnull=True) | Q(amount__gte=0),
                name="pledge_amount_not_negative",
                violation_error_message=_("An amount cannot be negative."),
            ),
            FieldCheckConstraint(
                field="matches",
                condition=Q(matches__isnull=True) | Q(kind="matching"),
                name="pledge_only_matching_answers",
                violation_error_message=_("Only a matching pledge answers another pledge."),
            ),
            FieldCheckConstraint(
                field="matches",
                condition=Q(matches__isnull=True) | ~Q(matches=models.F("pk")),
                name="pledge_answers_another",
                violation_error_message=_("A pledge cannot answer itself."),
            ),
            FieldCheckConstraint(
                field="answers_need",
                condition=Q(answers_need__isnull=True) | Q(kind="matching"),
                name="pledge_only_matching_answers_need",
                violation_error_message=_("Only a matching pledge answers a need."),
            ),
            FieldCheckConstraint(
                field="attachment_type",
                condition=Q(attachment_type="") | Q(attachment_type__in=MediaType.values),
                name="pledge_attachment_type_allowed",
                violation_error_message=_("An attachment's type is one of the allowed ones."),
            ),
        ]

    def __str__(self):
        return self.title or gettext("Pledge %(number)s") % {"number": self.pk}

    def get_absolute_url(self):
        return address("reviews:pledge-detail", self.pk)

    @property
    def is_editable(self) -> bool:
        return self.status in EDITABLE_STATUSES

    @property
    def is_public(self) -> bool:
        return self.status in PUBLIC_STATUSES

    def allows(self, step: str) -> bool:
        """Whether the lifecycle has this step from the pledge's status."""
        return self.status in TRANSITIONS[step][0]

    def freshness_at(self, now=None) -> Freshness | None:
        return reporting.colour(self.status, self.implementation_status, self.last_reported_at, now)

    def clean(self):
        """The rules of a pledge's own fields, for drafts too (submission_errors() says what is
        still missing). Rules the database can check are constraints (Meta)."""
        errors = {}
        self.currency = self.currency.strip().upper()
        if self.currency and not CURRENCY.fullmatch(self.currency):
            errors["currency"] = gettext("Give the currency as a three-letter code, e.g. USD.")
        # That only a matching pledge answers one, and not itself, are constraints.
        answers = self.kind == self.Kind.MATCHING and self.matches_id not in (None, self.pk)
        if answers and self.matches.status != Status.PUBLISHED:
            errors["matches"] = gettext("A matching pledge answers a published pledge.")
        if self.kind == self.Kind.MATCHING and self.answers_need_id is not None:
            errors.update(self._answered_need_errors())
        if errors:
            raise ValidationError(errors)

    def _answered_need_errors(self) -> dict[str, str]:
        """A pledge answers another organisation's need, one still open (a need met or closed
        since it was chosen keeps the pledges that answered it)."""
        need = self.answers_need
        if need.actor_id == self.lead_id:
            return {
                "answers_need": gettext("A pledge does not answer its own organisation's need.")
            }
        if self.pk is not None:
            chosen = type(self).objects.filter(pk=self.pk).values_list("answers_need", flat=True)
            if need.pk in chosen:
                return {}
        if not need.is_open or need.is_hidden:
            return {"answers_need": gettext("A matching pledge answers an open need.")}
        return {}

    def submission_errors(self) -> dict[str, list[str]]:
        """Everything missing before the pledge can be submitted, all at once."""
        errors: dict[str, list[str]] = {}

        def need(field, message):
            if message not in errors.get(field, []):
                errors.setdefault(field, []).append(message)

        try:  # the rules of every save still hold (a matched pledge may have been withdrawn)
            self.clean()
        except ValidationError as error:
            for field, messages in error.message_dict.items():
                for message in messages:
                    need(field, message)
        if not self.title.strip():
            need("title", gettext("Give the pledge a title."))
        if not self.summary.strip():
            need("summary", gettext("Write a one-line summary."))
        length = len(self.description.strip())
        if length < DESCRIPTION_MIN:
            need(
                "description",
                ngettext(
                    "Describe the pledge in at least %(min)d character (now %(length)d).",
                    "Describe the pledge in at least %(min)d characters (now %(length)d).",
                    DESCRIPTION_MIN,
                )
                % {"min": DESCRIPTION_MIN, "length": length},
            )
        elif length > DESCRIPTION_MAX:
            need(
                "description",
                ngettext(
                    "Keep the description under %(max)d character.",
                    "Keep the description under %(max)d characters.",
                    DESCRIPTION_MAX,
                )
                % {"max": DESCRIPTION_MAX},
            )
        objective_ids = {o.pk for o in self.objectives.all()} if self.pk else set()
        if not objective_ids:
            need("objectives", gettext("Choose at least one objective."))
        if not self.primary_objective_id:
            need("primary_objective", gettext("Choose the primary objective."))
        elif objective_ids and self.primary_objective_id not in objective_ids:
            need(
                "primary_objective", gettext("The primary objective must be one of the objectives.")
            )
        if not self.support:
            need("support", gettext("Choose the form of support."))
        if self.support == self.Support.FINANCIAL:
            if self.amount is None:
                need("amount", gettext("Give the amount of a financial pledge."))
            if len(self.currency) != 3:
                need("currency", gettext("Give the currency as a three-letter code, e.g. USD."))
        if not self.scope:
            need("scope", gettext("Choose the scope."))
        if self.scope in (self.Scope.LOCAL, self.Scope.NATIONAL) and not self.countries:
            need("countries", gettext("Name the countries concerned."))
        if not self.start_date:
            need("start_date", gettext("Give a start date."))
        if not self.end_date:
            need("end_date", gettext("Give an end date."))
        if not self.contact_name.strip() or not self.contact_email:
            need("contact_email", gettext("Give a contact name and e-mail address."))
        if not self.cycle_id:
            need("cycle", gettext("Choose the review cycle."))
        if not self.concerns_migrants:
            need(
                "concerns_migrants",
                gettext(
                    "Confirm that the pledge concerns migrants (the GCM), not refugees (the GCR)."
                ),
            )
        if self.kind == self.Kind.MATCHING and not (self.matches_id or self.answers_need_id):
            need("matches", gettext("Choose the pledge this one answers."))
        if self.kind == self.Kind.JOINT and not (self.pk and self.partnerships.exists()):
            need("partners", gettext("Name at least one partner organisation of a joint pledge."))
        return errors

    def submission_warnings(self) -> list[str]:
        """What would make the pledge more specific and measurable. Unlike the errors, these do
        not stop a submission; the pledge page lists them together, beside the errors."""
        warnings = []
        indicators = (
            [i for result in self.results.all() for i in result.indicators.all()] if self.pk else []
        )
        if not indicators:
            warnings.append(
                gettext(
                    "No indicator measures the pledge: add an expected result with an indicator, "
                    "its baseline and its target."
                )
            )
        elif not any(indicator.is_measurable for indicator in indicators):
            warnings.append(
                gettext(
                    "No indicator has both a baseline and a target, each with its value and date."
                )
            )
        undated = [i.name for i in indicators if i.target_date is None]
        if undated:
            warnings.append(
                ngettext(
                    "This indicator has no target date: %(names)s.",
                    "These indicators have no target date: %(names)s.",
                    len(undated),
                )
                % {"names": ", ".join(undated)}
            )
        if self.scope == self.Scope.REGIONAL and not self.countries:
            warnings.append(gettext("A regional pledge should name the countries it concerns."))
        if self.support != self.Support.FINANCIAL and (self.amount is None) != (not self.currency):
            warnings.append(gettext("Give an amount together with its currency, or neither."))
        return warnings


# What a pledge's authors may change, in the order the form shows it: the form adds the
# attachment, the API's serializer the lead and the version; the services apply the same list.
# Status, version and the dates belong to the services.
EDITABLE_FIELDS = [
    "title",
    "summary",
    "description",
    "language",
    "kind",
    "matches",
    "answers_need",
    "support",
    "amount",
    "currency",
    "objectives",
    "primary_objective",
    "principles",
    "scope",
    "countries",
    "start_date",
    "end_date",
    "contact_name",
    "contact_email",
    "cycle",
    "partners",
    "concerns_migrants",
]
# Of those, the relations, set once the pledge is saved (partners through PledgePartner).
EDITABLE_RELATIONS = ("objectives", "principles", "partners")
# Set from an uploaded file by the form, never typed.
ATTACHMENT_FIELDS = ("attachment", "attachment_name", "attachment_type")
