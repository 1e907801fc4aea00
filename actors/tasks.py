"""Notifications by e-mail, sent in the background through Django's tasks API.

The message is rendered while the change is made and queued in the same database transaction
(django-tasks-db), so a change that rolls back sends nothing and a committed one is never lost.
"""

from django.conf import settings
from django.core.mail import EmailMessage
from django.tasks import task
from django.template.loader import render_to_string


@task
def send_email(*, to: str, subject: str, body: str) -> None:
    EmailMessage(subject=subject, body=body, to=[to]).send()


def notify(*, to: list[str], subject: str, template: str, context: dict) -> None:
    """Queue one e-mail per recipient (addresses are never shown to each other)."""
    body = render_to_string(template, {**context, "site_url": settings.SITE_URL})
    for address in sorted(set(to)):
        send_email.enqueue(
            to=address, subject=f"{settings.ACCOUNT_EMAIL_SUBJECT_PREFIX}{subject}", body=body
        )
