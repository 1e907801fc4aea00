"""/api/v1/questions/: public questions with their public answers for anyone to read; asking,
answering (and correcting the answer), closing, flagging, hiding and restoring by the web site's
predicates (every API persona × a draft, a published and a withdrawn pledge), with the portal's
JSON errors; and each organisation's responsiveness in the actor object.

In the API's world (tests/api/conftest.py) A leads the pledges and names C as confirmed partner
of the published one (pending on the draft); B is a third organisation."""

import datetime as dt

import pytest
import time_machine
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from rest_framework.test import APIClient

from reviews.models import Answer, Flag, ModerationLogEntry, Pledge, Question
from reviews.questions import responsiveness
from tests.api.conftest import API_PERSONAS, assert_json_error, ids, token_client
from tests.factories import (
    ActorFactory,
    AnswerFactory,
    PledgeFactory,
    QuestionFactory,
    VerifiedUserFactory,
)
from tests.matrix import assert_cell, denials, make_table

pytestmark = pytest.mark.django_db

LIST = "/api/v1/questions/"
table = make_table(API_PERSONAS)
A_MEMBERS = {"contributor_a": 403, "focal_a": 403, "focal_a_without_mfa": 403}


def _all(value, **others) -> dict:
    outcomes = dict.fromkeys(API_PERSONAS, value)
    outcomes.update(anonymous=401, **others)
    return table(**outcomes)


# Asking A. A draft is A's, C's (a partner, even pending) and the moderators' (with MFA) to see.
ASK = {
    "published": _all(201, **A_MEMBERS),
    "draft": _all(
        404,
        **A_MEMBERS,
        partner_c=409,
        moderator=409,
        administrator=409,
    ),
    "withdrawn": _all(409, **A_MEMBERS),
}
ANSWER = _all(403, focal_a=201)
CLOSE = _all(403, moderator=200, administrator=200)
HIDE = _all(404, moderator=200, administrator=200, moderator_without_mfa=403)
HIDE["administrator_without_mfa"] = 403


@pytest.fixture
def withdrawn(actor_a):
    pledge = PledgeFactory(lead=actor_a, published=True, title="A's withdrawn pledge")
    Pledge.objects.filter(pk=pledge.pk).update(status=Pledge.Status.WITHDRAWN)
    return Pledge.objects.get(pk=pledge.pk)


@pytest.fixture
def asker(db):
    return VerifiedUserFactory(display_name="Ann Asker")


def state():
    return (
        tuple(
            Question.objects.order_by("pk").values_list(
                "pk", "status", "body", "closed_reason", "is_hidden"
            )
        ),
        tuple(Answer.objects.order_by("pk").values_list("pk", "body", "is_hidden")),
        Flag.objects.count(),
    )


def _pledge(world, withdrawn, which):
    return withdrawn if which == "withdrawn" else world[which]


# Who may ---------------------------------------------------------------------------------------


@pytest.mark.parametrize("persona", API_PERSONAS)
@pytest.mark.parametrize("which", ["published", "draft", "withdrawn"])
def test_asking_permission_matrix(api_as, world, withdrawn, actor_a, caplog, persona, which):
    client = api_as(persona)
    before = state()
    body = {"pledge": _pledge(world, withdrawn, which).pk, "body": "When does it start?"}

    with denials(caplog) as denied:
        response = client.post(LIST, body, format="json")

    assert_cell(
        response.status_code,
        ASK[which][persona],
        method="post",
        before=before,
        after=state(),
        denied=denied,
    )
    if response.status_code >= 400:
        assert_json_error(response, response.status_code)
    else:
        assert response.json()["addressed_to"]["id"] == actor_a.pk


