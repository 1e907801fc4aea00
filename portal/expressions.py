"""SQL for lists built without model instances (DESIGN §8)."""

import json

from django.contrib.postgres.expressions import ArraySubquery
from django.db.models import Subquery

SQLITE_VALUES = "(SELECT json_group_array(items.item) FROM (%(subquery)s) AS items)"
SQLITE_OBJECTS = "(SELECT json_group_array(json(items.item)) FROM (%(subquery)s) AS items)"


class RelatedList(ArraySubquery):
    """The rows of a correlated one-column subquery (`.values(item=…)`) as a list, per row.

    A subquery per row of the page, not an ArrayAgg: on a paginated list an aggregate groups
    every row of the table before the LIMIT. PostgreSQL builds an ARRAY; SQLite, which has no
    arrays, a JSON array (json_group_array over the ordered subquery: SQLite keeps the order, as
    it does not flatten an ordered subquery into an aggregate). `objects=True` when the item is
    a JSON object (JSONObject), so that SQLite nests it rather than quoting it as text.
    """

    def __init__(self, queryset, *, objects=False, **kwargs):
        self.objects = objects
        super().__init__(queryset, **kwargs)

    def as_sqlite(self, compiler, connection, **extra_context):
        template = SQLITE_OBJECTS if self.objects else SQLITE_VALUES
        return Subquery.as_sql(self, compiler, connection, template=template, **extra_context)

    def get_db_converters(self, connection):
        return [self._to_list]

    def _to_list(self, value, expression, connection):
        if value is None:
            return []
        if isinstance(value, str):  # SQLite's JSON array
            return json.loads(value)
        # PostgreSQL: psycopg gives JSON objects as text (Django parses JSON itself).
        if self.objects:
            return [json.loads(item) if isinstance(item, str) else item for item in value]
        return value
