"""Records written once and never changed: the moderation log and the pledges' transitions.

The model and its queryset refuse every change in code, on every database. On PostgreSQL the
triggers of migration 0006 also refuse UPDATE, DELETE and TRUNCATE from raw SQL or other tools.
"""

from django.db import models


class AppendOnlyQuerySet(models.QuerySet):
    refusal = "This record cannot be changed."

    def update(self, **kwargs):
        raise PermissionError(self.refusal)

    def bulk_create(self, objs, *args, update_conflicts=False, **kwargs):
        if update_conflicts:
            raise PermissionError(self.refusal)
        return super().bulk_create(objs, *args, **kwargs)

    def bulk_update(self, objs, fields, batch_size=None):
        raise PermissionError(self.refusal)

    def delete(self):
        raise PermissionError(self.refusal)


class AppendOnly(models.Model):
    """An abstract model whose rows can be created, never saved again nor deleted.

    A subclass's queryset should derive from AppendOnlyQuerySet; both say `refusal`.
    """

    refusal = "This record cannot be changed."

    class Meta:
        abstract = True

    def save(self, *args, **kwargs):
        if self.pk is not None or kwargs.get("force_update"):
            raise PermissionError(self.refusal)
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise PermissionError(self.refusal)
