"""The moderation log as the moderators use it: every moderation action writes exactly one entry,
and the log page lists, filters and searches them."""

import pytest
from django.urls import reverse
from django.utils import timezone

from reviews import services
from reviews.models import ModerationLogEntry, Pledge
from tests.factories import (
    CommentFactory,
    FlagFactory,
    PledgeFactory,
    ProgressUpdateFactory,
    VerifiedUserFactory,
)

pytestmark = pytest.mark.django_db

Action = ModerationLogEntry.Action
LOG = reverse("reviews:moderation-log")


# One entry per action -------------------------------------------------------------------------


@pytest.fixture
def stage(actor_a, moderator):
    """Something for every moderation action to act on."""
    author = VerifiedUserFactory(display_name="Aut Hor")
    pledge = PledgeFactory(lead=actor_a, published=True, title="Seasonal pathways")
    update = ProgressUpdateFactory(pledge=pledge, author=author)
    comment = CommentFactory(pledge=pledge, author=author)
    FlagFactory(comment=comment)
    FlagFactory(comment=None, progress_update=update)
    hidden = CommentFactory(pledge=pledge, author=author, is_hidden=True, hidden_at=timezone.now())
    hidden_update = ProgressUpdateFactory(pledge=pledge, is_hidden=True)
    blocked = VerifiedUserFactory(display_name="Blo Cked", posting_blocked_at=timezone.now())
    return {
        "author": author,
        "pledge": pledge,
        "update": update,
        "comment": comment,
        "hidden": hidden,
        "hidden_update": hidden_update,
        "blocked": blocked,
        "submitted": PledgeFactory(lead=actor_a, submitted=True, title="Waiting for review"),
    }


def _item(kind, item, action):
    return reverse("reviews:moderation-item", args=[kind, item.pk, action])


def _step(pledge, step):
    return reverse("reviews:pledge-transition", args=[pledge.pk, step])


WHY = "Because of the rules."
# action: (url and data, expected log action, target key, target type, reason logged)
ACTIONS = {
    "hide-comment": (
        lambda s: (_item("comment", s["comment"], "hide"), {"reason": WHY}),
        Action.COMMENT_HIDE,
        "comment",
        "comment",
        WHY,
    ),
    "restore-comment": (
        lambda s: (_item("comment", s["hidden"], "restore"), {"reason": WHY}),
        Action.COMMENT_RESTORE,
        "hidden",
        "comment",
        WHY,
    ),
    "dismiss-comment": (
        lambda s: (_item("comment", s["comment"], "dismiss"), {}),
        Action.FLAGS_DISMISS,
        "comment",
        "comment",
        "",
    ),
    "hide-update": (
        lambda s: (_item("update", s["update"], "hide"), {"reason": WHY}),
        Action.UPDATE_HIDE,
        "update",
        "progressupdate",
        WHY,
    ),
    "restore-update": (
        lambda s: (_item("update", s["hidden_update"], "restore"), {}),
        Action.UPDATE_RESTORE,
        "hidden_update",
        "progressupdate",
        "",
    ),
    "dismiss-update": (
        lambda s: (_item("update", s["update"], "dismiss"), {"reason": WHY}),
        Action.FLAGS_DISMISS,
        "update",
        "progressupdate",
        WHY,
    ),
    "block": (
        lambda s: (
            reverse("reviews:moderation-user", args=[s["author"].pk, "block"]),
            {"reason": WHY},
        ),
        Action.USER_BLOCK,
        "author",
        "user",
        WHY,
    ),
    "unblock": (
        lambda s: (reverse("reviews:moderation-user", args=[s["blocked"].pk, "unblock"]), {}),
        Action.USER_UNBLOCK,
        "blocked",
        "user",
        "",
    ),
    "publish": (
        lambda s: (_step(s["submitted"], "publish"), {}),
        Action.PLEDGE_PUBLISH,
        "submitted",
        "pledge",
        "",
    ),
    "return": (
        lambda s: (_step(s["submitted"], "return"), {"reason": WHY}),
        Action.PLEDGE_RETURN,
        "submitted",
        "pledge",
        WHY,
    ),
    "reject": (
        lambda s: (_step(s["submitted"], "reject"), {"reason": WHY}),
        Action.PLEDGE_REJECT,
        "submitted",
        "pledge",
        WHY,
    ),
}


