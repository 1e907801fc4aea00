"""Questions to a pledge's lead or partners on the web site: who may ask, answer, close, hide
and flag (every persona × a published, a draft and a withdrawn pledge), the answer given once and
corrected for a while, moderation as for comments (flags, automatic hiding, the log), hidden
questions and answers gone for everyone but those who oversee, the people told once, each
organisation's responsiveness against a plain count and median, and the pages' query counts.

Outcomes as in tests/matrix.py. Organisation A leads the pledges and names B as confirmed
partner; C is a third organisation; "blocked_c" is a member of C whom a moderator stopped from
posting. A question is asked of A unless a test says otherwise.
"""

import datetime as dt
import json
import statistics

import pytest
import time_machine
from django.core import mail
from django.core.cache import cache
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone
from jsonschema import Draft202012Validator

from actors.models import Membership, Notification
from actors.models.notifications import Kind
from reviews import services
from reviews.exports.columns import columns_of
from reviews.models import Answer, Flag, ModerationLogEntry, Pledge, PledgePartner, Question
from reviews.models.comments import AUTO_HIDE_FLAGS
from reviews.questions import responsiveness
from tests.factories import (
    ActorFactory,
    AnswerFactory,
    MembershipFactory,
    PledgeFactory,
    PledgePartnerFactory,
    QuestionFactory,
    VerifiedUserFactory,
    give_mfa,
)
from tests.matrix import assert_cell, denials, make_table, outcome
from tests.reviews.test_exports import download, records

pytestmark = pytest.mark.django_db

PERSONAS = [
    "anonymous",
    "verified_user",
    "contributor_c",
    "focal_c",
    "blocked_c",
    "contributor_a",
    "focal_a",
    "focal_a_without_mfa",
    "focal_b",
    "moderator",
    "moderator_without_mfa",
]
table = make_table(PERSONAS)
A = Question.Status

# Asking A (the lead), in one's own name. Anyone signed in may, on a published pledge, except
# A's own members and whoever a moderator blocked; a draft is A's, B's and the moderators' (with
# MFA) to see, a 404 for everyone else; a withdrawn pledge is read, not asked.
ASK = {
    "published": table(
        anonymous="login",
        verified_user="done",
        contributor_c="done",
        focal_c="done",
        blocked_c="403",
        contributor_a="403",
        focal_a="403",
        focal_a_without_mfa="403",
        focal_b="done",
        moderator="done",
        moderator_without_mfa="done",
    ),
    "draft": table(
        anonymous="login",
        verified_user="404",
        contributor_c="404",
        focal_c="404",
        blocked_c="404",
        contributor_a="403",
        focal_a="403",
        focal_a_without_mfa="403",
        focal_b="409",
        moderator="409",
        moderator_without_mfa="404",
    ),
    "withdrawn": table(
        anonymous="login",
        verified_user="409",
        contributor_c="409",
        focal_c="409",
        blocked_c="403",
        contributor_a="403",
        focal_a="403",
        focal_a_without_mfa="403",
        focal_b="409",
        moderator="409",
        moderator_without_mfa="409",
    ),
}
# Asking B, the partner: now A's members may, B's may not.
ASK_PARTNER = {
    **ASK["published"],
    "contributor_a": "done",
    "focal_a": "done",
    "focal_a_without_mfa": "done",
    "focal_b": "403",
}
# Answering a question to A: its focal points only, with their second factor; an open question
# on a withdrawn pledge is still owed its answer.
ANSWER = table(
    anonymous="login",
    verified_user="403",
    contributor_c="403",
    focal_c="403",
    blocked_c="403",
    contributor_a="403",
    focal_a="done",
    focal_a_without_mfa="mfa",
    focal_b="403",
    moderator="403",
    moderator_without_mfa="403",
)
ANSWER_PARTNER = {**ANSWER, "focal_a": "403", "focal_a_without_mfa": "403", "focal_b": "done"}
# Closing: the moderators, with MFA.
CLOSE = table(
    anonymous="login",
    verified_user="403",
    contributor_c="403",
    focal_c="403",
    blocked_c="403",
    contributor_a="403",
    focal_a="403",
    focal_a_without_mfa="403",
    focal_b="403",
    moderator="done",
    moderator_without_mfa="mfa",
)
# Hiding a question or an answer: the moderation pages, whose existence only moderators know.
HIDE = table(
    anonymous="login",
    verified_user="404",
    contributor_c="404",
    focal_c="404",
    blocked_c="404",
    contributor_a="404",
    focal_a="404",
    focal_a_without_mfa="404",
    focal_b="404",
    moderator="done",
    moderator_without_mfa="mfa",
)
# Flagging what someone else wrote: anyone signed in who may post.
FLAG = table(
    anonymous="login",
    verified_user="done",
    contributor_c="done",
    focal_c="done",
    blocked_c="403",
    contributor_a="done",
    focal_a="done",
    focal_a_without_mfa="done",
    focal_b="done",
    moderator="done",
    moderator_without_mfa="done",
)


@pytest.fixture
def actor_c(db):
    return ActorFactory(name="Organisation C", slug="organisation-c")


@pytest.fixture
def contributor_c(actor_c):
    user = VerifiedUserFactory(display_name="Cyd Contributor")
    MembershipFactory(user=user, actor=actor_c, role=Membership.Role.CONTRIBUTOR)
    return user


@pytest.fixture
def focal_c(actor_c):
    user = VerifiedUserFactory(display_name="Cam Focal")
    MembershipFactory(user=user, actor=actor_c, role=Membership.Role.FOCAL_POINT)
    give_mfa(user)
    return user


