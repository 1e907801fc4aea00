"""Source documents, and the citations by which every curated record (of both apps) names them.

A curated record cites the documents its facts come from and where in each they stand, so that
each public page can show its provenance; a fact the sources do not give is left empty.
"""

from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from portal.addresses import address


class SourceDocumentQuerySet(models.QuerySet):
    def get_by_natural_key(self, slug):
        return self.get(slug=slug)


class SourceDocument(models.Model):
    """A document a curated fact comes from: an official text, an article, a book."""

    class Kind(models.TextChoices):
        OFFICIAL = "official", _("Official UN text")
        ARTICLE = "article", _("Article")
        BOOK = "book", _("Book")
        REPORT = "report", pgettext_lazy("kind of document", "Report")

    slug = models.SlugField(max_length=80, unique=True)
    title = models.CharField(max_length=300)
    kind = models.CharField(max_length=20, choices=Kind.choices)
    authors = models.CharField(max_length=300, blank=True)
    publisher = models.CharField(max_length=300, blank=True)
    published = models.CharField(
        max_length=100, blank=True, help_text=_("Publication date as the document gives it.")
    )
    url = models.URLField(blank=True)
    file_name = models.CharField(
        max_length=200,
        blank=True,
        help_text=_("The file of this document in the project's sources."),
    )
    summary = models.TextField(blank=True)

    objects = SourceDocumentQuerySet.as_manager()

    class Meta:
        ordering = ["title"]

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        return address("reviews:source-detail", self.slug)

    def natural_key(self):
        return (self.slug,)


class SourcedQuerySet(models.QuerySet):
    """Reads of a curated model: its records with their citations, in two queries."""

    def with_citations(self):
        citation_model = self.model._meta.get_field("citations").related_model
        return self.prefetch_related(
            models.Prefetch("citations", queryset=citation_model.objects.select_related("source"))
        )

    def cited(self):
        """The records that cite at least one source."""
        return self.filter(models.Exists(self._citations()))

    def citing(self, source):
        """The records that cite ``source`` (each once)."""
        return self.filter(models.Exists(self._citations().filter(source=source)))

    def _citations(self):
        citation_model = self.model._meta.get_field("citations").related_model
        return citation_model.objects.filter(record=models.OuterRef("pk"))


class CitationQuerySet(models.QuerySet):
    def get_by_natural_key(self, *key):
        *record_key, source_slug, locator = key
        record_model = self.model._meta.get_field("record").related_model
        record = record_model._default_manager.get_by_natural_key(*record_key)
        return self.get(record=record, source__slug=source_slug, locator=locator)


class Citation(models.Model):
    """One source a curated record cites, where in it the fact stands, and what it supports.

    A record may cite several sources, so that each fact is credited to the source that states it.
    Each curated model has its own concrete citation model (``record`` points to it), which keeps
    reads to one prefetch per model and the fixtures keyed by the record's natural key.
    """

    source = models.ForeignKey(SourceDocument, on_delete=models.PROTECT, related_name="+")
    locator = models.CharField(
        max_length=500,
        help_text=_(
            "Where in the source the fact stands: a phrase found word for word in its text."
        ),
    )
    supports = models.CharField(
        max_length=300,
        blank=True,
        help_text=_(
            "What this source supports (fields or facts); empty when it is the whole record."
        ),
    )

    objects = CitationQuerySet.as_manager()

    class Meta:
        abstract = True
        ordering = ["pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["record", "source", "locator"], name="%(app_label)s_%(class)s_once"
            ),
        ]

    def __str__(self):
        return f"{self.source}: {self.locator}"

    def natural_key(self):
        return (*self.record.natural_key(), self.source.slug, self.locator)
