"""E-mail sent in the background through Django's tasks API.

Notifications (actors.notifications) render their message while the change is made and queue it
in the same database transaction (django-tasks-db), so a change that rolls back sends nothing and
a committed one is never lost.
"""

from django.core.mail import EmailMessage
from django.tasks import task


@task
def send_email(*, to: str, subject: str, body: str) -> None:
    EmailMessage(subject=subject, body=body, to=[to]).send()
