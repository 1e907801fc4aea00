"""Filters of the pledge list, shared by the HTML list, the exports and the API."""

import datetime as dt

import django_filters
from django import forms
from django.conf import settings
from django.contrib.postgres.search import SearchVector
from django.core.validators import RegexValidator
from django.db.models import Exists, F, OuterRef, Q
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from django_filters.fields import IsoDateTimeField
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field

from actors.models import Actor, Coalition, CoalitionMembership, Region
from portal.filters import FilterSet, IntegerFilter, choices_of, country_choices
from reviews import search
from reviews.models import (
    Comment,
    DeclarationParagraph,
    Endorsement,
    GuidingPrinciple,
    Need,
    Objective,
    Pledge,
    PledgePartner,
    ProgressUpdate,
    Question,
    ReviewCycle,
    RoundTable,
)
from reviews.models.freshness import CHOICES as FRESHNESS_CHOICES
from reviews.models.lifecycle import PUBLIC_STATUS_CHOICES

MONTH = RegexValidator(r"^(19|20)[0-9]{2}-(0[1-9]|1[0-2])$", _("Enter a month as YYYY-MM."))
# The `measurable` filter's values (Pledge.measurable).
MEASURABILITY = [("yes", _("Measurable")), ("no", _("Not measurable yet"))]
CURRENCY = RegexValidator(r"^[A-Za-z]{3}$", _("Enter a three-letter currency code, e.g. USD."))


@extend_schema_field(OpenApiTypes.INT)
class IdFilter(django_filters.ModelChoiceFilter):
    """A row named by its id, typed in rather than chosen from a list (an integer in the API's
    schema)."""


# The orders a pledge list may be read in: `sort` value → (label, ordering). The first is the
# default. Publication dates come last when empty (a member's own drafts, on the API).
PLEDGE_SORTS = {
    "newest": (_("Newest published"), (F("published_at").desc(nulls_last=True), "-pk")),
    "oldest": (_("Oldest published"), (F("published_at").asc(nulls_last=True), "pk")),
    "title": (_("Title A–Z"), ("title", "pk")),
    "updated": (_("Last updated"), ("-updated_at", "-pk")),
}


