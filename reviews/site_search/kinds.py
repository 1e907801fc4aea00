"""The eight kinds of result of the site search: what of each is public, what the words are
searched in, how its results rank, and how a result reads (its title, snippet and address).

Each kind searches the set its list shows anyone (DESIGN §3: one public set): published and
withdrawn pledges, progress reports not hidden on such pledges, comments neither hidden nor
deleted nor under a hidden comment, on something public, accredited organisations, needs open or
met and not hidden, and the reference data. The words are read once (reviews.search.parse) and
searched in the same way as the pledges' words: on PostgreSQL through a GIN-indexed vector (the
pledges' stored ones; an expression index for progress reports, comments and paragraphs,
migration reviews 0017, and needs, 0024; the few hundred organisations, coalitions and
objectives are read whole), elsewhere through whole-word patterns over the same columns.

Results rank in tiers, as the pledge list's do: those whose title the words find first (TITLE),
then, for pledges, those whose summary or lead they find (HEAD), then the rest (BODY), each tier
in the kind's own order. Pledges are read tier by tier along the list's indexes (reviews.search,
portal.keyset); the organisations and coalitions, a few hundred rows, are sorted whole; the
other kinds have one tier, read in their order by key.
"""

from dataclasses import dataclass

from django.contrib.postgres.search import SearchVector
from django.db.models import Case, F, IntegerField, QuerySet, TextField, Value, When
from django.db.models.functions import Concat
from django.utils import formats
from django.utils.html import escape
from django.utils.safestring import SafeString
from django.utils.translation import gettext, pgettext_lazy
from django.utils.translation import gettext_lazy as _
from django_countries import countries

from actors.models import Actor, Coalition
from reviews import search
from reviews.filters import NEED_VECTOR
from reviews.models import (
    Comment,
    DeclarationParagraph,
    Need,
    Objective,
    Pledge,
    ProgressUpdate,
)
from reviews.models.pledge_queries import SEARCH_COLUMNS
from reviews.site_search import snippets

TITLE, HEAD, BODY = 2, 1, 0
RANK = search.RANK
# The annotations of a row shown (PostgreSQL writes them; SQLite cuts them from the columns).
TITLE_HTML, SNIPPET = "search_title_html", "search_snippet"


def text_vector(*columns) -> SearchVector:
    """The columns' words as PostgreSQL reads them, in the search's configuration: the very
    expression of the GIN indexes of migration reviews 0017."""
    return SearchVector(*columns, config=search.CONFIG)


@dataclass(frozen=True)
class Hit:
    """One result as a page or the API shows it."""

    kind: str
    label: str
    id: int
    url: str
    title: str
    title_html: SafeString
    snippet_html: SafeString
    meta: tuple[str, ...]
    tier: int
    language: str = ""  # of the snippet's text (and of the title, when it is the row's own)
    title_language: str = ""


class Kind:
    """A kind of result. Subclasses say what is public, searched, ranked and shown."""

    value = ""
    label = ""
    plural = ""
    # What the words are searched in: on PostgreSQL a vector (a stored column's name, or an
    # expression); elsewhere, the columns it is made of.
    vector = None
    fields: tuple[str, ...] = ()
    # The top tier's vector and columns (a title), when the kind ranks by tiers.
    title_vector = None
    title_fields: tuple[str, ...] = ()
    # The tier of every result of a kind without tiers.
    tier = BODY
    # Each tier's order: fields ending with the primary key, so that pages follow by key.
    ordering: tuple = ("pk",)
    # The title searched (and so highlighted), and the text the snippet is cut from; the
    # columns of that text, which PostgreSQL reads in place (not loaded).
    title_column = None
    snippet_column = None
    snippet_fields: tuple[str, ...] = ()
    # Whether the title is the row's own text (in its language), not the portal's words.
    title_written = False
    # What a row shown needs beyond its own columns, and the wide columns it leaves out.
    related: tuple[str, ...] = ()
    deferred: tuple[str, ...] = ()

    def public(self) -> QuerySet:
        raise NotImplementedError

    def matching(self, alternatives, *, postgresql: bool) -> QuerySet:
        """The public rows the words find (none when there is no word)."""
        if not alternatives:
            return self.public().none()
        found = search.condition(alternatives, self.vector, self.fields, postgresql=postgresql)
        return self.public().filter(found)

    def ranked(self, alternatives, *, postgresql: bool) -> QuerySet:
        """The rows found, best first: by tier (if the kind has tiers), then in its order."""
        found = self.matching(alternatives, postgresql=postgresql)
        if self.title_vector is None:
            return found.order_by(*self.ordering)
        title = search.condition(
            alternatives, self.title_vector, self.title_fields, postgresql=postgresql
        )
        # A plain CASE, not the pledges' Tiers: these few hundred rows are sorted whole, in one
        # query, rather than read tier by tier (and paged by number).
        rank = Case(
            When(title, then=Value(TITLE)), default=Value(BODY), output_field=IntegerField()
        )
        return found.annotate(**{RANK: rank}).order_by(f"-{RANK}", *self.ordering)

    def shown(self, queryset, alternatives, *, postgresql: bool) -> QuerySet:
        """The rows as a page shows them: on PostgreSQL with their highlighted title and snippet
        (written for the rows of the page only), elsewhere with the columns to cut them from."""
        if self.related:
            queryset = queryset.select_related(*self.related)
        queryset = queryset.defer(*self.deferred)
        if not postgresql:
            return queryset
        headlines = {SNIPPET: snippets.headline(self.snippet_column, alternatives)}
        if self.title_column is not None:
            headlines[TITLE_HTML] = snippets.headline(self.title_column, alternatives, whole=True)
        return queryset.defer(*self.snippet_fields).annotate(**headlines)

    def hit(self, row, alternatives, *, postgresql: bool) -> Hit:
        title = self.title_of(row)
        language = getattr(row, "language", "")
        if self.title_column is None:
            title_html = escape(title)
        elif postgresql:
            title_html = snippets.marked(getattr(row, TITLE_HTML))
        else:
            title_html = snippets.highlight(title, alternatives)
        if postgresql:
            snippet_html = snippets.marked(getattr(row, SNIPPET))
        else:
            snippet_html = snippets.excerpt(self.snippet_of(row), alternatives)
        return Hit(
            kind=self.value,
            label=str(self.label),
            id=row.pk,
            url=self.url_of(row),
            title=title,
            title_html=title_html,
            snippet_html=snippet_html,
            meta=tuple(str(item) for item in self.meta_of(row) if item),
            tier=getattr(row, RANK, self.tier),
            language=language,
            title_language=language if self.title_written else "",
        )

    def title_of(self, row) -> str:
        return str(row)

    def snippet_of(self, row) -> str:
        raise NotImplementedError

    def url_of(self, row) -> str:
        return row.get_absolute_url()

    def meta_of(self, row) -> tuple:
        return ()


