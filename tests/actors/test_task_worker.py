"""Notifications go through the database task queue and a real worker sends them."""

import pytest
from django.core import mail
from django.core.management import call_command
from django.db import transaction
from django.test import override_settings
from django_tasks_db.models import DBTaskResult

from actors import services
from actors.models import Notification

# The worker commits and closes its connections as it would in production, so these tests run
# outside a wrapping transaction.
pytestmark = pytest.mark.django_db(transaction=True)

DATABASE_QUEUE = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}


@override_settings(TASKS=DATABASE_QUEUE)
def test_a_notification_waits_in_the_queue_until_the_worker_sends_it(
    focal_a, verified_user, actor_a
):
    services.join_request_create(user=verified_user, actor=actor_a, message="Hello")

    assert mail.outbox == []
    assert DBTaskResult.objects.filter(status="READY").count() == 1

    call_command("db_worker", "--batch", "--no-startup-delay", "--no-reload", verbosity=0)

    assert [m.to for m in mail.outbox] == [[focal_a.email]]
    assert DBTaskResult.objects.get().status == "SUCCESSFUL"
    assert Notification.objects.get().user == focal_a


@override_settings(TASKS=DATABASE_QUEUE)
def test_a_change_that_rolls_back_queues_nothing(focal_a, verified_user, actor_a):
    with pytest.raises(RuntimeError), transaction.atomic():
        services.join_request_create(user=verified_user, actor=actor_a)
        raise RuntimeError("the request failed after the notification was queued")

    assert not DBTaskResult.objects.exists()
    assert not Notification.objects.exists()
