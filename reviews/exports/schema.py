"""Each export described for the tools that read it, from the columns of reviews.exports.columns:
a JSON Schema (draft 2020-12) of the JSON export, and the data dictionary of the open data page.
The data package of the CSV exports (reviews.exports.datapackage) reads the same descriptions,
so names, types and descriptions have one source.

A column's kind says how reviews.exports.sql writes it; whether it can be null is read from the
fields its expression reaches (a nullable field, or a nullable relation on the way to it), so
that the schema allows a null exactly where the database can give one. In JSON:

- INT: a number (integer);
- DECIMAL: text with every decimal place of its field (`"1250000.50"`), so that no amount
  passes through a binary float;
- DATE: text, `YYYY-MM-DD`;
- DATETIME: text, the UTC moment as `datetime.isoformat()` writes it
  (`2026-03-04T05:06:07.089100+00:00`, the fraction only when there is one);
- CODE and TEXT: text; a value that is not recorded is the empty text, not null, where the
  field holds text.

SCHEMA_VERSION goes up whenever a column is added, renamed, removed or changes kind (the
contract tests in tests/reviews/test_open_data.py change with it), so that a schema fetched once
can be told from a newer one by its `$id`.
"""

from dataclasses import dataclass

from django.db.models import Case, F, Subquery, Value
from django.db.models.functions import Cast, Coalesce, NullIf
from django.utils.translation import gettext

from reviews.exports.columns import RESOURCES, Column, Kind, SecondsBetween

SCHEMA_VERSION = 2
DRAFT = "https://json-schema.org/draft/2020-12/schema"
DATE_PATTERN = r"^[0-9]{4}-[0-9]{2}-[0-9]{2}$"
DATETIME_PATTERN = r"^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}(\.[0-9]{6})?\+00:00$"


@dataclass(frozen=True)
class Described:
    """A column as the tools and the data dictionary see it."""

    name: str
    description: str
    kind: Kind
    nullable: bool
    # The decimal places a DECIMAL column is written with.
    places: int | None = None


def _reached(model, path: str):
    """The field at the end of `path` ("lead__country") and whether the value can be null on
    the way: a nullable field, or a nullable relation that leaves nothing to read."""
    nullable, field = False, None
    for part in path.split("__"):
        field = model._meta.pk if part == "pk" else model._meta.get_field(part)
        if field.many_to_many or field.one_to_many:
            raise ValueError(f"{path}: a column reaches one value, not many")
        nullable = nullable or field.null
        model = field.related_model
    return field, nullable


def _nullable(model, expression) -> bool:
    """Whether SQL can give NULL for `expression` over `model`. An expression of a kind not
    listed here is refused, so that a new column is described on purpose, not by guess."""
    match expression:
        case F():
            return _reached(model, expression.name)[1]
        case Value():
            return expression.value is None
        case Coalesce():
            return all(_nullable(model, part) for part in expression.get_source_expressions())
        case Case():
            results = [when.result for when in expression.cases]
            return any(_nullable(model, part) for part in [*results, expression.default])
        case Cast():
            return _nullable(model, expression.get_source_expressions()[0])
        case NullIf() | Subquery() | SecondsBetween():
            return True
    raise TypeError(f"cannot tell whether {expression!r} can be null")


def described(resource: str) -> list[Described]:
    _filters, public, columns = RESOURCES[resource]
    model = public().model
    return [_described(model, column) for column in columns]


def _described(model, column: Column) -> Described:
    expression = column.expression() if callable(column.expression) else column.expression
    places = None
    if column.kind is Kind.DECIMAL:
        if not isinstance(expression, F):
            raise TypeError(f"{column.name}: a decimal column reads a field")
        places = _reached(model, expression.name)[0].decimal_places
    return Described(
        column.name, str(column.description), column.kind, _nullable(model, expression), places
    )


def dictionary() -> list[tuple[str, list[Described]]]:
    """Every export's columns with their kinds, for the open data page."""
    return [(resource, described(resource)) for resource in RESOURCES]


def json_type(column: Described) -> dict:
    """The JSON Schema of one column's values, as reviews.exports.sql writes them in JSON."""
    match column.kind:
        case Kind.INT:
            schema = {"type": "integer"}
        case Kind.DECIMAL:
            fraction = rf"\.[0-9]{{{column.places}}}" if column.places else ""
            schema = {"type": "string", "pattern": rf"^-?[0-9]+{fraction}$"}
        case Kind.DATE:
            schema = {"type": "string", "format": "date", "pattern": DATE_PATTERN}
        case Kind.DATETIME:
            schema = {"type": "string", "format": "date-time", "pattern": DATETIME_PATTERN}
        case Kind.CODE | Kind.TEXT:
            schema = {"type": "string"}
    if column.nullable:
        schema["type"] = [schema["type"], "null"]
    return {**schema, "description": column.description}


def json_schema(resource: str, address: str) -> dict:
    """The JSON Schema of the JSON export of `resource`; `address` is where it is published."""
    columns = described(resource)
    return {
        "$schema": DRAFT,
        "$id": f"{address}?version={SCHEMA_VERSION}",
        "title": gettext("GCM Review Portal: %(resource)s (JSON export)") % {"resource": resource},
        "description": gettext(
            "A list of objects, one for each row of the export, keyed by the column names. "
            "Version %(version)s of this schema."
        )
        % {"version": SCHEMA_VERSION},
        "type": "array",
        "items": {
            "type": "object",
            "properties": {column.name: json_type(column) for column in columns},
            "required": [column.name for column in columns],
            "additionalProperties": False,
        },
    }