class PledgeFilter(FilterSet):
    """The filters of the pledge list, over the set the reader may see.

    The HTML list, the exports and the statistics filter the public set (published and withdrawn
    pledges), so `status` offers those two statuses. The API's list filters what the person may
    see, which for a signed-in member includes their organisations' own pledges in any state: bound
    with such a request, `status` accepts every status.
    """

    q = django_filters.CharFilter(
        method="filter_text",
        label=_("Words"),
        help_text=_(
            'Every word, in the title, summary, description or the lead\'s name; "a phrase" '
            "as written; -word to leave a word out; or between alternatives."
        ),
    )
    objective = django_filters.ModelChoiceFilter(
        field_name="objectives",
        queryset=Objective.objects.all(),
        to_field_name="number",
        label=_("Objective"),
        empty_label=_("Any objective"),
    )
    principle = django_filters.ModelChoiceFilter(
        field_name="principles",
        queryset=GuidingPrinciple.objects.all(),
        to_field_name="number",
        label=_("Guiding principle"),
        empty_label=_("Any principle"),
    )
    kind = django_filters.ChoiceFilter(
        choices=Pledge.Kind.choices, label=_("Kind of pledge"), empty_label=_("Any kind")
    )
    support = django_filters.ChoiceFilter(
        choices=Pledge.Support.choices,
        label=_("Form of support"),
        empty_label=_("Any form of support"),
    )
    actor_kind = django_filters.ChoiceFilter(
        field_name="lead__kind",
        choices=Actor.Kind.choices,
        label=_("Stakeholder kind of the lead"),
        empty_label=_("Any stakeholder"),
    )
    region = django_filters.ChoiceFilter(
        field_name="lead__region",
        choices=Region.choices,
        label=_("Region of the lead"),
        empty_label=_("Any region"),
    )
    actor = django_filters.ModelChoiceFilter(
        queryset=Actor.objects.accredited(),
        to_field_name="slug",
        method="filter_actor",
        # Typed as a slug: a list of every organisation would outweigh the page.
        widget=forms.TextInput,
        label=_("Organisation (lead or confirmed partner)"),
        empty_label=_("Any organisation"),
    )
    coalition = django_filters.ModelChoiceFilter(
        queryset=Coalition.objects.all(),
        to_field_name="slug",
        method="filter_coalition",
        label=_("Coalition of the lead"),
        empty_label=_("Any coalition"),
    )
    # Typed as an id, not chosen from a list: the form would otherwise list every round table
    # and paragraph of every cycle.
    round_table = IdFilter(
        queryset=RoundTable.objects.all(),
        to_field_name="pk",
        method="filter_objectives_of",
        widget=forms.NumberInput,
        label=_("Round table (pledges on its objectives)"),
    )
    paragraph = IdFilter(
        queryset=DeclarationParagraph.objects.all(),
        to_field_name="pk",
        method="filter_objectives_of",
        widget=forms.NumberInput,
        label=_("Declaration paragraph (pledges on the objectives it speaks to)"),
    )
    country = django_filters.ChoiceFilter(
        choices=country_choices,
        method="filter_country",
        label=_("Country (concerned, or the lead's)"),
        empty_label=_("Any country"),
    )
    cycle = django_filters.ModelChoiceFilter(
        queryset=ReviewCycle.objects.all(),
        to_field_name="slug",
        label=_("Review cycle"),
        empty_label=_("Any cycle"),
    )
    status = django_filters.ChoiceFilter(
        choices=PUBLIC_STATUS_CHOICES,
        label=_("Status"),
        empty_label=_("Published or withdrawn"),
        help_text=_(
            "Withdrawn pledges stay visible, marked as withdrawn; choose one status to see "
            "only those."
        ),
    )
    implementation_status = django_filters.ChoiceFilter(
        choices=Pledge.ImplementationStatus.choices,
        label=_("Stage of implementation"),
        empty_label=_("Any stage"),
    )
    freshness = django_filters.ChoiceFilter(
        choices=FRESHNESS_CHOICES,
        method="filter_freshness",
        label=_("Reporting (pledges under way only)"),
        empty_label=_("Any reporting"),
        help_text=_(
            "How recently a published pledge still under way (planned or in progress) "
            "reported progress. Only those owe reports: choosing a colour leaves out withdrawn, "
            "completed and discontinued pledges."
        ),
    )
    language = django_filters.ChoiceFilter(
        choices=settings.LANGUAGES, label=_("Written in"), empty_label=_("Any language")
    )
    measurable = django_filters.ChoiceFilter(
        choices=MEASURABILITY,
        method="filter_measurable",
        label=_("Measurability"),
        empty_label=_("Measurable or not"),
        help_text=_(
            "Measurable: at least one indicator has a baseline and a target, each with its "
            "value and date."
        ),
    )
    month = django_filters.CharFilter(
        method="filter_month",
        label=_("Month of publication"),
        help_text=_("A month as YYYY-MM, in UTC (the dashboard's months)."),
        validators=[MONTH],
    )
    currency = django_filters.CharFilter(
        method="filter_currency",
        label=_("Currency of the amount"),
        help_text=_("A three-letter ISO 4217 code: financial pledges announcing an amount in it."),
        validators=[CURRENCY],
    )
    sort = django_filters.ChoiceFilter(
        choices=[(value, label) for value, (label, _ordering) in PLEDGE_SORTS.items()],
        method="filter_sort",
        label=_("Sort by"),
        empty_label=None,
        help_text=_(
            "The order of the list (and of the exports): newest, oldest, title or updated."
        ),
    )

    class Meta:
        model = Pledge
        fields = [
            "q",
            "objective",
            "principle",
            "kind",
            "support",
            "actor_kind",
            "region",
            "actor",
            "coalition",
            "round_table",
            "paragraph",
            "country",
            "cycle",
            "status",
            "implementation_status",
            "freshness",
            "language",
            "measurable",
            "month",
            "currency",
            "sort",
        ]

    def __init__(self, data=None, queryset=None, *, request=None, prefix=None):
        super().__init__(data, queryset, request=request, prefix=prefix)
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            # The API's list over visible_pledges(user): members may filter their own drafts.
            # (The form's fields are this filter set's own; the filters are shared.)
            self.form.fields["status"].choices = Pledge.Status.choices

    def filter_text(self, queryset, name, value: str):
        return search.matching(queryset, value)

    def filter_actor(self, queryset, name, value: Actor):
        # Exists, not a join: a pledge stays one row, which the statistics count as such.
        partner = PledgePartner.objects.filter(
            pledge_id=OuterRef("pk"), actor=value, status=PledgePartner.Status.CONFIRMED
        )
        return queryset.filter(Q(lead=value) | Exists(partner))

    def filter_coalition(self, queryset, name, value: Coalition):
        # A member may hold two roles in one coalition: IN, not a join, keeps its pledges once.
        return queryset.filter(lead_id__in=members_of(value))

    def filter_objectives_of(self, queryset, name, value):
        # On any of the round table's (or paragraph's) objectives, counted once.
        on = Pledge.objectives.through.objects.filter(
            pledge_id=OuterRef("pk"), objective__in=value.objectives.all()
        )
        return queryset.filter(Exists(on))

    def filter_country(self, queryset, name, value: str):
        # The multiple country field stores "FR,SN"; a two-letter code matches only whole codes.
        return queryset.filter(Q(countries__contains=value) | Q(lead__country=value))

    def filter_month(self, queryset, name, value: str):
        year, month = (int(part) for part in value.split("-"))
        start = dt.datetime(year, month, 1, tzinfo=dt.UTC)
        end = dt.datetime(year + month // 12, month % 12 + 1, 1, tzinfo=dt.UTC)
        return queryset.filter(published_at__gte=start, published_at__lt=end)

    def filter_currency(self, queryset, name, value: str):
        # As the statistics count them: an amount announced in that currency.
        return queryset.filter(currency=value.upper(), amount__isnull=False)

    def filter_measurable(self, queryset, name, value: str):
        return queryset.filter(measurable=value == "yes")

    def filter_freshness(self, queryset, name, value: str):
        return queryset.freshness(value)

    def filter_sort(self, queryset, name, value: str):
        return queryset.order_by(*PLEDGE_SORTS[value][1])

    def sorted_qs(self, default: str = "newest"):
        """The selection in the chosen `sort` order, or in the reader's default one (each
        reader keeps its own: the HTML list newest first, the API and the exports by id)."""
        queryset = self.qs
        if self.is_bound and self.form.cleaned_data.get("sort"):
            return queryset
        ordering = PLEDGE_SORTS[default][1]
        if self.is_bound and (words := self.words_of(self.form.cleaned_data)):
            # Words and no chosen order: the best matches first, ties in the default order.
            return search.ranked(queryset, words).order_by(f"-{search.RANK}", *ordering)
        return queryset.order_by(*ordering)

    @staticmethod
    def words_of(data) -> str:
        """The words searched for, to rank by: `q`, and the API's `search` (of the cleaned data,
        or of a request's parameters)."""
        return " ".join(data[name] for name in ("q", "search") if data.get(name))


def members_of(coalition: Coalition):
    """The ids of the coalition's members, as a subquery (each once, whatever its roles)."""
    return CoalitionMembership.objects.filter(coalition=coalition).values("actor_id")


class PledgeSearchFilter(PledgeFilter):
    """The API's pledge filters: the list's, and `search`, the name API clients expect for the
    words (the same search as `q`)."""

    search = django_filters.CharFilter(
        method="filter_text",
        label=_("Words"),
        help_text=_('Full-text search, as `q`: all words, "a phrase", -excluded, or.'),
    )

    class Meta(PledgeFilter.Meta):
        fields = [*PledgeFilter.Meta.fields, "search"]


# What the values of a filter on a related row are, by the field that names the row.
KEY_VALUES = {"number": _("a number"), "slug": _("a slug"), "pk": _("an id")}


def documentation(filterset_class=PledgeFilter) -> list[tuple[str, str, str, str]]:
    """The query parameters of a FilterSet, for the open data page: (name, label, help, values)."""
    rows = []
    for name, field in filterset_class.base_filters.items():
        if isinstance(field, django_filters.ModelChoiceFilter):
            key = field.extra["to_field_name"]
            values = KEY_VALUES.get(key) or gettext("a %(key)s") % {"key": key}
        elif isinstance(field, django_filters.ChoiceFilter):
            choices = [value for value, _label in choices_of(field)]
            values = (
                ", ".join(choices) if len(choices) <= 12 else gettext("a two-letter ISO 3166 code")
            )
        else:
            values = gettext("text")
        label = str(field.label or name.replace("_", " ").capitalize())
        rows.append((name, label, str(field.extra.get("help_text") or ""), values))
    return rows


class UTCIsoDateTimeField(IsoDateTimeField):
    """An ISO 8601 moment, turned to UTC: PostgreSQL refuses offsets beyond ±15:59 that Python
    accepts (up to ±23:59), and a moment beyond year 1–9999 in UTC is no moment at all."""

    def to_python(self, value):
        value = super().to_python(value)
        if value is None:
            return None
        try:
            return value.astimezone(dt.UTC)
        except OverflowError:
            raise forms.ValidationError(self.error_messages["invalid"], code="invalid") from None


class UTCIsoDateTimeFilter(django_filters.IsoDateTimeFilter):
    field_class = UTCIsoDateTimeField


def public_choice(queryset, **kwargs) -> django_filters.ModelChoiceFilter:
    """A filter on an id among what anyone may read: an id of something hidden (a draft, a
    hidden update or comment) is refused exactly as an id that does not exist."""
    return django_filters.ModelChoiceFilter(queryset=queryset, **kwargs)


class CommentFilter(FilterSet):
    """Comments of one place: a pledge, an objective, a paragraph, a round table or an update."""

    pledge = public_choice(Pledge.objects.public())
    progress_update = public_choice(ProgressUpdate.objects.public())
    parent = public_choice(Comment.objects.public())
    objective = IntegerFilter(field_name="objective__number")
    since = UTCIsoDateTimeFilter(field_name="created_at", lookup_expr="gte")

    class Meta:
        model = Comment
        fields = [
            "pledge",
            "objective",
            "paragraph",
            "round_table",
            "progress_update",
            "parent",
            "language",
        ]


class ProgressUpdateFilter(FilterSet):
    pledge = public_choice(Pledge.objects.public())
    objective = IntegerFilter(field_name="pledge__objectives__number")
    actor_kind = django_filters.ChoiceFilter(field_name="actor__kind", choices=Actor.Kind.choices)

    class Meta:
        model = ProgressUpdate
        fields = ["pledge", "stage", "objective", "actor_kind", "language"]


class EndorsementFilter(FilterSet):
    """The endorsements of one pledge, or those one organisation made (by their ids)."""

    pledge = public_choice(Pledge.objects.public())
    actor = public_choice(Actor.objects.accredited())

    class Meta:
        model = Endorsement
        fields = ["pledge", "actor", "offers_partnership"]


class QuestionFilter(FilterSet):
    """The questions on one pledge, or those asked of one organisation, by their state."""

    pledge = public_choice(Pledge.objects.public())
    addressed_to = public_choice(Actor.objects.accredited())

    class Meta:
        model = Question
        fields = ["pledge", "addressed_to", "status", "language"]


# The orders of the needs board: `sort` value → (label, ordering); the first is the default.
NEED_SORTS = {
    "newest": (_("Newest"), ("-created_at", "-pk")),
    "updated": (_("Recently updated"), ("-updated_at", "-pk")),
    "title": (_("Title A–Z"), ("title", "pk")),
}
# The vector the needs' words are searched in on PostgreSQL: the expression of the GIN index
# of migration reviews 0024 (reviews.site_search's need kind reads the same).
NEED_VECTOR = ("title", "description")


class NeedFilter(FilterSet):
    """The needs board's filters, by the pledge list's names where they apply, over the public
    needs (open and met); the board shows the open ones unless `status` says otherwise."""

    q = django_filters.CharFilter(
        method="filter_text",
        label=_("Words"),
        help_text=_('Every word, in the title or description; "a phrase" as written.'),
    )
    objective = django_filters.ModelChoiceFilter(
        field_name="objectives",
        queryset=Objective.objects.all(),
        to_field_name="number",
        label=_("Objective"),
        empty_label=_("Any objective"),
    )
    support = django_filters.ChoiceFilter(
        choices=Need.Support.choices,
        method="filter_support",
        label=_("Support sought"),
        empty_label=_("Any support"),
    )
    actor_kind = django_filters.ChoiceFilter(
        field_name="actor__kind",
        choices=Actor.Kind.choices,
        label=_("Stakeholder kind of the organisation"),
        empty_label=_("Any stakeholder"),
    )
    region = django_filters.ChoiceFilter(
        field_name="actor__region",
        choices=Region.choices,
        label=_("Region of the organisation"),
        empty_label=_("Any region"),
    )
    country = django_filters.ChoiceFilter(
        choices=country_choices,
        method="filter_country",
        label=_("Country (concerned, or the organisation's)"),
        empty_label=_("Any country"),
    )
    cycle = django_filters.ModelChoiceFilter(
        queryset=ReviewCycle.objects.all(),
        to_field_name="slug",
        label=_("Review cycle"),
        empty_label=_("Any cycle"),
    )
    language = django_filters.ChoiceFilter(
        choices=settings.LANGUAGES, label=_("Written in"), empty_label=_("Any language")
    )
    status = django_filters.ChoiceFilter(
        choices=[(value, Need.Status(value).label) for value in Need.PUBLIC_STATUSES],
        label=_("Status"),
        empty_label=_("Open (or met, in the API)"),
        help_text=_("The board lists open needs; choose “met” to see those already met."),
    )
    sort = django_filters.ChoiceFilter(
        choices=[(value, label) for value, (label, _ordering) in NEED_SORTS.items()],
        method="filter_sort",
        label=_("Sort by"),
        empty_label=None,
        help_text=_("The order of the list: newest, recently updated or title."),
    )

    class Meta:
        model = Need
        fields = [
            "q",
            "objective",
            "support",
            "actor_kind",
            "region",
            "country",
            "cycle",
            "language",
            "status",
            "sort",
        ]

    def filter_text(self, queryset, name, value: str):
        alternatives = search.parse(value)
        if not alternatives:
            return queryset.none()
        postgresql = search.on_postgresql(queryset)
        vector = SearchVector(*NEED_VECTOR, config=search.CONFIG)
        return queryset.filter(
            search.condition(alternatives, vector, NEED_VECTOR, postgresql=postgresql)
        )

    def filter_support(self, queryset, name, value: str):
        # Stored as "financial,technical"; no value is a part of another.
        return queryset.filter(support__contains=value)

    def filter_country(self, queryset, name, value: str):
        return queryset.filter(Q(countries__contains=value) | Q(actor__country=value))

    def filter_sort(self, queryset, name, value: str):
        return queryset.order_by(*NEED_SORTS[value][1])

    def sorted_qs(self, default: str = "newest"):
        """The selection in the chosen `sort` order, else the default one."""
        if self.is_bound and self.form.cleaned_data.get("sort"):
            return self.qs
        return self.qs.order_by(*NEED_SORTS[default][1])
