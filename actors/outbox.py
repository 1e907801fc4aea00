"""E-mail that is never lost and, as far as SMTP allows, never sent twice.

Every mail is an `OutgoingEmail` row, written in the transaction of the change that causes it,
together with the task that sends it (django-tasks-db keeps its queue in the same database): a
change that rolls back sends nothing, a committed one is never lost. The send task may run more
than once for one mail — its worker was killed and the task requeued
(portal.taskqueue), or the SMTP server failed and the send is tried again later — so it first
looks whether the mail already left, and marks it sent as soon as the server has taken it.
"""

import datetime as dt
import logging
from email.utils import parseaddr

from django.conf import settings
from django.core.mail import EmailMessage
from django.db.models import F
from django.utils import timezone

from actors.models import OutgoingEmail
from portal import requestid

log = logging.getLogger("portal.mail")


def message_id_for(email: OutgoingEmail) -> str:
    """A Message-ID fixed when the mail is queued: if a send is ever repeated, the copies carry
    the same one, and mail servers and clients that de-duplicate by it show the mail once."""
    domain = parseaddr(settings.DEFAULT_FROM_EMAIL)[1].rpartition("@")[2] or "localhost"
    return f"<{email.pk.hex}@{domain}>"


def retry_delay(attempts: int) -> dt.timedelta:
    """How long to wait after the n-th failed attempt: 1, 4, 16, 64 … minutes."""
    return dt.timedelta(seconds=settings.EMAIL_RETRY_DELAY * 4 ** (attempts - 1))


def _enqueue_send(email: OutgoingEmail, *, run_after: dt.datetime | None = None) -> None:
    from actors.tasks import send_email  # the task module calls this one

    task = send_email if run_after is None else send_email.using(run_after=run_after)
    requestid.enqueue(task, email_id=str(email.pk))


def email_queue(*, to: str, subject: str, body: str) -> OutgoingEmail:
    """Record a mail and queue its sending, in the caller's transaction."""
    email = OutgoingEmail(to=to, subject=subject, body=body)
    email.message_id = message_id_for(email)
    email.full_clean()
    email.save()
    _enqueue_send(email)
    return email


def email_send(*, email_id: str) -> str:
    """Send a queued mail unless it already left; says what happened ("sent", "already sent",
    "given up"). An SMTP failure is recorded, the send is queued again after a delay (up to
    EMAIL_MAX_ATTEMPTS attempts), and the error is raised so that the task shows as failed."""
    email = OutgoingEmail.objects.get(pk=email_id)
    if email.status == OutgoingEmail.Status.SENT:
        log.info("e-mail %s to %s was already sent; not sending it again", email.pk, email.to)
        return "already sent"
    if email.status == OutgoingEmail.Status.FAILED:
        return "given up"

    unsent = OutgoingEmail.objects.filter(pk=email.pk, sent_at__isnull=True)
    unsent.update(attempts=F("attempts") + 1, last_attempt_at=timezone.now())
    email.refresh_from_db(fields=["attempts"])
    message = EmailMessage(
        subject=email.subject,
        body=email.body,
        to=[email.to],
        headers={"Message-ID": email.message_id},
    )
    try:
        message.send()
    except Exception as error:
        _send_failed(email, error)
        raise
    # The server has taken the mail: mark it sent at once, in a statement of its own (the worker
    # runs a task outside any transaction), before anything else can fail. What remains is the
    # moment between the server's "250 OK" and this update: a worker killed exactly then leaves
    # the mail unmarked, and the requeued task sends it a second time — with the same
    # Message-ID, by which receiving servers and mail clients recognise the copy.
    # The body goes: it may hold a sign-in or password-reset link, and it is not needed again.
    unsent.update(status=OutgoingEmail.Status.SENT, sent_at=timezone.now(), last_error="", body="")
    return "sent"


def _send_failed(email: OutgoingEmail, error: Exception) -> None:
    reason = f"{type(error).__name__}: {error}"[:2000]
    unsent = OutgoingEmail.objects.filter(pk=email.pk, sent_at__isnull=True)
    if email.attempts >= settings.EMAIL_MAX_ATTEMPTS:
        unsent.update(status=OutgoingEmail.Status.FAILED, last_error=reason)
        log.error(
            "e-mail %s to %s given up after %d attempts: %s",
            email.pk,
            email.to,
            email.attempts,
            reason,
        )
        return
    unsent.update(last_error=reason)
    from actors.tasks import send_email

    if not send_email.get_backend().supports_defer:
        # A backend that runs tasks at once (the tests' own) cannot wait: the failure stays
        # recorded on the mail, and nothing is retried behind the caller's back.
        log.warning("e-mail %s to %s failed: %s", email.pk, email.to, reason)
        return
    later = timezone.now() + retry_delay(email.attempts)
    log.warning(
        "e-mail %s to %s failed (attempt %d), trying again at %s: %s",
        email.pk,
        email.to,
        email.attempts,
        later.isoformat(timespec="seconds"),
        reason,
    )
    _enqueue_send(email, run_after=later)
