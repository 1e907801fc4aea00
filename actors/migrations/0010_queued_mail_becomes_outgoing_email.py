"""Send tasks queued before mail was recorded carry the message itself (to, subject, body):
each becomes an OutgoingEmail, and its task carries the mail's key instead, so that the mail
waiting in the queue at the upgrade is sent, not lost."""

import uuid
from email.utils import parseaddr

from django.conf import settings
from django.db import migrations

SEND_TASK = "actors.tasks.send_email"


def queued_mail_becomes_outgoing_email(apps, schema_editor):
    DBTaskResult = apps.get_model("django_tasks_database", "DBTaskResult")
    OutgoingEmail = apps.get_model("actors", "OutgoingEmail")
    domain = parseaddr(settings.DEFAULT_FROM_EMAIL)[1].rpartition("@")[2] or "localhost"
    waiting = DBTaskResult.objects.filter(task_path=SEND_TASK, status__in=["READY", "RUNNING"])
    for result in waiting:
        kwargs = result.args_kwargs.get("kwargs", {})
        if "email_id" in kwargs:
            continue
        key = uuid.uuid4()
        OutgoingEmail.objects.create(
            id=key,
            message_id=f"<{key.hex}@{domain}>",
            to=kwargs["to"],
            subject=kwargs["subject"],
            body=kwargs["body"],
        )
        result.args_kwargs = {"args": [], "kwargs": {"email_id": str(key)}}
        result.save(update_fields=["args_kwargs"])


class Migration(migrations.Migration):
    dependencies = [
        ("actors", "0009_outgoing_emails_with_stable_keys"),
        ("django_tasks_database", "0021_conditional_partial_index_ordering"),
    ]

    operations = [
        migrations.RunPython(queued_mail_becomes_outgoing_email, migrations.RunPython.noop),
    ]
