"""What each export holds: its columns (name, SQL expression, kind, description) and the public
rows it may be taken from, filtered by the list's own FilterSet."""

from dataclasses import dataclass
from enum import Enum

from django.db import connection
from django.db.models import (
    BigIntegerField,
    Case,
    CharField,
    F,
    Func,
    OuterRef,
    Q,
    Subquery,
    TextField,
    Value,
    When,
)
from django.db.models import StringAgg as _StringAgg
from django.db.models.functions import Cast, Coalesce, NullIf
from django.utils.translation import gettext_lazy as _

from reviews.filters import (
    CommentFilter,
    NeedFilter,
    PledgeFilter,
    ProgressUpdateFilter,
    QuestionFilter,
)
from reviews.models import Comment, Need, Pledge, PledgePartner, ProgressUpdate, Question
from reviews.models.endorsements import active_count


class Kind(Enum):
    """How a column's values are written (see reviews.exports.sql): the kind decides the SQL
    cast, and whether a spreadsheet could take the value for a formula."""

    INT = "int"
    # Written by people (titles, names, bodies): a leading = + - @ TAB CR is neutralised.
    TEXT = "text"
    # Chosen from a list or validated as a code (statuses, slugs, ISO codes): never a formula.
    CODE = "code"
    DECIMAL = "decimal"
    DATE = "date"
    DATETIME = "datetime"


@dataclass(frozen=True)
class Column:
    name: str
    expression: object
    description: str
    kind: Kind = Kind.TEXT


INT, CODE, DECIMAL, DATE, DATETIME = Kind.INT, Kind.CODE, Kind.DECIMAL, Kind.DATE, Kind.DATETIME


def StringAgg(expression, delimiter=",", **kwargs):
    return _StringAgg(expression, delimiter=Value(delimiter), **kwargs)


def _joined(model, through_filter, field, *, delimiter=",", **extra):
    """A comma-separated list from a related table, as a subquery of one row per parent.

    Built when a query is made: the ordered aggregate exists on PostgreSQL only (on SQLite the
    values come in the order of the related rows).
    """

    def expression():
        ordered = connection.features.supports_aggregate_order_by_clause
        rows = (
            model.objects.filter(**through_filter, **extra)
            .order_by()
            .values(next(iter(through_filter)))
            .annotate(
                joined=StringAgg(
                    Cast(field, CharField()),
                    delimiter=delimiter,
                    **({"order_by": field} if ordered else {}),
                )
            )
            .values("joined")
        )
        return Coalesce(Subquery(rows), Value(""), output_field=CharField())

    return expression


PLEDGE_OBJECTIVES = Pledge.objectives.through
PLEDGE_PRINCIPLES = Pledge.principles.through

WRITTEN_IN = _(
    "The language it is written in: ar, zh-hans, en, fr, ru or es (empty: not recorded)."
)

PLEDGE_COLUMNS = [
    Column("id", F("pk"), _("The pledge's number on the portal."), INT),
    Column("title", F("title"), _("Title.")),
    Column("summary", F("summary"), _("One-line summary.")),
    Column("language", F("language"), WRITTEN_IN, CODE),
    Column("lead_id", F("lead_id"), _("Number of the lead organisation."), INT),
    Column("lead_name", F("lead__name"), _("Name of the lead organisation.")),
    Column(
        "lead_kind", F("lead__kind"), _("Stakeholder kind of the lead (member-state, …)."), CODE
    ),
    Column(
        "lead_country", F("lead__country"), _("ISO 3166 code of the lead's country, if any."), CODE
    ),
    Column("lead_region", F("lead__region"), _("Region of the lead, if any."), CODE),
    Column(
        "partners",
        _joined(
            PledgePartner,
            {"pledge": OuterRef("pk")},
            "actor__name",
            delimiter="; ",
            status=PledgePartner.Status.CONFIRMED,
        ),
        _("Confirmed partner organisations, separated by semicolons (names may hold commas)."),
    ),
    Column(
        "objectives",
        _joined(PLEDGE_OBJECTIVES, {"pledge": OuterRef("pk")}, "objective__number"),
        _("Objective numbers (1–23), comma-separated."),
        CODE,
    ),
    Column("primary_objective", F("primary_objective__number"), _("The primary objective."), INT),
    Column(
        "principles",
        _joined(PLEDGE_PRINCIPLES, {"pledge": OuterRef("pk")}, "guidingprinciple__number"),
        _("Guiding principle numbers (1–10), comma-separated."),
        CODE,
    ),
    Column("cycle", F("cycle__slug"), _("Review cycle (e.g. imrf-2026)."), CODE),
    Column("kind", F("kind"), _("individual, joint or matching."), CODE),
    Column("matches", F("matches_id"), _("For a matching pledge: the pledge it answers."), INT),
    Column("support", F("support"), _("Form of support."), CODE),
    Column("amount", F("amount"), _("Amount of a financial pledge."), DECIMAL),
    Column("currency", F("currency"), _("ISO 4217 currency of the amount.")),
    Column("scope", F("scope"), _("local, national, regional or global."), CODE),
    Column(
        "countries",
        F("countries"),
        _("Countries concerned (ISO 3166 codes, comma-separated)."),
        CODE,
    ),
    Column("start_date", F("start_date"), _("Start date."), DATE),
    Column("end_date", F("end_date"), _("End date."), DATE),
    Column("status", F("status"), _("published or withdrawn."), CODE),
    Column(
        "implementation_status", F("implementation_status"), _("Stage of implementation."), CODE
    ),
    Column(
        "measurable",
        Case(When(measurable=True, then=Value("yes")), default=Value("no")),
        _("yes when an indicator has a baseline and a target, each with its value and date."),
        CODE,
    ),
    Column(
        "endorsements",
        active_count(),
        _("How many organisations endorse the pledge (withdrawn endorsements not counted)."),
        INT,
    ),
    Column(
        "last_reported_at",
        F("last_reported_at"),
        _("Publication or latest progress report."),
        DATETIME,
    ),
    Column("created_at", F("created_at"), _("When the draft was started (UTC)."), DATETIME),
    Column("submitted_at", F("submitted_at"), _("When it was last submitted (UTC)."), DATETIME),
    Column("published_at", F("published_at"), _("When it was published (UTC)."), DATETIME),
    Column("updated_at", F("updated_at"), _("Last change (UTC)."), DATETIME),
]