@pytest.fixture
def blocked_c(actor_c):
    user = VerifiedUserFactory(display_name="Blo Cked", posting_blocked_at=timezone.now())
    MembershipFactory(user=user, actor=actor_c)
    return user


@pytest.fixture
def sign_in(client, request):
    def sign_in(persona):
        if persona != "anonymous":
            user = request.getfixturevalue(persona)
            client.force_login(user)
            return user
        return None

    return sign_in


def _pledge(lead, partner, **fields) -> Pledge:
    pledge = PledgeFactory(lead=lead, kind=Pledge.Kind.JOINT, **fields)
    PledgePartnerFactory(pledge=pledge, actor=partner, status=PledgePartner.Status.CONFIRMED)
    return pledge


@pytest.fixture
def pledges(actor_a, actor_b):
    """A's joint pledges naming B, one in each state that matters here."""
    withdrawn = _pledge(actor_a, actor_b, published=True)
    Pledge.objects.filter(pk=withdrawn.pk).update(status=Pledge.Status.WITHDRAWN)
    return {
        "published": _pledge(actor_a, actor_b, published=True, title="A's published pledge"),
        "draft": _pledge(actor_a, actor_b, title="A's draft"),
        "withdrawn": Pledge.objects.get(pk=withdrawn.pk),
    }


@pytest.fixture
def asker(db):
    return VerifiedUserFactory(display_name="Ann Asker")


def state():
    return (
        tuple(
            Question.objects.order_by("pk").values_list(
                "pk", "addressed_to", "status", "body", "closed_reason", "is_hidden"
            )
        ),
        tuple(Answer.objects.order_by("pk").values_list("pk", "body", "is_hidden")),
        Flag.objects.count(),
    )


def ask_url(pledge) -> str:
    return reverse("reviews:question-ask", args=[pledge.pk])


def answer_url(question) -> str:
    return reverse("reviews:question-answer", args=[question.pledge_id, question.pk])


def close_url(question) -> str:
    return reverse("reviews:question-close", args=[question.pledge_id, question.pk])


def edit_url(answer) -> str:
    question = answer.question
    return reverse("reviews:answer-edit", args=[question.pledge_id, question.pk])


def ask_data(addressed_to, body="When do the first workers arrive?", actor=None) -> dict:
    data = {"question-addressed_to": addressed_to.pk, "question-body": body}
    if actor is not None:
        data["question-actor"] = actor.pk
    return data


def answer_data(question, body="In March, in the northern province.") -> dict:
    return {f"answer-{question.pk}-body": body}


# Who may ---------------------------------------------------------------------------------------


@pytest.mark.parametrize("persona", PERSONAS)
@pytest.mark.parametrize("which", ["published", "draft", "withdrawn"])
def test_asking_the_lead_permission_matrix(
    client, sign_in, pledges, actor_a, focal_a, focal_b, caplog, persona, which
):
    sign_in(persona)
    before = state()

    with denials(caplog) as denied:
        response = client.post(ask_url(pledges[which]), ask_data(actor_a))

    assert_cell(
        outcome(response),
        ASK[which][persona],
        method="post",
        before=before,
        after=state(),
        denied=denied,
    )


@pytest.mark.parametrize("persona", PERSONAS)
def test_asking_a_partner_permission_matrix(
    client, sign_in, pledges, actor_b, focal_a, caplog, persona
):
    sign_in(persona)
    before = state()

    with denials(caplog) as denied:
        response = client.post(ask_url(pledges["published"]), ask_data(actor_b))

    assert_cell(
        outcome(response),
        ASK_PARTNER[persona],
        method="post",
        before=before,
        after=state(),
        denied=denied,
    )
    if ASK_PARTNER[persona] == "done":
        assert Question.objects.get().addressed_to == actor_b


@pytest.mark.parametrize("persona", PERSONAS)
@pytest.mark.parametrize("which", ["published", "withdrawn"])
def test_answering_permission_matrix(
    client, sign_in, pledges, actor_a, asker, caplog, persona, which
):
    question = QuestionFactory(pledge=pledges[which], addressed_to=actor_a, author=asker)
    sign_in(persona)
    before = state()

    with denials(caplog) as denied:
        response = client.post(answer_url(question), answer_data(question))

    assert_cell(
        outcome(response),
        ANSWER[persona],
        method="post",
        before=before,
        after=state(),
        denied=denied,
    )


@pytest.mark.parametrize("persona", PERSONAS)
def test_answering_a_question_to_the_partner_is_the_partners(
    client, sign_in, pledges, actor_b, asker, caplog, persona
):
    question = QuestionFactory(pledge=pledges["published"], addressed_to=actor_b, author=asker)
    sign_in(persona)
    before = state()

    with denials(caplog) as denied:
        response = client.post(answer_url(question), answer_data(question))

    assert_cell(
        outcome(response),
        ANSWER_PARTNER[persona],
        method="post",
        before=before,
        after=state(),
        denied=denied,
    )


