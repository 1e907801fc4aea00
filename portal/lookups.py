"""`__in` on integer columns leaves out numbers no such column can hold.

Django answers `exact`, `gt`, `lt`… with a number beyond a column's range as "no row" (or "every
row"), but `in` sends it to the database: SQLite raises OverflowError and PostgreSQL refuses the
comparison, a server error for `?partners=999…9` or a form's multiple choice of ids. A number out
of range matches no row, so leaving it out of the list is the same answer, on every database;
with nothing left the lookup matches nothing, as an empty list does.
"""

from django.db.models import IntegerField
from django.db.models.lookups import In


class IntegerFieldIn(In):
    def process_rhs(self, compiler, connection):
        if self.rhs_is_direct_value():
            low, high = connection.ops.integer_field_range(
                self.lhs.output_field.get_internal_type()
            )
            self.rhs = [
                value
                for value in self.rhs
                if not isinstance(value, int)
                or ((low is None or value >= low) and (high is None or value <= high))
            ]
        return super().process_rhs(compiler, connection)


def register() -> None:
    IntegerField.register_lookup(IntegerFieldIn)