COMMENT_COLUMNS = [
    Column("id", F("pk"), _("The comment's number."), INT),
    Column("pledge", F("pledge_id"), _("The pledge commented on, if any."), INT),
    Column("objective", F("objective__number"), _("The objective commented on, if any."), INT),
    Column(
        "paragraph", F("paragraph_id"), _("The Declaration paragraph commented on, if any."), INT
    ),
    Column("round_table", F("round_table_id"), _("The round table commented on, if any."), INT),
    Column("progress_update", F("progress_update_id"), _("The progress report, if any."), INT),
    Column("parent", F("parent_id"), _("The comment this one replies to, if any."), INT),
    Column(
        "author",
        Coalesce(NullIf(F("author__display_name"), Value("")), Value("member")),
        _("The author's display name."),
    ),
    Column("actor_name", F("actor__name"), _("The organisation written for, if any.")),
    Column("actor_kind", F("actor__kind"), _("Its stakeholder kind."), CODE),
    Column("body", F("body"), _("The text (Markdown).")),
    Column("language", F("language"), WRITTEN_IN, CODE),
    Column("created_at", F("created_at"), _("Posted (UTC)."), DATETIME),
    Column("edited_at", F("edited_at"), _("Last edited (UTC), if edited."), DATETIME),
]

UPDATE_COLUMNS = [
    Column("id", F("pk"), _("The progress report's number."), INT),
    Column("pledge", F("pledge_id"), _("The pledge reported on."), INT),
    Column("pledge_title", F("pledge__title"), _("Its title.")),
    Column("date", F("date"), _("Date of the report."), DATE),
    Column("stage", F("stage"), _("planned, in-progress, completed or discontinued."), CODE),
    Column("actor_name", F("actor__name"), _("The reporting organisation.")),
    Column("actor_kind", F("actor__kind"), _("Its stakeholder kind."), CODE),
    Column("narrative", F("narrative"), _("What was reported.")),
    Column("language", F("language"), WRITTEN_IN, CODE),
    Column("created_at", F("created_at"), _("Posted (UTC)."), DATETIME),
]


class SecondsBetween(Func):
    """Whole seconds from the second moment to the first (NULL when either is), in SQL: a
    question's time to answer, as reviews.questions measures it (answered_at − created_at)."""

    output_field = BigIntegerField()
    arity = 2

    def as_postgresql(self, compiler, connection, **extra_context):
        template = "CAST(ROUND(EXTRACT(EPOCH FROM (%(expressions)s))) AS bigint)"
        return self.as_sql(
            compiler, connection, template=template, arg_joiner=" - ", **extra_context
        )

    def as_sqlite(self, compiler, connection, **extra_context):
        template = "CAST(ROUND((julianday(%(expressions)s)) * 86400) AS INTEGER)"
        return self.as_sql(
            compiler, connection, template=template, arg_joiner=") - julianday(", **extra_context
        )


# A question answered with an answer one may read (reviews.questions counts the same ones).
PUBLICLY_ANSWERED = Q(status=Question.Status.ANSWERED, answer__is_hidden=False)