@pytest.mark.parametrize("persona", PERSONAS)
def test_a_question_on_a_pledge_one_may_not_see_is_not_found(
    client, sign_in, pledges, actor_a, asker, persona
):
    # No question is asked on a draft; were one there, it would be as hidden as the draft.
    question = QuestionFactory(pledge=pledges["draft"], addressed_to=actor_a, author=asker)
    sign_in(persona)
    sees_draft = persona in {
        "contributor_a",
        "focal_a",
        "focal_a_without_mfa",
        "focal_b",
        "moderator",
    }

    answered = outcome(client.post(answer_url(question), answer_data(question)))
    closed = outcome(client.post(close_url(question), {"reason": "Duplicate"}))

    if persona == "anonymous":
        assert (answered, closed) == ("login", "login")
    elif not sees_draft:
        assert answered == "404"
        assert closed == ("mfa" if persona == "moderator_without_mfa" else "404")
    else:
        assert answered in {"403", "409", "mfa"}  # the focal point of A: not on a draft
        assert closed in {"403", "done"}
    assert not Answer.objects.exists()


@pytest.mark.parametrize("persona", PERSONAS)
def test_an_answered_question_is_answered_once(
    client, sign_in, pledges, actor_a, focal_a, caplog, persona
):
    answer = AnswerFactory(question__pledge=pledges["published"], author=focal_a)
    question = answer.question
    sign_in(persona)
    before = state()
    expected = {**ANSWER, "focal_a": "409"}[persona]

    with denials(caplog) as denied:
        response = client.post(answer_url(question), answer_data(question))

    assert_cell(
        outcome(response), expected, method="post", before=before, after=state(), denied=denied
    )


@pytest.mark.parametrize("persona", PERSONAS)
@pytest.mark.parametrize("which", ["published", "withdrawn"])
def test_closing_permission_matrix(
    client, sign_in, pledges, actor_a, asker, caplog, persona, which
):
    question = QuestionFactory(pledge=pledges[which], addressed_to=actor_a, author=asker)
    sign_in(persona)
    before = state()

    with denials(caplog) as denied:
        response = client.post(close_url(question), {"reason": "Answered in the pledge itself."})

    assert_cell(
        outcome(response),
        CLOSE[persona],
        method="post",
        before=before,
        after=state(),
        denied=denied,
    )


@pytest.mark.parametrize("persona", PERSONAS)
def test_an_answered_question_is_not_closed(client, sign_in, pledges, focal_a, caplog, persona):
    question = AnswerFactory(question__pledge=pledges["published"], author=focal_a).question
    sign_in(persona)
    before = state()
    expected = {**CLOSE, "moderator": "409"}[persona]

    with denials(caplog) as denied:
        response = client.post(close_url(question), {"reason": "Too late."})

    assert_cell(
        outcome(response), expected, method="post", before=before, after=state(), denied=denied
    )


@pytest.mark.parametrize("kind", ["question", "answer"])
@pytest.mark.parametrize("persona", PERSONAS)
def test_hiding_permission_matrix(client, sign_in, pledges, focal_a, caplog, persona, kind):
    answer = AnswerFactory(question__pledge=pledges["published"], author=focal_a)
    item = answer if kind == "answer" else answer.question
    sign_in(persona)
    before = state()
    url = reverse("reviews:moderation-item", args=[kind, item.pk, "hide"])

    with denials(caplog) as denied:
        response = client.post(url, {"reason": "Personal data."})

    assert_cell(
        outcome(response),
        HIDE[persona],
        method="post",
        before=before,
        after=state(),
        denied=denied,
    )


@pytest.mark.parametrize("kind", ["question", "answer"])
@pytest.mark.parametrize("persona", PERSONAS)
def test_flagging_permission_matrix(client, sign_in, pledges, caplog, persona, kind):
    # Written by people none of the personas is, so that no one flags their own words.
    answer = AnswerFactory(question__pledge=pledges["published"])
    item = answer if kind == "answer" else answer.question
    sign_in(persona)
    before = state()

    with denials(caplog) as denied:
        response = client.post(
            reverse("reviews:flag", args=[kind, item.pk]), {"reason": Flag.Reason.OFF_TOPIC}
        )

    assert_cell(
        outcome(response),
        FLAG[persona],
        method="post",
        before=before,
        after=state(),
        denied=denied,
    )


def test_one_does_not_flag_ones_own_question(client, asker, pledges):
    question = QuestionFactory(pledge=pledges["published"], author=asker)
    client.force_login(asker)

    response = client.post(
        reverse("reviews:flag", args=["question", question.pk]), {"reason": Flag.Reason.SPAM}
    )

    assert response.status_code == 403
    assert not Flag.objects.exists()


def test_one_asks_for_an_organisation_one_acts_for_only(
    client, contributor_c, actor_c, actor_a, pledges
):
    client.force_login(contributor_c)
    other = ActorFactory(name="Not Mine")

    refused = client.post(ask_url(pledges["published"]), ask_data(actor_a, actor=other))
    asked = client.post(ask_url(pledges["published"]), ask_data(actor_a, actor=actor_c))

    assert refused.status_code == 400
    assert outcome(asked) == "done"
    assert Question.objects.get().actor == actor_c


def test_a_member_of_a_third_organisation_and_of_the_partner_asks_only_the_lead(
    client, contributor_c, actor_a, actor_b, pledges
):
    MembershipFactory(user=contributor_c, actor=actor_b)
    client.force_login(contributor_c)

    form = client.get(pledges["published"].get_absolute_url()).context["question_form"]

    assert [value for value, _ in form.fields["addressed_to"].choices] == [actor_a.pk]
    assert client.post(ask_url(pledges["published"]), ask_data(actor_b)).status_code == 403
    assert not Question.objects.exists()