@pytest.mark.parametrize("persona", API_PERSONAS)
@pytest.mark.parametrize("which", ["published", "withdrawn"])
def test_answering_permission_matrix(
    api_as, world, withdrawn, actor_a, asker, caplog, persona, which
):
    question = QuestionFactory(pledge=_pledge(world, withdrawn, which), author=asker)
    client = api_as(persona)
    before = state()

    with denials(caplog) as denied:
        response = client.post(f"{LIST}{question.pk}/answer/", {"body": "Soon."}, format="json")

    assert_cell(
        response.status_code,
        ANSWER[persona],
        method="post",
        before=before,
        after=state(),
        denied=denied,
    )
    if persona == "focal_a_without_mfa":
        assert "two-factor" in response.json()["detail"]


@pytest.mark.parametrize("persona", API_PERSONAS)
def test_the_partner_answers_what_is_asked_of_it(api_as, world, actor_c, asker, caplog, persona):
    question = QuestionFactory(pledge=world["published"], addressed_to=actor_c, author=asker)
    client = api_as(persona)
    before = state()

    with denials(caplog) as denied:
        response = client.post(f"{LIST}{question.pk}/answer/", {"body": "Soon."}, format="json")

    assert_cell(
        response.status_code,
        _all(403, partner_c=201)[persona],
        method="post",
        before=before,
        after=state(),
        denied=denied,
    )


@pytest.mark.parametrize("persona", API_PERSONAS)
@pytest.mark.parametrize("which", ["published", "withdrawn"])
def test_closing_permission_matrix(api_as, world, withdrawn, asker, caplog, persona, which):
    question = QuestionFactory(pledge=_pledge(world, withdrawn, which), author=asker)
    client = api_as(persona)
    before = state()

    with denials(caplog) as denied:
        response = client.post(
            f"{LIST}{question.pk}/close/", {"reason": "A duplicate."}, format="json"
        )

    assert_cell(
        response.status_code,
        CLOSE[persona],
        method="post",
        before=before,
        after=state(),
        denied=denied,
    )


@pytest.mark.parametrize("kind", ["question", "answer"])
@pytest.mark.parametrize("persona", API_PERSONAS)
def test_hiding_permission_matrix(api_as, world, caplog, persona, kind):
    question = AnswerFactory(question__pledge=world["published"]).question
    client = api_as(persona)
    before = state()
    path = "answer/hide" if kind == "answer" else "hide"

    with denials(caplog) as denied:
        response = client.post(f"{LIST}{question.pk}/{path}/", {"reason": "Rude."}, format="json")

    assert_cell(
        response.status_code,
        HIDE[persona],
        method="post",
        before=before,
        after=state(),
        denied=denied,
    )


@pytest.mark.parametrize("kind", ["question", "answer"])
@pytest.mark.parametrize("persona", API_PERSONAS)
def test_flagging_permission_matrix(api_as, world, caplog, persona, kind):
    question = AnswerFactory(question__pledge=world["published"]).question
    client = api_as(persona)
    before = state()
    path = "answer/flag" if kind == "answer" else "flag"

    with denials(caplog) as denied:
        response = client.post(f"{LIST}{question.pk}/{path}/", {"reason": "spam"}, format="json")

    assert_cell(
        response.status_code,
        _all(201)[persona],
        method="post",
        before=before,
        after=state(),
        denied=denied,
    )


def test_an_answered_question_is_not_answered_again_nor_closed(api_as, world, focal_a):
    question = AnswerFactory(question__pledge=world["published"], author=focal_a).question

    again = api_as("focal_a").post(f"{LIST}{question.pk}/answer/", {"body": "x"}, format="json")
    closed = api_as("moderator").post(f"{LIST}{question.pk}/close/", {"reason": "x"}, format="json")

    assert_json_error(again, 409)
    assert_json_error(closed, 409)
    assert Answer.objects.count() == 1


# Writes and their errors ---------------------------------------------------------------------


