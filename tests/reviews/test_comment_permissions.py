"""Every persona × every action of the conversation and its moderation, with exact outcomes.

Outcomes as in tests/actors/test_permissions_matrix.py: "200"/"403"/"404" are statuses; "login"
and "mfa" are redirects to the sign-in page and to the MFA set-up page; "done" is the redirect
that follows a successful action. Besides the usual personas, "author" wrote the comments acted
on and "blocked" was stopped from posting by a moderator. Signing in is enough to comment and
flag; only the author edits or deletes; a hidden comment does not exist for anyone but the
moderators; the moderation actions need a moderator (or administrator) with MFA, and nobody
else can tell they exist.
"""

import pytest
from django.urls import reverse
from django.utils import timezone

from actors.models import User
from reviews.models import Comment, Flag, ModerationLogEntry
from tests.conftest import PERSONAS
from tests.factories import (
    CommentFactory,
    FlagFactory,
    PledgeFactory,
    ProgressUpdateFactory,
    VerifiedUserFactory,
)
from tests.matrix import assert_cell, denials, done_when, make_table, outcome

pytestmark = pytest.mark.django_db

ALL = [*PERSONAS, "author", "blocked"]


table = make_table(ALL)


POST = table(
    anonymous="login",
    verified_user="done",
    contributor_a="done",
    focal_a="done",
    focal_a_without_mfa="done",
    focal_b="done",
    moderator="done",
    moderator_without_mfa="done",
    administrator="done",
    administrator_without_mfa="done",
    author="done",
    blocked="403",
)
# One does not flag one's own words.
FLAG = {**POST, "author": "403"}
FLAG_PAGE = {persona: "200" if outcome == "done" else outcome for persona, outcome in FLAG.items()}
AUTHOR_PAGE = table(
    anonymous="login",
    verified_user="403",
    contributor_a="403",
    focal_a="403",
    focal_a_without_mfa="403",
    focal_b="403",
    moderator="403",
    moderator_without_mfa="403",
    administrator="403",
    administrator_without_mfa="403",
    author="200",
    blocked="403",
)
AUTHOR_POST = done_when(AUTHOR_PAGE)
HIDDEN_AUTHOR = table(
    anonymous="login",
    verified_user="404",
    contributor_a="404",
    focal_a="404",
    focal_a_without_mfa="404",
    focal_b="404",
    # Moderators may see a hidden comment, but even they cannot change someone else's words;
    # without their second factor they cannot even tell it exists.
    moderator="403",
    moderator_without_mfa="404",
    administrator="403",
    administrator_without_mfa="404",
    author="404",  # hidden from its author too, until a moderator restores it
    blocked="404",
)
MODERATE_PAGE = table(
    anonymous="login",
    verified_user="404",
    contributor_a="404",
    focal_a="404",
    focal_a_without_mfa="404",
    focal_b="404",
    moderator="200",
    moderator_without_mfa="mfa",
    administrator="200",
    administrator_without_mfa="mfa",
    author="404",
    blocked="404",
)
MODERATE = done_when(MODERATE_PAGE)


@pytest.fixture
def author(db):
    return VerifiedUserFactory(display_name="Aut Hor")


@pytest.fixture
def blocked(db):
    return VerifiedUserFactory(display_name="Blo Cked", posting_blocked_at=timezone.now())


@pytest.fixture
def world(actor_a, author, blocked):
    pledge = PledgeFactory(lead=actor_a, published=True, title="A's published pledge")
    update = ProgressUpdateFactory(pledge=pledge)
    flagged = CommentFactory(pledge=pledge, author=author, body="Flagged once.")
    FlagFactory(comment=flagged)
    return {
        "pledge": pledge,
        "update": update,
        "comment": CommentFactory(pledge=pledge, author=author, body="The author's words."),
        "hidden": CommentFactory(
            pledge=pledge, author=author, body="Hidden words.", is_hidden=True, hidden_reason="Spam"
        ),
        "flagged": flagged,
        "troll": VerifiedUserFactory(display_name="Tro Ll"),
        "blocked": blocked,
    }