def test_a_pending_or_declined_partner_is_not_asked(client, verified_user, actor_a, actor_b):
    pledge = PledgeFactory(lead=actor_a, kind=Pledge.Kind.JOINT, published=True)
    PledgePartnerFactory(pledge=pledge, actor=actor_b, status=PledgePartner.Status.PENDING)
    client.force_login(verified_user)

    form = client.get(pledge.get_absolute_url()).context["question_form"]

    assert [value for value, _ in form.fields["addressed_to"].choices] == [actor_a.pk]
    assert client.post(ask_url(pledge), ask_data(actor_b)).status_code == 400


# Asking, answering, editing, closing ----------------------------------------------------------


def test_a_question_is_asked_answered_and_its_response_time_recorded(
    client, verified_user, focal_a, actor_a, pledges, time_machine
):
    pledge = pledges["published"]
    time_machine.move_to(dt.datetime(2026, 3, 2, 9, 0, tzinfo=dt.UTC), tick=False)
    client.force_login(verified_user)
    response = client.post(ask_url(pledge), ask_data(actor_a, body="Which *provinces*?"))
    question = Question.objects.get()
    assert response["Location"] == question.get_absolute_url()
    assert (question.status, question.author, question.actor) == (A.OPEN, verified_user, None)
    assert question.body_html == "<p>Which <em>provinces</em>?</p>\n"
    assert question.language == "en"

    time_machine.shift(dt.timedelta(days=2, hours=5))
    client.force_login(focal_a)
    response = client.post(answer_url(question), answer_data(question, "The north first."))

    answer = Answer.objects.get()
    assert response["Location"] == answer.get_absolute_url()
    question.refresh_from_db()
    assert (question.status, question.answered_at) == (A.ANSWERED, answer.created_at)
    assert question.response_time == dt.timedelta(days=2, hours=5)
    assert (answer.author, answer.actor) == (focal_a, actor_a)
    page = client.get(pledge.get_absolute_url()).content.decode()
    assert "The north first." in page
    assert "after 2 days and 5 hours" in page


def test_the_focal_point_who_answered_corrects_the_answer_for_fifteen_minutes(
    client, focal_a, actor_a, pledges, time_machine
):
    time_machine.move_to(timezone.now(), tick=False)
    answer = AnswerFactory(question__pledge=pledges["published"], author=focal_a)
    client.force_login(focal_a)
    assert client.get(edit_url(answer)).status_code == 200

    response = client.post(edit_url(answer), {"body": "In *April*, in fact."})

    assert response["Location"] == answer.get_absolute_url()
    answer.refresh_from_db()
    assert (answer.body, answer.edited_at) == ("In *April*, in fact.", timezone.now())
    assert "<em>April</em>" in answer.body_html
    time_machine.shift(dt.timedelta(minutes=16))
    assert client.post(edit_url(answer), {"body": "Too late."}).status_code == 409
    answer.refresh_from_db()
    assert answer.body == "In *April*, in fact."


def test_another_focal_point_of_the_organisation_does_not_edit_the_answer(
    client, focal_a, actor_a, pledges
):
    answer = AnswerFactory(question__pledge=pledges["published"], author=focal_a)
    colleague = VerifiedUserFactory()
    MembershipFactory(user=colleague, actor=actor_a, role=Membership.Role.FOCAL_POINT)
    give_mfa(colleague)
    client.force_login(colleague)

    assert client.post(edit_url(answer), {"body": "Mine now."}).status_code == 403


def test_a_moderator_closes_an_open_question_with_a_public_reason(
    client, moderator, pledges, asker
):
    question = QuestionFactory(pledge=pledges["published"], author=asker)
    client.force_login(moderator)

    refused = client.post(close_url(question), {"reason": "  "})
    assert refused.status_code == 400
    response = client.post(close_url(question), {"reason": "Asked twice; see the other."})

    assert response["Location"] == question.get_absolute_url()
    question.refresh_from_db()
    assert (question.status, question.closed_reason, question.closed_by) == (
        A.CLOSED,
        "Asked twice; see the other.",
        moderator,
    )
    entry = ModerationLogEntry.objects.get()
    assert (entry.action, entry.moderator, entry.target_type, entry.target_id) == (
        ModerationLogEntry.Action.QUESTION_CLOSE,
        moderator,
        "question",
        question.pk,
    )
    client.logout()
    page = client.get(pledges["published"].get_absolute_url()).content.decode()
    assert "Asked twice; see the other." in page


def test_the_database_holds_a_question_to_its_states(pledges):
    question = QuestionFactory(pledge=pledges["published"])
    for changes in [
        {"status": A.ANSWERED},  # answered, but when?
        {"status": A.CLOSED, "closed_at": timezone.now()},  # closed without a reason
        {"status": A.CLOSED, "closed_reason": "Why not"},  # closed, but when?
        {"answered_at": timezone.now()},  # open, yet answered
        {"actor": question.addressed_to},  # an organisation asking itself
    ]:
        with pytest.raises(IntegrityError), transaction.atomic():
            Question.objects.filter(pk=question.pk).update(**changes)


def test_the_database_holds_one_answer_per_question(pledges):
    answer = AnswerFactory(question__pledge=pledges["published"])

    with pytest.raises(IntegrityError), transaction.atomic():
        Answer.objects.create(
            question=answer.question, author=answer.author, actor=answer.actor, body="Again"
        )


