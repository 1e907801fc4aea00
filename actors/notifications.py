"""Tell people what happened: a notification in the portal, and e-mail as each person chose."""

import datetime as dt

from django.conf import settings
from django.db import transaction
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.translation import gettext

from actors.models import Notification, NotificationPreference, User
from actors.models.notifications import DEFAULT_FREQUENCY, Frequency, Kind
from actors.outbox import email_queue
from portal.language import of_user


def frequency_for(user: User, kind: str) -> str:
    preference = NotificationPreference.objects.filter(user=user, kind=kind).first()
    return preference.frequency if preference else DEFAULT_FREQUENCY


def notify_user(
    *, user: User, kind: str, title: str, url: str, body: str = "", about: str = ""
) -> Notification:
    """Add a notification to the person's bell; e-mail it now if that is their choice.

    `about` names what the body quotes (see `quoted_text_changed`). The notification and its
    mail are worded in the person's language (portal.language.of_user): a lazy title or body
    (gettext_lazy, portal.i18n.interpolate_lazy) is translated for them; one the caller already
    worded stays in the caller's language."""
    frequency = frequency_for(user, kind)
    with translation.override(of_user(user)):
        title = str(title)
        notification = Notification.objects.create(
            user=user,
            kind=kind,
            frequency=frequency,
            title=title[:300],
            url=url,
            body=str(body),
            about=about,
        )
        if frequency == Frequency.IMMEDIATE and user.is_active:
            email_queue(
                to=user.email,
                subject=f"{settings.ACCOUNT_EMAIL_SUBJECT_PREFIX}{title}"[:200],
                body=render_to_string(
                    "actors/email/notification.txt",
                    {"notification": notification, "site_url": settings.SITE_URL},
                ),
            )
            notification.emailed_at = timezone.now()
            notification.save(update_fields=["emailed_at"])
    return notification


def notify_users(*, users, kind: str, title: str, url: str, body: str = "", about: str = "") -> int:
    """Notify each of `users` (a queryset of recipients) as they chose; returns how many."""
    told = 0
    for user in users:
        notify_user(user=user, kind=kind, title=title, url=url, body=body, about=about)
        told += 1
    return told


def quoted_text_changed(*, about: str, body: str) -> int:
    """What the notifications `about` something quote is now `body` (its current, visible text,
    or a word that it was removed): the bell and the digests still to send never keep a copy of
    what was edited away, deleted or hidden. Returns how many notifications changed."""
    return Notification.objects.filter(about=about).update(body=body)


def set_preferences(*, user: User, choices: dict[str, str]) -> None:
    for kind, frequency in choices.items():
        NotificationPreference.objects.update_or_create(
            user=user, kind=kind, defaults={"frequency": frequency}
        )


def mark_read(*, user: User, notification_ids=None) -> int:
    unread = Notification.objects.filter(user=user).unread()
    if notification_ids is not None:
        unread = unread.filter(pk__in=notification_ids)
    return unread.update(read_at=timezone.now())


@transaction.atomic
def send_daily_digests(*, now: dt.datetime | None = None) -> int:
    """One e-mail per person with every digest notification not yet sent; none is sent twice.

    Rows are claimed with SELECT … FOR UPDATE SKIP LOCKED (on PostgreSQL), so two runs at once
    never send the same notification.
    """
    now = now or timezone.now()
    due = list(
        Notification.objects.due_for_digest()
        .select_for_update(skip_locked=True, of=("self",))
        .select_related("user")
        .order_by("user_id", "created_at")
    )
    by_user: dict[int, list[Notification]] = {}
    for notification in due:
        by_user.setdefault(notification.user_id, []).append(notification)
    sent = 0
    for notifications in by_user.values():
        user = notifications[0].user
        if user.is_active:
            with translation.override(of_user(user)):  # the person's language
                subject = gettext("Your daily digest")
                email_queue(
                    to=user.email,
                    subject=f"{settings.ACCOUNT_EMAIL_SUBJECT_PREFIX}{subject}",
                    body=render_to_string(
                        "actors/email/digest.txt",
                        {"notifications": notifications, "site_url": settings.SITE_URL},
                    ),
                )
            sent += 1
        Notification.objects.filter(pk__in=[n.pk for n in notifications]).update(emailed_at=now)
    return sent


__all__ = [
    "Kind",
    "frequency_for",
    "mark_read",
    "notify_user",
    "notify_users",
    "send_daily_digests",
]
