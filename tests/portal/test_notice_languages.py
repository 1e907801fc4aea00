"""Notices worded for their reader, not for whoever caused them (issue 12): a join request's
approval, the request itself told to each focal point, the moderators' daily summary and an
export's notice each arrive in the recipient's language, whatever language the actor or the
worker had; and the API schema's filter descriptions follow the language it is asked for in."""

import pytest
from django.urls import reverse
from django.utils import translation

from actors import services as actor_services
from actors.models import JoinRequest, Membership, Notification
from actors.models.notifications import Kind
from reviews import services
from reviews.exports import jobs
from reviews.models import ExportJob
from tests.factories import (
    ActorFactory,
    MembershipFactory,
    ModeratorFactory,
    PledgeFactory,
    VerifiedUserFactory,
)

pytestmark = pytest.mark.django_db


def test_an_approval_reads_in_the_requesters_language_role_included():
    actor = ActorFactory(name="Réseau Sahel")
    focal = VerifiedUserFactory(language="en")
    MembershipFactory(user=focal, actor=actor, role=Membership.Role.FOCAL_POINT)
    asking = VerifiedUserFactory(language="fr")
    request = JoinRequest.objects.create(user=asking, actor=actor)

    with translation.override("en"):  # the focal point approves in English
        actor_services.join_request_approve(
            join_request=request, by=focal, role=Membership.Role.FOCAL_POINT
        )

    notice = asking.notifications.get()
    # French sets a narrow no-break space before a colon.
    assert notice.body.replace("\u202f", " ").replace("\xa0", " ") == (
        "Votre demande d’agir au nom de Réseau Sahel a été approuvée : vous avez désormais le "
        "rôle de point focal."
    )


def test_a_join_request_reads_in_each_focal_points_language():
    actor = ActorFactory(name="Youth Network")
    arabic, russian = VerifiedUserFactory(language="ar"), VerifiedUserFactory(language="ru")
    for focal in (arabic, russian):
        MembershipFactory(user=focal, actor=actor, role=Membership.Role.FOCAL_POINT)
    asking = VerifiedUserFactory(display_name="Dana", language="en")

    with translation.override("en"):
        actor_services.join_request_create(user=asking, actor=actor)

    assert "يطلب Dana العمل باسم Youth Network." in arabic.notifications.get().body
    russian_body = russian.notifications.get().body
    assert "Dana" in russian_body and "asks to act" not in russian_body


def test_the_moderators_summary_counts_in_each_moderators_language():
    russian = ModeratorFactory(language="ru")
    english = ModeratorFactory(language="en")
    PledgeFactory(submitted=True)

    with translation.override("fr"):  # the scheduler's process
        services.send_moderator_digest()

    assert russian.notifications.get().body.startswith("1 представленное обязательство")
    assert english.notifications.get().body.startswith("1 submitted pledge, 0 flagged")


def test_an_exports_notice_reads_in_the_requesters_language(verified_user):
    verified_user.language = "es"
    verified_user.save(update_fields=["language"])
    PledgeFactory(published=True)
    job = ExportJob.objects.create(requester=verified_user, resource="pledges")

    with translation.override("en"):  # the worker's default
        jobs.build_export.call(job.pk)

    notice = Notification.objects.get(user=verified_user, kind=Kind.EXPORT)
    assert notice.title == "Su exportación de pledges (XLSX) está lista"
    assert notice.body.startswith("1 ")


def test_one_row_is_one_row_in_english(verified_user):
    PledgeFactory(published=True)
    job = ExportJob.objects.create(requester=verified_user, resource="pledges")

    jobs.build_export.call(job.pk)

    assert Notification.objects.get(user=verified_user).body.startswith("1 row. ")


def test_the_stats_filters_are_described_in_the_language_of_the_schema(client):
    url = reverse("api:schema")
    # English whatever the Accept-Language, unless ?lang= asks (portal.api_urls.SchemaView).
    french = client.get(url, {"format": "json", "lang": "fr"}).json()
    english = client.get(url, {"format": "json"}, HTTP_ACCEPT_LANGUAGE="fr").json()

    def described(schema):
        parameters = schema["paths"]["/api/v1/stats/coverage/"]["get"]["parameters"]
        return {p["name"]: p.get("description", "") for p in parameters}

    assert described(english)["objective"] == "Objective"
    assert described(french)["objective"] == "Objectif"