def _item(kind, item, action):
    return reverse("reviews:moderation-item", args=[kind, item.pk, action])


def _actions(world):
    pledge, comment, hidden = world["pledge"], world["comment"], world["hidden"]
    flagged, update = world["flagged"], world["update"]
    post = {"target": "pledge", "target_id": pledge.pk, "body": "Well said."}
    edit, delete = "reviews:comment-edit", "reviews:comment-delete"
    why = {"reason": "Breaks the rules."}
    return {
        "post": ("post", reverse("reviews:comment-create"), post, POST),
        "edit-page": ("get", reverse(edit, args=[comment.pk]), {}, AUTHOR_PAGE),
        "edit-save": ("post", reverse(edit, args=[comment.pk]), {"body": "Fixed"}, AUTHOR_POST),
        "delete": ("post", reverse(delete, args=[comment.pk]), {}, AUTHOR_POST),
        "edit-hidden": ("get", reverse(edit, args=[hidden.pk]), {}, HIDDEN_AUTHOR),
        "delete-hidden": ("post", reverse(delete, args=[hidden.pk]), {}, HIDDEN_AUTHOR),
        "flag-page": ("get", reverse("reviews:flag", args=["comment", comment.pk]), {}, FLAG_PAGE),
        "flag-comment": (
            "post",
            reverse("reviews:flag", args=["comment", comment.pk]),
            {"reason": "spam"},
            FLAG,
        ),
        "flag-update": (
            "post",
            reverse("reviews:flag", args=["update", update.pk]),
            {"reason": "off-topic"},
            POST,
        ),
        "hide": ("post", _item("comment", comment, "hide"), why, MODERATE),
        "hide-update": ("post", _item("update", update, "hide"), why, MODERATE),
        "restore": ("post", _item("comment", hidden, "restore"), {}, MODERATE),
        "dismiss": ("post", _item("comment", flagged, "dismiss"), {}, MODERATE),
        "block": (
            "post",
            reverse("reviews:moderation-user", args=[world["troll"].pk, "block"]),
            why,
            MODERATE,
        ),
        "unblock": (
            "post",
            reverse("reviews:moderation-user", args=[world["blocked"].pk, "unblock"]),
            {},
            MODERATE,
        ),
        "bulk": (
            "post",
            reverse("reviews:moderation-bulk"),
            {"action": "hide", "reason": "Spam", "comment": [comment.pk, flagged.pk]},
            MODERATE,
        ),
        "queue": ("get", reverse("reviews:moderation"), {}, MODERATE_PAGE),
        "log": ("get", reverse("reviews:moderation-log"), {}, MODERATE_PAGE),
    }


ACTION_NAMES = [
    "post",
    "edit-page",
    "edit-save",
    "delete",
    "edit-hidden",
    "delete-hidden",
    "flag-page",
    "flag-comment",
    "flag-update",
    "hide",
    "hide-update",
    "restore",
    "dismiss",
    "block",
    "unblock",
    "bulk",
    "queue",
    "log",
]


def state():
    """Everything an action of the conversation could change."""
    return (
        tuple(
            Comment.objects.order_by("pk").values_list(
                "pk", "body", "is_hidden", "hidden_reason", "deleted_at"
            )
        ),
        tuple(Flag.objects.order_by("pk").values_list("pk", "dismissed_at")),
        tuple(User.objects.order_by("pk").values_list("pk", "posting_blocked_at")),
        ModerationLogEntry.objects.count(),
    )


@pytest.fixture
def sign_in(as_persona, client, request):
    def sign_in(persona):
        if persona in {"author", "blocked"}:
            client.force_login(request.getfixturevalue(persona))
        else:
            as_persona(persona)

    return sign_in