class PledgeKind(Kind):
    """Pledges, as the pledge list searches them (reviews.search): a page of them is the list's
    own ranked selection, chosen by its filters (reviews.site_search), not `ranked()`."""

    value = "pledge"
    label = _("Pledge")
    plural = _("Pledges")
    vector = "search_vector"
    fields = tuple(search.WEIGHTS)
    title_column = F("title")
    title_written = True
    snippet_column = Concat("summary", Value(" "), "description", output_field=TextField())
    snippet_fields = ("description",)
    related = ("lead",)
    deferred = (*SEARCH_COLUMNS, "lead__description")

    def public(self):
        return Pledge.objects.public()

    def title_of(self, row):
        return row.title

    def snippet_of(self, row):
        return f"{row.summary} {row.description}"

    def meta_of(self, row):
        withdrawn = row.status == Pledge.Status.WITHDRAWN
        return (
            row.lead.name,
            pgettext_lazy("state of a pledge", "Withdrawn") if withdrawn else "",
        )


class ProgressUpdateKind(Kind):
    value = "progress-update"
    label = _("Progress report")
    plural = _("Progress reports")
    vector = text_vector("narrative")
    fields = ("narrative",)
    ordering = ("-date", "-created_at", "-pk")
    snippet_column = F("narrative")
    snippet_fields = ("narrative",)
    related = ("pledge", "actor")
    deferred = (
        "pledge__description",
        *(f"pledge__{column}" for column in SEARCH_COLUMNS),
        "actor__description",
        "hidden_reason",
    )

    def public(self):
        return ProgressUpdate.objects.public()

    def title_of(self, row):
        return gettext("Progress on “%(pledge)s”") % {"pledge": row.pledge.title}

    def snippet_of(self, row):
        return row.narrative

    def url_of(self, row):
        return f"{row.pledge.get_absolute_url()}#progress-{row.pk}"

    def meta_of(self, row):
        return (formats.date_format(row.date), row.get_stage_display(), row.actor.name)


class CommentKind(Kind):
    value = "comment"
    label = _("Comment")
    plural = _("Comments")
    vector = text_vector("body")
    fields = ("body",)
    ordering = ("-created_at", "-pk")
    snippet_column = F("body")
    snippet_fields = ("body",)
    # The comment's place (one of them is set), for its address and its title.
    related = (
        "author",
        "actor",
        "pledge",
        "objective",
        "paragraph__cycle",
        "round_table__cycle",
        "progress_update__pledge",
    )
    deferred = (
        "body_html",
        "hidden_reason",
        "author__password",
        "actor__description",
        *(
            f"{pledge}__{column}"
            for pledge in ("pledge", "progress_update__pledge")
            for column in ("description", *SEARCH_COLUMNS)
        ),
        "progress_update__narrative",
        "paragraph__summary",
        "paragraph__cycle__description",
        "round_table__cycle__description",
    )

    def public(self):
        # As the exports read them: a comment its author deleted keeps its place in a thread
        # ("deleted by author"), not its words.
        return Comment.objects.public().filter(deleted_at__isnull=True)

    def title_of(self, row):
        return gettext("Comment on %(place)s") % {"place": row.target}

    def snippet_of(self, row):
        return row.body

    def meta_of(self, row):
        author = row.author.public_name
        if row.actor is not None:
            author = gettext("%(author)s for %(organisation)s") % {
                "author": author,
                "organisation": row.actor.name,
            }
        return (author, formats.date_format(row.created_at))