def test_a_question_is_asked_of_a_partner_for_an_organisation_and_read_back(
    api_as, world, actor_b, actor_c, focal_b
):
    response = api_as("focal_b").post(
        LIST,
        {
            "pledge": world["published"].pk,
            "addressed_to": actor_c.pk,
            "actor": actor_b.pk,
            "body": "  Which *provinces*? ",
            "language": "fr",
        },
        format="json",
    )

    assert response.status_code == 201
    question = Question.objects.get()
    assert response.json() == {
        "id": question.pk,
        "pledge": world["published"].pk,
        "addressed_to": {
            "id": actor_c.pk,
            "name": "Organisation C",
            "kind": "civil-society",
            "country": "",
        },
        "author": "Bea Other",
        "actor": {
            "id": actor_b.pk,
            "name": "Organisation B",
            "kind": "member-state",
            "country": "",
        },
        "body": "Which *provinces*?",
        "body_html": "<p>Which <em>provinces</em>?</p>\n",
        "language": "fr",
        "status": "open",
        "created_at": question.created_at.isoformat().replace("+00:00", "Z"),
        "answered_at": None,
        "closed_at": None,
        "closed_reason": "",
        "answer": None,
    }


@pytest.mark.parametrize(
    ("body", "status"),
    [
        ({"body": ""}, 400),
        ({"body": "x" * 2001}, 400),
        ({"body": "Why?", "addressed_to": "not-an-id"}, 400),
        ({"body": "Why?", "language": "xx"}, 400),
        ({"body": "Why?", "pledge": 987654}, 404),
    ],
)
def test_bad_questions_are_json_errors(api_as, world, body, status):
    response = api_as("focal_b").post(
        LIST, {"pledge": world["published"].pk, **body}, format="json"
    )

    assert_json_error(response, status)
    assert not Question.objects.exists()


def test_an_organisation_the_pledge_does_not_name_is_not_asked(api_as, world, actor_b):
    response = api_as("verified_user").post(
        LIST,
        {"pledge": world["published"].pk, "addressed_to": actor_b.pk, "body": "?"},
        format="json",
    )

    body = assert_json_error(response, 400)
    assert "addressed_to" in body


def test_one_asks_only_for_an_organisation_one_acts_for(api_as, world, actor_c):
    response = api_as("focal_b").post(
        LIST, {"pledge": world["published"].pk, "actor": actor_c.pk, "body": "?"}, format="json"
    )

    assert_json_error(response, 403)


def test_an_answer_is_given_corrected_for_a_while_and_read_inline(
    api_as, world, focal_a, asker, time_machine
):
    time_machine.move_to(timezone.now(), tick=False)
    question = QuestionFactory(pledge=world["published"], author=asker)
    client = api_as("focal_a")
    time_machine.shift(dt.timedelta(hours=3))

    given = client.post(f"{LIST}{question.pk}/answer/", {"body": "In March."}, format="json")
    fixed = client.patch(f"{LIST}{question.pk}/answer/", {"body": "In *April*."}, format="json")
    time_machine.shift(dt.timedelta(minutes=16))
    late = client.patch(f"{LIST}{question.pk}/answer/", {"body": "Never."}, format="json")

    assert given.status_code == 201
    assert given.json()["status"] == "answered"
    assert given.json()["answer"]["body"] == "In March."
    assert fixed.status_code == 200
    assert fixed.json()["answer"]["body_html"] == "<p>In <em>April</em>.</p>\n"
    assert fixed.json()["answer"]["author"] == "Fola Focal"
    assert_json_error(late, 409)
    read = APIClient().get(f"{LIST}{question.pk}/").json()
    assert read["answer"]["body"] == "In *April*."
    assert read["answered_at"] is not None


def test_there_is_no_answer_to_edit_before_one_is_given(api_as, world, asker):
    question = QuestionFactory(pledge=world["published"], author=asker)

    response = api_as("focal_a").patch(f"{LIST}{question.pk}/answer/", {"body": "x"}, format="json")

    assert_json_error(response, 404)


def test_closing_needs_a_reason_and_is_logged(api_as, world, asker, moderator):
    question = QuestionFactory(pledge=world["published"], author=asker)
    client = api_as("moderator")

    assert_json_error(client.post(f"{LIST}{question.pk}/close/", {}, format="json"), 400)
    response = client.post(f"{LIST}{question.pk}/close/", {"reason": "Off topic."}, format="json")

    assert response.status_code == 200
    assert (response.json()["status"], response.json()["closed_reason"]) == ("closed", "Off topic.")
    assert ModerationLogEntry.objects.get().action == "question-close"


