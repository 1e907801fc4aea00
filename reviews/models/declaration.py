"""The Declaration's paragraphs: each numbered paragraph (§) of a cycle's outcome document, in
our own words, and the objectives it speaks to. Reference data, curated like the rest
(``reviews.models.reference``)."""

from django.db import models
from django.db.models import F
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from actors.models import SourcedQuerySet
from reviews.models.reference import Objective, ReviewCycle


class DeclarationParagraphQuerySet(SourcedQuerySet):
    def get_by_natural_key(self, cycle_slug, number):
        return self.get(cycle__slug=cycle_slug, number=number)

    def with_objective_links(self):
        """Each paragraph with its links to objectives (and whether each is editorial)."""
        return self.prefetch_related(
            models.Prefetch(
                "objective_links",
                queryset=DeclarationParagraphObjective.objects.select_related("objective"),
            )
        )

    def speaking_to(self, objective):
        """The paragraphs linked to ``objective``, each with ``editorial_link`` (the curators'
        reading, not a source's)."""
        return self.filter(objective_links__objective=objective).annotate(
            editorial_link=F("objective_links__editorial")
        )


class DeclarationParagraph(models.Model):
    """A numbered paragraph (§) of a cycle's outcome document, summarised in our own words."""

    cycle = models.ForeignKey(
        ReviewCycle, on_delete=models.CASCADE, related_name="declaration_paragraphs"
    )
    number = models.PositiveSmallIntegerField()
    section = models.CharField(max_length=200, blank=True)
    summary = models.TextField()
    objectives = models.ManyToManyField(
        Objective,
        through="DeclarationParagraphObjective",
        blank=True,
        related_name="declaration_paragraphs",
    )

    objects = DeclarationParagraphQuerySet.as_manager()

    class Meta:
        ordering = ["cycle", "number"]
        constraints = [
            models.UniqueConstraint(fields=["cycle", "number"], name="paragraph_unique_number"),
        ]

    def __str__(self):
        return f"{self.cycle.outcome or self.cycle} § {self.number}"

    def natural_key(self):
        return (*self.cycle.natural_key(), self.number)

    natural_key.dependencies = ["reviews.reviewcycle"]


class DeclarationParagraphObjectiveQuerySet(models.QuerySet):
    def get_by_natural_key(self, cycle_slug, paragraph_number, objective_number):
        return self.get(
            paragraph__cycle__slug=cycle_slug,
            paragraph__number=paragraph_number,
            objective__number=objective_number,
        )


class DeclarationParagraphObjective(models.Model):
    """An objective a Declaration paragraph speaks to, and whether a source says so.

    A link no cited source states is the curators' own reading (``editorial``), and the pages and
    the API say so.
    """

    paragraph = models.ForeignKey(
        DeclarationParagraph, on_delete=models.CASCADE, related_name="objective_links"
    )
    objective = models.ForeignKey(Objective, on_delete=models.PROTECT, related_name="+")
    editorial = models.BooleanField(
        default=True,
        help_text=_("The curators' own reading; untick only when a cited source states the link."),
    )

    objects = DeclarationParagraphObjectiveQuerySet.as_manager()

    class Meta:
        ordering = ["objective__number"]
        constraints = [
            models.UniqueConstraint(
                fields=["paragraph", "objective"], name="paragraph_objective_once"
            ),
        ]

    def __str__(self):
        values = {"paragraph": self.paragraph, "number": self.objective.number}
        if self.editorial:
            return gettext("%(paragraph)s: objective %(number)s (curators' reading)") % values
        return gettext("%(paragraph)s: objective %(number)s") % values

    def natural_key(self):
        return (*self.paragraph.natural_key(), *self.objective.natural_key())

    natural_key.dependencies = ["reviews.declarationparagraph", "reviews.objective"]
