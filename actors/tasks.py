"""E-mail sent in the background through Django's tasks API.

Mail is queued with `actors.outbox.email_queue`, in the same database transaction as the change
that causes it (django-tasks-db), and sent by a worker (`manage.py db_worker`) through this task,
which is safe to run again for the same mail (see actors.outbox).
"""

from django.tasks import task

from actors import outbox
from portal.requestid import carries_request_id


@task
@carries_request_id
def send_email(*, email_id: str) -> str:
    return outbox.email_send(email_id=email_id)