def test_a_moderator_hides_and_restores_an_answer(api_as, world, moderator):
    question = AnswerFactory(question__pledge=world["published"]).question
    client = api_as("moderator")

    hidden = client.post(f"{LIST}{question.pk}/answer/hide/", {"reason": "Rude."}, format="json")
    read = APIClient().get(f"{LIST}{question.pk}/").json()
    restored = client.post(f"{LIST}{question.pk}/answer/restore/", {}, format="json")

    assert hidden.json() == {"detail": "Hidden."}
    assert read["answer"] is None
    assert read["status"] == "answered"
    assert restored.json() == {"detail": "Restored."}
    assert APIClient().get(f"{LIST}{question.pk}/").json()["answer"] is not None
    assert list(ModerationLogEntry.objects.order_by("pk").values_list("action", flat=True)) == [
        "answer-hide",
        "answer-restore",
    ]


def test_an_unanswered_question_has_no_answer_to_flag_or_hide(api_as, world, asker):
    question = QuestionFactory(pledge=world["published"], author=asker)

    flagged = api_as("focal_b").post(
        f"{LIST}{question.pk}/answer/flag/", {"reason": "spam"}, format="json"
    )
    hidden = api_as("moderator").post(
        f"{LIST}{question.pk}/answer/hide/", {"reason": "x"}, format="json"
    )

    assert_json_error(flagged, 404)
    assert_json_error(hidden, 404)


# Reading -------------------------------------------------------------------------------------


@pytest.fixture
def questions(world, actor_a, actor_c, focal_a, withdrawn):
    published = world["published"]
    return {
        "open": QuestionFactory(pledge=published, addressed_to=actor_a),
        "to_c": QuestionFactory(pledge=published, addressed_to=actor_c),
        "answered": AnswerFactory(question__pledge=published, author=focal_a).question,
        "on_withdrawn": QuestionFactory(pledge=withdrawn, addressed_to=actor_a),
        "hidden": QuestionFactory(pledge=published, is_hidden=True, hidden_reason="Spam"),
        "on_draft": QuestionFactory(pledge=world["draft"], addressed_to=actor_a),
    }


@pytest.mark.parametrize("persona", ["anonymous", "focal_a", "moderator"])
def test_the_list_holds_the_public_questions_only_for_everyone(api_as, questions, persona):
    response = api_as(persona).get(LIST)

    assert response.status_code == 200
    public = {"open", "to_c", "answered", "on_withdrawn"}
    assert ids(response) == {questions[name].pk for name in public}
    for name in ("hidden", "on_draft"):
        assert_json_error(api_as(persona).get(f"{LIST}{questions[name].pk}/"), 404)


def test_the_list_is_filtered_by_pledge_addressee_and_status(questions, world, actor_c, withdrawn):
    client = APIClient()

    def listed(**query):
        return ids(client.get(LIST, query))

    assert listed(pledge=withdrawn.pk) == {questions["on_withdrawn"].pk}
    assert listed(addressed_to=actor_c.pk) == {questions["to_c"].pk}
    assert listed(status="answered") == {questions["answered"].pk}
    assert listed(status="answered", pledge=world["published"].pk) == {questions["answered"].pk}
    for bad in [{"pledge": world["draft"].pk}, {"status": "lost"}, {"addressed_to": "x"}]:
        assert_json_error(client.get(LIST, bad), 400)


def test_the_list_pages_with_a_cursor(world, actor_a):
    for _ in range(5):
        QuestionFactory(pledge=world["published"], addressed_to=actor_a)
    client = APIClient()

    first = client.get(LIST, {"page_size": 2}).json()
    second = client.get(first["next"]).json()

    assert "cursor=" in first["next"]
    assert len(first["results"]) == len(second["results"]) == 2
    assert {r["id"] for r in first["results"]}.isdisjoint(r["id"] for r in second["results"])