@pytest.mark.parametrize("name", list(ACTIONS))
def test_every_moderation_action_writes_exactly_one_entry(client, moderator, stage, name):
    request, action, key, target_type, reason = ACTIONS[name]
    url, data = request(stage)
    client.force_login(moderator)

    response = client.post(url, data)

    assert response.status_code == 302
    [entry] = ModerationLogEntry.objects.all()
    target = stage[key]
    target.refresh_from_db()
    assert entry.moderator == moderator
    assert entry.action == action
    assert (entry.target_type, entry.target_id, entry.target_label) == (
        target_type,
        target.pk,
        str(target),
    )
    assert entry.reason == reason
    if name in {"publish", "return", "reject"}:
        assert stage["submitted"].status != Pledge.Status.SUBMITTED


@pytest.mark.parametrize("kind", ["comment", "update"])
def test_the_third_flag_writes_one_entry_by_the_portal(client, stage, kind):
    item = stage["comment"] if kind == "comment" else stage["update"]
    for user in [VerifiedUserFactory() for _ in range(2)]:
        client.force_login(user)
        client.post(reverse("reviews:flag", args=[kind, item.pk]), {"reason": "spam"})

    [entry] = ModerationLogEntry.objects.all()
    assert entry.moderator is None
    assert entry.action == (
        Action.COMMENT_AUTO_HIDE if kind == "comment" else Action.UPDATE_AUTO_HIDE
    )
    assert entry.target_id == item.pk
    assert entry.reason.startswith("Hidden automatically after 3 flags")


def test_a_refused_action_writes_nothing(client, moderator, stage):
    client.force_login(moderator)

    client.post(_item("comment", stage["comment"], "hide"), {"reason": ""})
    client.post(_step(stage["submitted"], "return"), {"reason": ""})
    client.post(reverse("reviews:moderation-user", args=[stage["author"].pk, "block"]))
    client.post(reverse("reviews:moderation-user", args=[stage["author"].pk, "unblock"]))

    assert not ModerationLogEntry.objects.exists()


# The log page ---------------------------------------------------------------------------------


@pytest.fixture
def history(moderator, administrator):
    pledges = [PledgeFactory(title=f"Pledge about {topic}") for topic in ("farms", "ports")]
    comment = CommentFactory(body="x")
    services.log_moderation(moderator, Action.PLEDGE_PUBLISH, pledges[0])
    services.log_moderation(administrator, Action.PLEDGE_REJECT, pledges[1], "Out of scope.")
    services.log_moderation(moderator, Action.COMMENT_HIDE, comment, "Insults.")
    services.log_moderation(None, Action.COMMENT_AUTO_HIDE, comment, "Three flags.")
    return {"pledges": pledges, "comment": comment}


def listed(client, **params):
    response = client.get(LOG, params)
    assert response.status_code == 200
    return [(e.action, e.target_label) for e in response.context["page"]]


def test_the_log_shows_every_entry_newest_first(client, moderator, history):
    client.force_login(moderator)

    response = client.get(LOG)

    assert [e.action for e in response.context["page"]] == [
        Action.COMMENT_AUTO_HIDE,
        Action.COMMENT_HIDE,
        Action.PLEDGE_REJECT,
        Action.PLEDGE_PUBLISH,
    ]
    page = response.content.decode()
    assert "the portal (automatic)" in page
    assert "Out of scope." in page
    assert "Entries cannot be changed or deleted." in page


def test_the_log_filters_by_action(client, moderator, history):
    client.force_login(moderator)

    assert listed(client, action=Action.PLEDGE_REJECT) == [
        (Action.PLEDGE_REJECT, "Pledge about ports")
    ]
    assert len(listed(client, action=Action.COMMENT_HIDE)) == 1
    assert listed(client, action=Action.USER_BLOCK) == []


def test_the_log_searches_by_target_and_by_moderator(client, moderator, history):
    client.force_login(moderator)

    assert listed(client, q="FARMS") == [(Action.PLEDGE_PUBLISH, "Pledge about farms")]
    assert {a for a, _ in listed(client, q="pledge about")} == {
        Action.PLEDGE_PUBLISH,
        Action.PLEDGE_REJECT,
    }
    assert [a for a, _ in listed(client, moderator="Ada")] == [Action.PLEDGE_REJECT]
    assert listed(client, q="ports", action=Action.PLEDGE_PUBLISH) == []


def test_the_log_page_keeps_its_query_count_for_many_entries(
    client, moderator, django_assert_num_queries
):
    comments = [CommentFactory(body="x") for _ in range(3)]
    for n in range(60):
        services.log_moderation(moderator, Action.COMMENT_HIDE, comments[n % 3], f"R{n}")
    client.force_login(moderator)

    # The session, the user with their roles and memberships (actors.permissions.with_roles),
    # the page of entries with their moderators. No COUNT: the page fetches one row more instead.
    with django_assert_num_queries(3):
        response = client.get(LOG, {"page": 2})

    assert len(response.context["page"]) == 10