def test_a_refused_question_is_shown_again_with_its_errors_and_its_text(
    client, verified_user, actor_a, pledges
):
    client.force_login(verified_user)
    typed = "x" * 2001

    response = client.post(ask_url(pledges["published"]), ask_data(actor_a, body=typed))

    assert response.status_code == 400
    page = response.content.decode()
    assert "error-summary" in page
    assert typed in page
    assert not Question.objects.exists()


def test_a_refused_answer_is_shown_again_with_its_errors_and_its_text(
    client, focal_a, actor_a, pledges, asker
):
    question = QuestionFactory(pledge=pledges["published"], author=asker)
    client.force_login(focal_a)
    typed = "y" * 5001

    response = client.post(answer_url(question), answer_data(question, typed))

    assert response.status_code == 400
    assert typed in response.content.decode()
    assert not Answer.objects.exists()


def test_a_blocked_or_hurried_asker_is_refused_and_keeps_the_text(
    client, verified_user, actor_a, pledges, monkeypatch
):
    from reviews.services import questions as question_services

    monkeypatch.setattr(question_services, "QUESTION_RATE", (1, 600))
    client.force_login(verified_user)
    assert outcome(client.post(ask_url(pledges["published"]), ask_data(actor_a))) == "done"

    response = client.post(ask_url(pledges["published"]), ask_data(actor_a, body="And again?"))

    assert response.status_code == 429
    assert "And again?" in response.content.decode()
    assert Question.objects.count() == 1


# What the pledge page shows -------------------------------------------------------------------


def test_the_page_shows_each_question_with_its_state(client, pledges, focal_a):
    pledge = pledges["published"]
    now = timezone.now()
    with time_machine.travel(now - dt.timedelta(days=40, hours=1), tick=False):
        QuestionFactory(pledge=pledge, body="Still open?")
    QuestionFactory(
        pledge=pledge,
        body="Closed one?",
        status=A.CLOSED,
        closed_reason="Off topic.",
        closed_at=now,
    )
    AnswerFactory(question__pledge=pledge, question__body="Answered one?", body="Yes, done.")

    page = client.get(pledge.get_absolute_url()).content.decode()

    assert "Questions (3)" in page
    assert "Open for 40 days" in page
    assert "Off topic." in page
    assert "Yes, done." in page
    assert "Sign in</a> to ask" in page


def test_the_forms_show_to_those_who_may_use_them(
    client, pledges, actor_a, focal_a, focal_a_without_mfa, contributor_a, verified_user, moderator
):
    pledge = pledges["published"]
    question = QuestionFactory(pledge=pledge)

    def context(user):
        client.force_login(user)
        response = client.get(pledge.get_absolute_url())
        return response.context, response.content.decode()

    ctx, page = context(verified_user)
    assert ctx["question_form"] is not None
    assert ctx["questions"][0].answer_form is None
    assert 'action="' + ask_url(pledge) + '"' in page
    ctx, page = context(contributor_a)
    assert ctx["question_form"] is not None  # A's member asks B, the partner
    assert [v for v, _ in ctx["question_form"].fields["addressed_to"].choices] == [
        pledges["published"].partnerships.get().actor_id
    ]
    assert ctx["questions"][0].answer_form is None
    ctx, page = context(focal_a)
    assert ctx["questions"][0].answer_form is not None
    assert 'action="' + answer_url(question) + '"' in page
    ctx, page = context(focal_a_without_mfa)
    assert ctx["questions"][0].answer_form is None
    assert reverse("mfa_activate_totp") in page
    ctx, page = context(moderator)
    assert ctx["questions"][0].can_close
    assert 'action="' + close_url(question) + '"' in page


def test_no_question_form_where_there_is_no_one_to_ask(client, contributor_a, actor_a):
    pledge = PledgeFactory(lead=actor_a, published=True)
    client.force_login(contributor_a)

    response = client.get(pledge.get_absolute_url())

    assert response.context["question_form"] is None
    assert "question-form" not in response.content.decode()


def test_a_question_is_inert_html(client, verified_user, actor_a, pledges):
    client.force_login(verified_user)
    client.post(
        ask_url(pledges["published"]),
        ask_data(actor_a, body="<script>alert(1)</script> [x](javascript:alert(2))"),
    )

    page = client.get(pledges["published"].get_absolute_url()).content.decode()

    assert "<script>alert(1)" not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page
    assert 'href="javascript:' not in page


# Moderation as for comments -------------------------------------------------------------------


@pytest.mark.parametrize("kind", ["question", "answer"])
def test_three_flags_hide_an_item_pending_review_and_tell_the_moderators(
    client, pledges, moderator, kind
):
    answer = AnswerFactory(question__pledge=pledges["published"])
    item = answer if kind == "answer" else answer.question
    for user in VerifiedUserFactory.create_batch(AUTO_HIDE_FLAGS):
        services.flag_create(user=user, reason=Flag.Reason.SPAM, **{kind: item})

    item.refresh_from_db()
    assert (item.is_hidden, item.auto_hidden) == (True, True)
    entry = ModerationLogEntry.objects.get()
    assert entry.action == f"{kind}-auto-hide"
    assert entry.moderator is None
    assert Notification.objects.filter(user=moderator, kind=Kind.MODERATOR_ALERT).count() == 1
    assert Notification.objects.filter(user=item.author, kind=Kind.MODERATION).count() == 1
    client.force_login(moderator)
    queue = client.get(reverse("reviews:moderation"))
    assert queue.context[f"flagged_{kind}s"] == [item]
    assert queue.context["counts"]["questions"] == 1
    assert f'id="{kind}-{item.pk}"' in queue.content.decode()