@pytest.mark.parametrize("rows", [10, 200])
def test_the_list_costs_the_same_queries_at_10_and_200_rows(
    world, actor_a, focal_a, rows, django_assert_num_queries
):
    questions = Question.objects.bulk_create(
        Question(
            pledge=world["published"],
            addressed_to=actor_a,
            author=focal_a,
            body=f"Q{n}",
            body_html=f"<p>Q{n}</p>",
        )
        for n in range(205)
    )
    Answer.objects.bulk_create(
        Answer(question=q, author=focal_a, actor=actor_a, body="A", body_html="<p>A</p>")
        for q in questions[::2]
    )
    Question.objects.filter(pk__in=[q.pk for q in questions[::2]]).update(
        status="answered", answered_at=timezone.now()
    )
    cache.clear()

    # The page of questions with their answers, askers and organisations (one query).
    with django_assert_num_queries(1):
        response = APIClient().get(LIST, {"page_size": rows})

    assert len(response.json()["results"]) == rows


# Responsiveness in the actor object ----------------------------------------------------------


def test_the_actor_object_carries_its_responsiveness(world, actor_a, actor_c, focal_a):
    start = timezone.now() - dt.timedelta(days=45)
    with time_machine.travel(start, tick=False):
        late = QuestionFactory(pledge=world["published"], addressed_to=actor_a)
        answered = QuestionFactory(pledge=world["published"], addressed_to=actor_a)
    with time_machine.travel(start + dt.timedelta(hours=7, minutes=30), tick=False):
        AnswerFactory(question=answered, author=focal_a)
    assert late.is_open

    detail = APIClient().get(f"/api/v1/actors/{actor_a.slug}/").json()
    found = APIClient().get("/api/v1/actors/", {"q": "Organisation "}).json()["results"]
    listed = {row["slug"]: row for row in found}

    expected = {
        "received": 2,
        "answered": 1,
        "median_hours_to_answer": 7.5,
        "open_over_30_days": 1,
    }
    assert detail["responsiveness"] == expected
    assert listed[actor_a.slug]["responsiveness"] == expected
    figures = responsiveness([actor_a.pk])[actor_a.pk]
    assert figures.median_hours == 7.5
    assert listed[actor_c.slug]["responsiveness"] == {
        "received": 0,
        "answered": 0,
        "median_hours_to_answer": None,
        "open_over_30_days": 0,
    }


@pytest.mark.parametrize("rows", [10, 200])
def test_the_actor_list_reads_responsiveness_in_one_query_whatever_the_page(
    world, actor_a, focal_a, rows
):
    ActorFactory.create_batch(12)
    QuestionFactory.create_batch(3, pledge=world["published"], addressed_to=actor_a)
    cache.clear()

    with CaptureQueriesContext(connection) as queries:
        response = APIClient().get("/api/v1/actors/", {"page_size": rows})

    assert response.status_code == 200
    assert sum("reviews_question" in q["sql"] for q in queries.captured_queries) == 1
    assert len(queries) == 3


def test_the_schema_describes_the_questions_and_the_responsiveness(client):
    schema = client.get("/api/schema/", {"format": "json"}).json()

    assert "/api/v1/questions/{id}/answer/" in schema["paths"]
    assert set(schema["paths"]["/api/v1/questions/{id}/answer/"]) == {"post", "patch"}
    actor = schema["components"]["schemas"]["Actor"]["properties"]
    assert "responsiveness" in actor
    question = schema["components"]["schemas"]["Question"]["properties"]
    assert {"answer", "status", "addressed_to", "answered_at"} <= set(question)


def test_a_token_reader_sees_the_same_public_list(world, focal_b, actor_a):
    QuestionFactory(pledge=world["published"], addressed_to=actor_a)
    QuestionFactory(pledge=world["published"], addressed_to=actor_a, is_hidden=True)

    assert ids(token_client(focal_b).get(LIST)) == ids(APIClient().get(LIST))
    assert len(ids(APIClient().get(LIST))) == 1