class ActorKind(Kind):
    value = "actor"
    label = _("Organisation")
    plural = _("Organisations")
    vector = text_vector("name", "short_name", "description")
    fields = ("name", "short_name", "description")
    title_vector = text_vector("name", "short_name")
    title_fields = ("name", "short_name")
    ordering = ("name", "pk")
    # "Name (acronym)", as the directory writes it.
    title_column = Concat(
        "name",
        Case(
            When(short_name="", then=Value("")),
            default=Concat(Value(" ("), "short_name", Value(")")),
        ),
        output_field=TextField(),
    )
    snippet_column = F("description")
    related = ("parent",)
    deferred = ("parent__description", "proposal_note")

    def public(self):
        return Actor.objects.accredited()

    def title_of(self, row):
        return row.label

    def snippet_of(self, row):
        return row.description

    def meta_of(self, row):
        country = countries.name(row.country) if row.country else ""
        return (row.get_kind_display(), country)


class CoalitionKind(ActorKind):
    value = "coalition"
    label = _("Coalition")
    plural = _("Coalitions")
    related = ()
    deferred = ()

    def public(self):
        return Coalition.objects.all()

    def title_of(self, row):
        return f"{row.name} ({row.short_name})" if row.short_name else row.name

    def meta_of(self, row):
        if row.founded_year:
            return (gettext("Founded in %(year)s") % {"year": row.founded_year},)
        return ()


class ObjectiveKind(Kind):
    value = "objective"
    label = _("Objective")
    plural = _("Objectives")
    vector = text_vector("title", "short_label")
    fields = ("title", "short_label")
    # An objective is its title: whatever finds it finds its title.
    tier = TITLE
    ordering = ("number", "pk")
    title_column = F("title")
    snippet_column = F("short_label")

    def public(self):
        return Objective.objects.all()

    def title_of(self, row):
        return row.title

    def snippet_of(self, row):
        return row.short_label

    def meta_of(self, row):
        return (gettext("Objective %(number)s") % {"number": row.number},)


class ParagraphKind(Kind):
    value = "paragraph"
    label = _("Declaration paragraph")
    plural = _("Declaration paragraphs")
    vector = text_vector("summary")
    fields = ("summary",)
    # Few rows, of several cycles: paged by number, in the cycles' order.
    ordering = ("cycle__year", "cycle__slug", "number", "pk")
    snippet_column = F("summary")
    snippet_fields = ("summary",)
    related = ("cycle",)
    deferred = ("cycle__description",)

    def public(self):
        return DeclarationParagraph.objects.all()

    def title_of(self, row):
        if row.section:
            return f"{row} — {row.section}"
        return str(row)

    def snippet_of(self, row):
        return row.summary

    def url_of(self, row):
        return f"{row.cycle.get_absolute_url()}#paragraph-{row.number}"

    def meta_of(self, row):
        return (row.cycle.name,)


class NeedKind(Kind):
    """Needs anyone may read (open or met, not hidden), by their title and description: the
    title ranks first. On PostgreSQL the expressions are those of the GIN indexes of migration
    reviews 0024 (reviews.filters.NEED_VECTOR, as the needs board searches)."""

    value = "need"
    label = _("Need")
    plural = _("Needs")
    vector = text_vector(*NEED_VECTOR)
    fields = NEED_VECTOR
    title_vector = text_vector("title")
    title_fields = ("title",)
    ordering = ("-created_at", "-pk")
    title_column = F("title")
    title_written = True
    snippet_column = F("description")
    snippet_fields = ("description",)
    related = ("actor",)
    deferred = ("actor__description", "hidden_reason")

    def public(self):
        return Need.objects.public()

    def title_of(self, row):
        return row.title

    def snippet_of(self, row):
        return row.description

    def meta_of(self, row):
        met = row.status == Need.Status.MET
        return (row.actor.name, pgettext_lazy("state of a need", "Met") if met else "")


# In the order the page lists them when their best results rank alike.
KINDS = {
    kind.value: kind
    for kind in (
        PledgeKind(),
        ProgressUpdateKind(),
        CommentKind(),
        ActorKind(),
        CoalitionKind(),
        ObjectiveKind(),
        ParagraphKind(),
        NeedKind(),
    )
}
TYPE_CHOICES = [(kind.value, kind.plural) for kind in KINDS.values()]
