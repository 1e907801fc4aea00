"""Notifications: in the portal (the bell) and by e-mail, at the frequency each person chooses."""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class Kind(models.TextChoices):
    REPLY = "reply", _("A reply to my comment")
    PLEDGE_COMMENT = "pledge-comment", _("A comment on my organisation's pledge")
    MODERATION = "moderation", _("My content hidden or restored")
    PLEDGE_WORKFLOW = (
        "pledge-workflow",
        _("My organisation's pledges returned, rejected or published"),
    )
    PARTNERSHIP = "partnership", _("My organisation named as partner of a pledge")
    JOIN_REQUEST = "join-request", _("Requests to join my organisation")
    MEMBERSHIP = (
        "membership",
        _("Answers to my requests to join; organisations I proposed accredited"),
    )
    MODERATOR_ALERT = "moderator-alert", _("Items hidden automatically (moderators)")
    MODERATION_QUEUE = (
        "moderation-queue",
        _("Pledges submitted for review, and the daily summary of what waits (moderators)"),
    )
    EXPORT = "export", _("My large exports, ready to download or failed")
    FOLLOWED = "followed", _("New pledges and progress on what I follow")
    REPORTING_ROUND = (
        "reporting-round",
        _("Reporting rounds: requests and reminders to report on my organisation's pledges"),
    )
    ENDORSEMENT = "endorsement", _("Endorsements of my organisation's pledges")
    QUESTION = "question", _("Questions to my organisation about its pledges")
    QUESTION_OUTCOME = (
        "question-outcome",
        _("Answers to my questions, and my questions closed by a moderator"),
    )
    NEED_ANSWER = (
        "need-answer",
        _("Offers and matching pledges answering my organisation's needs"),
    )
    NEED_MET = "need-met", _("Needs I offered to meet, marked met")


# Kinds only moderators receive; the settings page shows them to moderators only.
MODERATOR_KINDS = frozenset({Kind.MODERATOR_ALERT, Kind.MODERATION_QUEUE})


class Frequency(models.TextChoices):
    IMMEDIATE = "immediate", _("Right away")
    DAILY = "daily", _("In a daily digest")
    OFF = "off", _("Only in the portal")


# Every kind defaults to an e-mail right away: a focal point with a deadline must not miss a
# returned pledge, and nobody has to find the settings page to hear of their own requests.
DEFAULT_FREQUENCY = Frequency.IMMEDIATE


class NotificationQuerySet(models.QuerySet):
    def unread(self):
        return self.filter(read_at__isnull=True)

    def due_for_digest(self):
        """Not yet e-mailed and waiting for a daily digest."""
        return self.filter(emailed_at__isnull=True, frequency=Frequency.DAILY)


class Notification(models.Model):
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notifications"
    )
    kind = models.CharField(max_length=30, choices=Kind.choices)
    frequency = models.CharField(
        max_length=20,
        choices=Frequency.choices,
        help_text=_("The person's choice for this kind when the notification was made."),
    )
    title = models.CharField(max_length=300)
    body = models.TextField(blank=True)
    url = models.CharField(max_length=500)
    about = models.CharField(
        max_length=60,
        blank=True,
        db_index=True,
        help_text=_(
            "What the notification quotes (e.g. comment:12), so that its text follows the "
            "original: edited, deleted, or hidden by a moderator."
        ),
    )
    created_at = models.DateTimeField(default=timezone.now)
    read_at = models.DateTimeField(null=True, blank=True)
    emailed_at = models.DateTimeField(null=True, blank=True)

    objects = NotificationQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-pk"]
        indexes = [
            models.Index(fields=["user", "read_at"], name="notification_unread"),
            models.Index(fields=["frequency", "emailed_at"], name="notification_digest"),
        ]

    def __str__(self):
        return f"{self.user}: {self.title}"


class NotificationPreference(models.Model):
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notification_preferences"
    )
    kind = models.CharField(max_length=30, choices=Kind.choices)
    frequency = models.CharField(max_length=20, choices=Frequency.choices)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["user", "kind"], name="notification_preference_once"),
        ]

    def __str__(self):
        return f"{self.user}: {self.kind} {self.frequency}"