@pytest.mark.parametrize("persona", ALL)
@pytest.mark.parametrize("action", ACTION_NAMES)
def test_conversation_permission_matrix(client, sign_in, world, caplog, persona, action):
    sign_in(persona)
    method, url, data, expected = _actions(world)[action]
    before = state()

    with denials(caplog) as denied:
        response = getattr(client, method)(url, data)

    assert_cell(
        outcome(response),
        expected[persona],
        method=method,
        before=before,
        after=state(),
        denied=denied,
    )


@pytest.mark.parametrize("persona", ["verified_user", "moderator_without_mfa", "author"])
def test_a_hidden_comment_cannot_be_flagged_or_read_by_non_moderators(
    client, sign_in, world, persona
):
    sign_in(persona)
    flag_url = reverse("reviews:flag", args=["comment", world["hidden"].pk])

    page = client.get(world["pledge"].get_absolute_url()).content.decode()

    assert "Hidden words." not in page
    assert client.get(flag_url).status_code == 404
    assert client.post(flag_url, {"reason": "spam"}).status_code == 404
    assert not Flag.objects.filter(comment=world["hidden"]).exists()


@pytest.mark.parametrize("persona", ["verified_user", "moderator_without_mfa", "author"])
def test_a_reply_under_a_hidden_comment_is_hidden_with_its_thread(client, sign_in, world, persona):
    reply = CommentFactory(
        pledge=world["pledge"], parent=world["hidden"], body="Words under the hidden ones."
    )
    sign_in(persona)
    flag_url = reverse("reviews:flag", args=["comment", reply.pk])

    assert client.get(flag_url).status_code == 404
    assert client.post(flag_url, {"reason": "spam"}).status_code == 404
    assert client.get(reverse("reviews:comment-edit", args=[reply.pk])).status_code in (302, 404)
    assert not Flag.objects.filter(comment=reply).exists()


def test_a_moderator_reads_the_reply_under_a_hidden_comment_on_its_flag_page(
    client, moderator, world
):
    reply = CommentFactory(pledge=world["pledge"], parent=world["hidden"], body="Under it.")
    client.force_login(moderator)

    response = client.get(reverse("reviews:flag", args=["comment", reply.pk]))

    assert response.status_code == 200
    assert "Under it." in response.content.decode()


def test_the_flag_form_preselects_no_reason(client, verified_user, world):
    client.force_login(verified_user)

    page = client.get(reverse("reviews:flag", args=["comment", world["comment"].pk]))

    assert page.status_code == 200
    html = page.content.decode()
    assert "checked" not in html.split('name="reason"', 1)[1].split("</fieldset>", 1)[0]
    assert "---------" not in html


def test_a_hidden_progress_update_cannot_be_flagged(client, verified_user, world):
    update = world["update"]
    update.is_hidden = True
    update.save()
    client.force_login(verified_user)

    response = client.post(reverse("reviews:flag", args=["update", update.pk]), {"reason": "spam"})

    assert response.status_code == 404
    assert not Flag.objects.filter(progress_update=update).exists()


def test_comments_on_a_draft_cannot_be_reached_through_their_urls(client, verified_user, author):
    # A comment left from before the pledge went back to draft (none can be posted now).
    comment = CommentFactory(pledge=PledgeFactory(title="Someone's draft"), author=author)
    client.force_login(verified_user)

    assert client.get(reverse("reviews:flag", args=["comment", comment.pk])).status_code == 404
    client.force_login(author)
    assert client.get(reverse("reviews:comment-edit", args=[comment.pk])).status_code == 404


@pytest.mark.parametrize("kind,pk", [("comment", 987654), ("update", 987654)])
def test_moderating_an_unknown_item_is_a_404(client, moderator, kind, pk):
    client.force_login(moderator)

    response = client.post(
        reverse("reviews:moderation-item", args=[kind, pk, "hide"]), {"reason": "x"}
    )

    assert response.status_code == 404
    assert ModerationLogEntry.objects.count() == 0