QUESTION_COLUMNS = [
    Column("id", F("pk"), _("The question's number."), INT),
    Column("pledge", F("pledge_id"), _("The pledge asked about."), INT),
    Column("pledge_title", F("pledge__title"), _("Its title.")),
    Column("addressed_to_id", F("addressed_to_id"), _("Number of the organisation asked."), INT),
    Column(
        "addressed_to_name",
        F("addressed_to__name"),
        _("The organisation asked: the pledge's lead or a partner."),
    ),
    Column("addressed_to_kind", F("addressed_to__kind"), _("Its stakeholder kind."), CODE),
    Column(
        "author",
        Coalesce(NullIf(F("author__display_name"), Value("")), Value("member")),
        _("The asker's display name."),
    ),
    Column("actor_name", F("actor__name"), _("The organisation asking, if any.")),
    Column("actor_kind", F("actor__kind"), _("Its stakeholder kind."), CODE),
    Column("body", F("body"), _("The question (Markdown).")),
    Column("language", F("language"), WRITTEN_IN, CODE),
    Column("status", F("status"), _("open, answered or closed."), CODE),
    Column("created_at", F("created_at"), _("Asked (UTC)."), DATETIME),
    Column("answered_at", F("answered_at"), _("Answered (UTC), if answered."), DATETIME),
    Column(
        "response_seconds",
        Case(
            When(PUBLICLY_ANSWERED, then=SecondsBetween(F("answered_at"), F("created_at"))),
            default=Value(None),
            output_field=BigIntegerField(),
        ),
        _("Seconds from the question to its answer (empty when the answer is hidden)."),
        INT,
    ),
    Column(
        "answer",
        Coalesce(
            Case(
                When(PUBLICLY_ANSWERED, then=F("answer__body")),
                default=Value(""),
                output_field=TextField(),
            ),
            Value(""),
            output_field=TextField(),
        ),
        _("The organisation's answer (Markdown); empty when none, or hidden by a moderator."),
    ),
    Column("closed_at", F("closed_at"), _("Closed by a moderator (UTC), if closed."), DATETIME),
    Column("closed_reason", F("closed_reason"), _("Why it was closed.")),
]


NEED_COLUMNS = [
    Column("id", F("pk"), _("The need's number."), INT),
    Column("title", F("title"), _("Title.")),
    Column("description", F("description"), _("What is needed.")),
    Column("language", F("language"), WRITTEN_IN, CODE),
    Column("actor_id", F("actor_id"), _("Number of the organisation in need."), INT),
    Column("actor_name", F("actor__name"), _("Name of the organisation in need.")),
    Column("actor_kind", F("actor__kind"), _("Its stakeholder kind."), CODE),
    Column(
        "objectives",
        _joined(Need.objectives.through, {"need": OuterRef("pk")}, "objective__number"),
        _("Objective numbers (1–23), comma-separated."),
        CODE,
    ),
    Column(
        "support",
        F("support"),
        _("The kinds of support sought (policy, programme, financial, technical, process)."),
        CODE,
    ),
    Column(
        "countries",
        F("countries"),
        _("Countries concerned (ISO 3166 codes, comma-separated)."),
        CODE,
    ),
    Column("cycle", F("cycle__slug"), _("Review cycle (e.g. imrf-2026)."), CODE),
    Column("status", F("status"), _("open or met."), CODE),
    Column("met_at", F("met_at"), _("When it was marked met (UTC), if met."), DATETIME),
    Column("created_at", F("created_at"), _("Published (UTC)."), DATETIME),
    Column("updated_at", F("updated_at"), _("Last change (UTC)."), DATETIME),
]


def _public_comments():
    # A reply to a hidden comment is hidden with it; public() leaves out both.
    return Comment.objects.public().filter(deleted_at__isnull=True)


def _public_updates():
    return ProgressUpdate.objects.public()


# resource: (the list's FilterSet, what may be exported at all, the columns)
RESOURCES = {
    "pledges": (PledgeFilter, Pledge.objects.public, PLEDGE_COLUMNS),
    "comments": (CommentFilter, _public_comments, COMMENT_COLUMNS),
    "progress-updates": (ProgressUpdateFilter, _public_updates, UPDATE_COLUMNS),
    "questions": (QuestionFilter, Question.objects.public, QUESTION_COLUMNS),
    "needs": (NeedFilter, Need.objects.public, NEED_COLUMNS),
}


def selection(resource: str, params):
    """The bound FilterSet of the export: `.is_valid()` says whether the filters make sense."""
    filterset_class, public, _columns = RESOURCES[resource]
    return filterset_class(params, queryset=public())


def columns_of(resource: str) -> list[Column]:
    return RESOURCES[resource][2]


def documentation():
    """The columns of every export, for the open data page."""
    return [(name, columns) for name, (_filters, _public, columns) in RESOURCES.items()]