@pytest.mark.parametrize("kind", ["question", "answer"])
def test_a_moderator_hides_and_restores_an_item_and_the_log_says_so(
    client, pledges, moderator, kind
):
    answer = AnswerFactory(question__pledge=pledges["published"])
    item = answer if kind == "answer" else answer.question
    client.force_login(moderator)

    client.post(reverse("reviews:moderation-item", args=[kind, item.pk, "hide"]), {"reason": "X"})
    item.refresh_from_db()
    assert (item.is_hidden, item.hidden_reason) == (True, "X")
    hidden = client.get(reverse("reviews:moderation-hidden") + f"?kind={kind}")
    assert list(hidden.context["page"]) == [item]
    client.post(reverse("reviews:moderation-item", args=[kind, item.pk, "restore"]))
    item.refresh_from_db()

    assert not item.is_hidden
    assert list(ModerationLogEntry.objects.order_by("pk").values_list("action", flat=True)) == [
        f"{kind}-hide",
        f"{kind}-restore",
    ]
    assert Notification.objects.filter(user=item.author, kind=Kind.MODERATION).count() == 2


def test_what_notifications_quote_follows_a_hidden_question_and_its_answer(
    client, pledges, focal_a, actor_a, verified_user, moderator
):
    client.force_login(verified_user)
    client.post(ask_url(pledges["published"]), ask_data(actor_a, body="Private words?"))
    question = Question.objects.get()
    client.force_login(focal_a)
    client.post(answer_url(question), answer_data(question, "Private answer."))
    assert Notification.objects.filter(body="Private words?").exists()
    assert Notification.objects.filter(body="Private answer.").exists()

    services.item_hide(item=question, moderator=moderator, reason="Personal data")

    assert not Notification.objects.filter(body__contains="Private").exists()
    assert Notification.objects.filter(body="This question was removed by a moderator.").exists()
    assert Notification.objects.filter(body="This answer was removed by a moderator.").exists()


# Hidden is gone for everyone but those who oversee --------------------------------------------


@pytest.fixture
def hidden_world(pledges, actor_a, focal_a):
    pledge = pledges["published"]
    QuestionFactory(pledge=pledge, body="A shown question")
    QuestionFactory(pledge=pledge, body="secret-question", is_hidden=True, hidden_reason="Spam")
    AnswerFactory(
        question__pledge=pledge,
        question__body="A question whose answer is hidden",
        body="secret-answer",
        is_hidden=True,
        hidden_reason="Rude",
        author=focal_a,
    )
    AnswerFactory(
        question__pledge=pledge,
        question__body="secret-question-with-answer",
        question__is_hidden=True,
        body="secret-answer-to-hidden",
        author=focal_a,
    )
    # On a draft (which cannot gain one: made here directly), nothing is public either.
    QuestionFactory(pledge=pledges["draft"], body="secret-on-draft")
    return pledge


@pytest.mark.parametrize(
    "persona", ["anonymous", "verified_user", "focal_a", "moderator_without_mfa"]
)
def test_hidden_questions_and_answers_are_gone_from_the_page(
    client, sign_in, hidden_world, persona
):
    sign_in(persona)

    page = client.get(hidden_world.get_absolute_url()).content.decode()

    assert "A shown question" in page
    assert "A question whose answer is hidden" in page
    assert "The answer was hidden by the moderators." in page
    assert "secret" not in page
    assert "Questions (2)" in page


def test_those_who_oversee_see_hidden_questions_marked(client, moderator, hidden_world):
    client.force_login(moderator)

    page = client.get(hidden_world.get_absolute_url()).content.decode()

    assert "secret-question" in page and "secret-answer" in page
    assert "Questions (4)" in page
    assert page.count("comment-hidden") == 3


def test_hidden_questions_and_answers_are_gone_from_the_api(client, hidden_world):
    rows = client.get("/api/v1/questions/").json()["results"]

    assert sorted(row["body"] for row in rows) == [
        "A question whose answer is hidden",
        "A shown question",
    ]
    assert all(row["answer"] is None for row in rows)


@pytest.mark.parametrize("fmt", ["csv", "json", "xlsx"])
def test_hidden_questions_and_answers_are_gone_from_the_export(client, hidden_world, fmt):
    _header, rows = records(fmt, download(client, "questions", fmt)[1])

    assert sorted(row["body"] for row in rows) == [
        "A question whose answer is hidden",
        "A shown question",
    ]
    assert all(row["answer"] in ("", None) for row in rows)
    assert all(row["response_seconds"] in ("", None) for row in rows)


def test_hidden_questions_and_answers_are_gone_from_the_counts(hidden_world, actor_a):
    figures = responsiveness([actor_a.pk])[actor_a.pk]

    assert (figures.received, figures.answered, figures.median_time_to_answer) == (2, 0, None)


# The export ----------------------------------------------------------------------------------


@pytest.fixture
def exported(pledges, actor_a, actor_b, actor_c, focal_a, moderator):
    published = pledges["published"]
    asked = dt.datetime(2026, 2, 1, 10, 0, 0, 500000, tzinfo=dt.UTC)
    with time_machine.travel(asked, tick=False):
        answered = QuestionFactory(
            pledge=published, actor=actor_c, body='=HYPERLINK("http://x") ¿cuándo?'
        )
        closed = QuestionFactory(pledge=pledges["withdrawn"], addressed_to=actor_a)
        still_open = QuestionFactory(pledge=published, addressed_to=actor_b, body="Open, ours?")
    with time_machine.travel(asked + dt.timedelta(hours=26, seconds=30), tick=False):
        services.question_answer(question=answered, user=focal_a, body="+In March, yes.")
        services.question_close(question=closed, moderator=moderator, reason="Off topic.")
    return {"answered": answered, "closed": closed, "open": still_open}


