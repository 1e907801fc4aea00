"""No oracle: what exists but is hidden answers exactly as what does not exist.

For every route that takes the id of something that can be hidden (a draft pledge, a hidden
comment or update, a proposed organisation), an anonymous visitor and a signed-in outsider get
the same status, and the same redirect, for the hidden thing as for an id nothing has. The same
holds for the API's objects and for the filters that take an id.
"""

import pytest
from django.urls import reverse

from actors.models import Actor, JoinRequest
from tests.factories import (
    ActorFactory,
    CommentFactory,
    MembershipFactory,
    PledgeFactory,
    PledgePartnerFactory,
    ProgressUpdateFactory,
    VerifiedUserFactory,
)

pytestmark = pytest.mark.django_db

UNKNOWN = 987654


@pytest.fixture
def hidden(actor_a, focal_a):
    """One hidden thing of each kind, all belonging to organisation A."""
    draft = PledgeFactory(lead=actor_a)
    published = PledgeFactory(lead=actor_a, published=True)
    hidden_comment = CommentFactory(pledge=published, author=focal_a, is_hidden=True)
    proposal = ActorFactory(slug="proposed-org", status=Actor.Status.PROPOSED)
    return {
        "draft": draft,
        "partnership": PledgePartnerFactory(pledge=draft),
        "hidden_comment": hidden_comment,
        "reply": CommentFactory(pledge=published, parent=hidden_comment),
        "hidden_update": ProgressUpdateFactory(pledge=published, is_hidden=True),
        "proposal": proposal,
        "join_request": JoinRequest.objects.create(user=VerifiedUserFactory(), actor=proposal),
        "member": MembershipFactory(actor=proposal),
    }


def _cases(h):
    """(route, method, args with the hidden thing, args with an id nothing has)."""
    draft, partnership, slug = h["draft"].pk, h["partnership"], h["proposal"].slug
    cases = [
        ("reviews:pledge-detail", "get", [draft], [UNKNOWN]),
        ("reviews:pledge-attachment", "get", [draft], [UNKNOWN]),
        ("reviews:pledge-edit", "get", [draft], [UNKNOWN]),
        ("reviews:pledge-edit", "post", [draft], [UNKNOWN]),
        ("reviews:pledge-progress", "post", [draft], [UNKNOWN]),
        (
            "reviews:pledge-partnership",
            "post",
            [draft, partnership.pk, "confirm"],
            [UNKNOWN, UNKNOWN, "confirm"],
        ),
        ("reviews:comment-edit", "get", [h["hidden_comment"].pk], [UNKNOWN]),
        ("reviews:comment-edit", "get", [h["reply"].pk], [UNKNOWN]),
        ("reviews:comment-delete", "post", [h["hidden_comment"].pk], [UNKNOWN]),
        ("reviews:flag", "get", ["comment", h["hidden_comment"].pk], ["comment", UNKNOWN]),
        ("reviews:flag", "get", ["comment", h["reply"].pk], ["comment", UNKNOWN]),
        ("reviews:flag", "post", ["update", h["hidden_update"].pk], ["update", UNKNOWN]),
        ("actors:actor-detail", "get", [slug], ["no-such-organisation"]),
        ("actors:join", "get", [slug], ["no-such-organisation"]),
        ("actors:join-requests", "get", [slug], ["no-such-organisation"]),
        ("actors:edit", "get", [slug], ["no-such-organisation"]),
        ("actors:members", "get", [slug], ["no-such-organisation"]),
        (
            "actors:join-request-decide",
            "post",
            [slug, h["join_request"].pk, "approve"],
            ["no-such-organisation", UNKNOWN, "approve"],
        ),
        (
            "actors:member-update",
            "post",
            [slug, h["member"].pk, "role"],
            ["no-such-organisation", UNKNOWN, "role"],
        ),
    ]
    for step in ("submit", "withdraw", "publish", "return", "reject"):
        cases.append(("reviews:pledge-transition", "post", [draft, step], [UNKNOWN, step]))
    return cases


def _answer(client, method, route, args, hidden_args):
    """Status and redirect target, with the ids written the same way for both."""
    response = getattr(client, method)(reverse(route, args=args))
    location = response.get("Location", "")
    for real, stand_in in zip(args, hidden_args, strict=True):
        location = location.replace(str(real), str(stand_in))
    return response.status_code, location


@pytest.mark.parametrize("persona", ["anonymous", "focal_b", "moderator_without_mfa"])
def test_a_hidden_thing_answers_as_one_that_does_not_exist(client, hidden, persona, request):
    if persona != "anonymous":
        client.force_login(request.getfixturevalue(persona))
    differing = []
    for route, method, hidden_args, unknown_args in _cases(hidden):
        seen = _answer(client, method, route, hidden_args, unknown_args)
        unknown = _answer(client, method, route, unknown_args, unknown_args)
        if seen != unknown or seen[0] == 200:
            differing.append((route, method, seen, unknown))
    assert differing == []


def test_an_anonymous_write_asks_to_sign_in_before_looking_anything_up(client, hidden):
    response = client.get(reverse("reviews:pledge-edit", args=[UNKNOWN]))

    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_login"))


@pytest.mark.parametrize("persona", ["anonymous", "focal_b", "moderator_without_mfa"])
def test_api_objects_and_id_filters_answer_alike_for_hidden_and_unknown_ids(
    client, hidden, persona, request
):
    if persona != "anonymous":
        client.force_login(request.getfixturevalue(persona))
    draft = hidden["draft"].pk
    pairs = [
        ("get", f"/api/pledges/{draft}/", f"/api/pledges/{UNKNOWN}/"),
        ("post", f"/api/pledges/{draft}/publish/", f"/api/pledges/{UNKNOWN}/publish/"),
        ("post", f"/api/pledges/{draft}/withdraw/", f"/api/pledges/{UNKNOWN}/withdraw/"),
        ("patch", f"/api/pledges/{draft}/", f"/api/pledges/{UNKNOWN}/"),
        ("get", f"/api/comments/?pledge={draft}", f"/api/comments/?pledge={UNKNOWN}"),
        (
            "get",
            f"/api/comments/?progress_update={hidden['hidden_update'].pk}",
            f"/api/comments/?progress_update={UNKNOWN}",
        ),
        (
            "get",
            f"/api/comments/?parent={hidden['hidden_comment'].pk}",
            f"/api/comments/?parent={UNKNOWN}",
        ),
        (
            "get",
            f"/api/comments/{hidden['reply'].pk}/",
            f"/api/comments/{UNKNOWN}/",
        ),
        (
            "get",
            f"/api/progress-updates/?pledge={draft}",
            f"/api/progress-updates/?pledge={UNKNOWN}",
        ),
        ("get", f"/exports/comments.csv?pledge={draft}", f"/exports/comments.csv?pledge={UNKNOWN}"),
    ]
    differing = []
    for method, seen_url, unknown_url in pairs:
        seen = getattr(client, method)(seen_url, content_type="application/json")
        unknown = getattr(client, method)(unknown_url, content_type="application/json")
        seen_body = seen.content.decode().replace(str(draft), str(UNKNOWN))
        for key in ("hidden_update", "hidden_comment"):
            seen_body = seen_body.replace(str(hidden[key].pk), str(UNKNOWN))
        if (seen.status_code, seen_body) != (unknown.status_code, unknown.content.decode()):
            differing.append((seen_url, seen.status_code, unknown.status_code))
    assert differing == []
