"""A check constraint whose violation is reported on the field it concerns."""

from django.core.exceptions import ValidationError
from django.db import DEFAULT_DB_ALIAS, models


class FieldCheckConstraint(models.CheckConstraint):
    """A CheckConstraint that `full_clean()` reports under `field`, not as an error of the whole
    object: the form shows it next to that field and the API names the field, while the database
    still refuses any row that breaks the rule."""

    def __init__(self, *, field: str, **kwargs):
        self.field = field
        super().__init__(**kwargs)

    def validate(self, model, instance, exclude=None, using=DEFAULT_DB_ALIAS):
        try:
            super().validate(model, instance, exclude=exclude, using=using)
        except ValidationError as error:
            raise ValidationError({self.field: error.error_list}) from None

    def deconstruct(self):
        path, args, kwargs = super().deconstruct()
        return path, args, {**kwargs, "field": self.field}

    def __eq__(self, other):
        # A plain CheckConstraint differs: the migrations record which field reports it.
        if isinstance(other, models.CheckConstraint):
            return (
                isinstance(other, FieldCheckConstraint)
                and self.field == other.field
                and super().__eq__(other)
            )
        return super().__eq__(other)