@pytest.mark.parametrize("fmt", ["csv", "json", "xlsx"])
def test_the_questions_export_holds_each_public_question_with_its_answer_and_time(
    client, exported, fmt
):
    header, rows = records(fmt, download(client, "questions", fmt)[1])

    assert header == [c.name for c in columns_of("questions")]
    by_id = {int(row["id"]): row for row in rows}
    assert sorted(by_id) == sorted(q.pk for q in exported.values())
    answered, closed = by_id[exported["answered"].pk], by_id[exported["closed"].pk]
    assert int(answered["response_seconds"]) == 26 * 3600 + 30
    assert (answered["status"], answered["actor_name"]) == ("answered", "Organisation C")
    assert answered["addressed_to_name"] == "Organisation A"
    assert answered["created_at"] == "2026-02-01T10:00:00.500000+00:00"
    if fmt == "json":
        assert answered["body"].startswith("=HYPERLINK")
        assert answered["answer"] == "+In March, yes."
    else:  # a spreadsheet does not run it
        assert answered["body"].startswith("'=HYPERLINK")
        assert answered["answer"] == "'+In March, yes."
    assert (closed["status"], closed["closed_reason"]) == ("closed", "Off topic.")
    assert closed["response_seconds"] in ("", None)
    assert by_id[exported["open"].pk]["answer"] in ("", None)


def test_the_questions_export_takes_the_lists_filters(client, exported, actor_b):
    def exported_ids(query):
        return {
            int(r["id"]) for r in records("csv", download(client, "questions", "csv", query)[1])[1]
        }

    assert exported_ids({"status": "answered"}) == {exported["answered"].pk}
    assert exported_ids({"addressed_to": actor_b.pk}) == {exported["open"].pk}
    assert exported_ids({"pledge": exported["closed"].pledge_id}) == {exported["closed"].pk}
    refused = client.get(reverse("reviews:export", args=["questions", "csv"]), {"status": "x"})
    assert refused.status_code == 400


def test_the_questions_json_export_validates_against_its_schema(client, exported):
    schema = client.get(reverse("reviews:export-schema", args=["questions"])).json()
    Draft202012Validator.check_schema(schema)
    rows = json.loads(download(client, "questions", "json")[1])

    validator = Draft202012Validator(schema, format_checker=Draft202012Validator.FORMAT_CHECKER)
    assert [error.message for error in validator.iter_errors(rows)] == []
    assert "null" in schema["items"]["properties"]["response_seconds"]["type"]
    assert schema["items"]["properties"]["answer"]["type"] == "string"


# Who is told ---------------------------------------------------------------------------------


def test_a_new_question_reaches_the_focal_points_of_the_organisation_asked_once(
    client,
    verified_user,
    actor_a,
    actor_b,
    focal_a,
    focal_a_without_mfa,
    focal_b,
    contributor_a,
    pledges,
):
    client.force_login(verified_user)
    mail.outbox.clear()

    client.post(ask_url(pledges["published"]), ask_data(actor_a))

    told = Notification.objects.filter(kind=Kind.QUESTION)
    assert sorted(told.values_list("user", flat=True)) == sorted(
        [focal_a.pk, focal_a_without_mfa.pk]
    )
    assert sorted(m.to[0] for m in mail.outbox) == sorted(
        [focal_a.email, focal_a_without_mfa.email]
    )
    assert told.first().url == Question.objects.get().get_absolute_url()
    assert not Notification.objects.exclude(kind=Kind.QUESTION).exists()


def test_a_question_to_the_partner_reaches_its_focal_points_only(
    client, verified_user, actor_b, focal_a, focal_b, pledges
):
    client.force_login(verified_user)

    client.post(ask_url(pledges["published"]), ask_data(actor_b))

    assert list(Notification.objects.values_list("user", flat=True)) == [focal_b.pk]


def test_the_answer_and_the_closing_reach_the_asker_once(
    client, asker, focal_a, moderator, pledges
):
    answered = QuestionFactory(pledge=pledges["published"], author=asker)
    closed = QuestionFactory(pledge=pledges["published"], author=asker)
    client.force_login(focal_a)
    client.post(answer_url(answered), answer_data(answered))
    client.force_login(moderator)
    client.post(close_url(closed), {"reason": "Answered above."})

    told = Notification.objects.filter(kind=Kind.QUESTION_OUTCOME)
    assert list(told.values_list("user", flat=True)) == [asker.pk, asker.pk]
    assert sorted(n.url for n in told) == sorted(
        [Answer.objects.get().get_absolute_url(), closed.get_absolute_url()]
    )
    assert Notification.objects.count() == 2


# Responsiveness ------------------------------------------------------------------------------


