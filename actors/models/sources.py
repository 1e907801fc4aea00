"""Source documents, and the provenance of every curated record (of both apps) that cites one.

A curated record names the document its facts come from and where in it they stand, so that each
public page can show its provenance; a fact the sources do not give is left empty.
"""

from django.db import models
from django.urls import reverse


class SourceDocumentQuerySet(models.QuerySet):
    def get_by_natural_key(self, slug):
        return self.get(slug=slug)


class SourceDocument(models.Model):
    """A document a curated fact comes from: an official text, an article, a book."""

    class Kind(models.TextChoices):
        OFFICIAL = "official", "Official UN text"
        ARTICLE = "article", "Article"
        BOOK = "book", "Book"
        REPORT = "report", "Report"

    slug = models.SlugField(max_length=80, unique=True)
    title = models.CharField(max_length=300)
    kind = models.CharField(max_length=20, choices=Kind.choices)
    authors = models.CharField(max_length=300, blank=True)
    publisher = models.CharField(max_length=300, blank=True)
    published = models.CharField(
        max_length=100, blank=True, help_text="Publication date as the document gives it."
    )
    url = models.URLField(blank=True)
    file_name = models.CharField(
        max_length=200, blank=True, help_text="The file of this document in the project's sources."
    )
    summary = models.TextField(blank=True)

    objects = SourceDocumentQuerySet.as_manager()

    class Meta:
        ordering = ["title"]

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        return reverse("reviews:source-detail", args=[self.slug])

    def natural_key(self):
        return (self.slug,)


class Sourced(models.Model):
    """Provenance of a curated record: its source document and where in it the fact stands."""

    source = models.ForeignKey(
        SourceDocument,
        on_delete=models.PROTECT,
        related_name="%(app_label)s_%(class)s_records",
    )
    source_locator = models.CharField(
        max_length=500,
        blank=True,
        help_text="Where in the source the fact stands: a section title or a quoted phrase.",
    )

    class Meta:
        abstract = True