def test_responsiveness_is_a_plain_count_and_median_of_the_public_questions(
    pledges, actor_a, actor_b, focal_a, focal_b, moderator
):
    start = dt.datetime(2026, 1, 5, 8, 0, tzinfo=dt.UTC)
    published, withdrawn = pledges["published"], pledges["withdrawn"]
    asked = []

    def ask(days, actor, pledge=published, **fields):
        with time_machine.travel(start + dt.timedelta(days=days), tick=False):
            question = QuestionFactory(pledge=pledge, addressed_to=actor, **fields)
        asked.append(question)
        return question

    def answer(question, after, by):
        with time_machine.travel(question.created_at + after, tick=False):
            services.question_answer(question=question, user=by, body="Our answer.")

    answer(ask(0, actor_a), dt.timedelta(hours=5), focal_a)
    answer(ask(1, actor_a), dt.timedelta(days=3, hours=2), focal_a)
    answer(ask(2, actor_a, pledge=withdrawn), dt.timedelta(days=10), focal_a)
    answer(ask(3, actor_a), dt.timedelta(hours=30), focal_a)
    answer(ask(4, actor_b), dt.timedelta(hours=1), focal_b)
    ask(5, actor_a)  # open for long
    ask(6, actor_b)  # open for long
    ask(50, actor_a)  # open, recent
    closed = ask(7, actor_a)
    services.question_close(question=closed, moderator=moderator, reason="Duplicate.")
    hidden = ask(8, actor_a)
    answer(hidden, dt.timedelta(hours=2), focal_a)
    services.item_hide(item=hidden, moderator=moderator, reason="Spam")
    withheld = ask(9, actor_a)
    answer(withheld, dt.timedelta(hours=3), focal_a)
    services.item_hide(item=Answer.objects.get(question=withheld), moderator=moderator, reason="X")
    QuestionFactory(pledge=pledges["draft"], addressed_to=actor_a)  # not public
    now = start + dt.timedelta(days=60)

    figures = responsiveness([actor_a.pk, actor_b.pk, ActorFactory().pk], now=now)

    def expected(actor):
        public = [
            q
            for q in Question.objects.filter(addressed_to=actor).select_related("pledge")
            if not q.is_hidden and q.pledge.status in (Pledge.Status.PUBLISHED, "withdrawn")
        ]
        answered = [
            q
            for q in public
            if q.status == A.ANSWERED and not Answer.objects.get(question=q).is_hidden
        ]
        times = [q.answered_at - q.created_at for q in answered]
        late = [
            q for q in public if q.status == A.OPEN and now - q.created_at > dt.timedelta(days=30)
        ]
        return (
            len(public),
            len(answered),
            statistics.median(times) if times else None,
            len(late),
        )

    for actor in (actor_a, actor_b):
        got = figures[actor.pk]
        assert (got.received, got.answered, got.median_time_to_answer, got.open_too_long) == (
            expected(actor)
        )
    assert (figures[actor_a.pk].received, figures[actor_a.pk].answered) == (8, 4)
    # The median of 5 h, 30 h, 3 days 2 h and 10 days: halfway between 30 h and 74 h.
    assert figures[actor_a.pk].median_time_to_answer == dt.timedelta(hours=52)
    assert figures[actor_a.pk].open_too_long == 1
    assert list(figures)[-1] not in (actor_a.pk, actor_b.pk)
    assert figures[list(figures)[-1]].received == 0


def test_the_actor_page_shows_its_responsiveness(client, pledges, actor_a, focal_a):
    with time_machine.travel(timezone.now() - dt.timedelta(hours=30), tick=False):
        question = QuestionFactory(pledge=pledges["published"], addressed_to=actor_a)
    services.question_answer(question=question, user=focal_a, body="Here.")
    QuestionFactory(pledge=pledges["published"], addressed_to=actor_a)

    response = client.get(reverse("actors:actor-detail", args=[actor_a.slug]))

    page = response.content.decode()
    assert "Responsiveness to questions" in page
    assert "<dt>Questions received</dt><dd>2</dd>" in page
    assert "<dt>Answered</dt><dd>1</dd>" in page
    assert "<dt>Median time to answer</dt><dd>1 day and 6 hours</dd>" in page


# Query counts --------------------------------------------------------------------------------


def _questions(pledge, count, actor, focal):
    for n in range(count):
        question = QuestionFactory(pledge=pledge, addressed_to=actor, actor=ActorFactory())
        if n % 2:
            AnswerFactory(question=question, author=focal, actor=actor)


@pytest.mark.parametrize("persona", ["anonymous", "verified_user", "focal_a", "moderator"])
def test_the_pledge_page_reads_its_questions_in_one_query_whatever_their_number(
    client, sign_in, pledges, actor_a, focal_a, persona, django_assert_max_num_queries
):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    pledge = pledges["published"]
    sign_in(persona)
    _questions(pledge, 2, actor_a, focal_a)
    cache.clear()
    with CaptureQueriesContext(connection) as few:
        assert client.get(pledge.get_absolute_url()).status_code == 200
    _questions(pledge, 20, actor_a, focal_a)
    cache.clear()

    with CaptureQueriesContext(connection) as many:
        response = client.get(pledge.get_absolute_url())

    assert len(response.context["questions"]) == 22
    assert len(many) == len(few)
    assert sum("reviews_question" in q["sql"] for q in many.captured_queries) == 1


def test_the_actor_page_reads_responsiveness_in_one_query_whatever_the_questions(
    client, pledges, actor_a, focal_a
):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    url = reverse("actors:actor-detail", args=[actor_a.slug])
    _questions(pledges["published"], 2, actor_a, focal_a)
    cache.clear()
    with CaptureQueriesContext(connection) as few:
        client.get(url)
    _questions(pledges["published"], 20, actor_a, focal_a)
    cache.clear()

    with CaptureQueriesContext(connection) as many:
        client.get(url)

    assert len(many) == len(few)
    assert sum("reviews_question" in q["sql"] for q in many.captured_queries) == 1
