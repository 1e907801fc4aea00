"""The API permission matrix: every persona × every endpoint × every method, exact statuses.

Outcomes mirror the web site's matrix (tests/reviews/test_pledge_permissions.py): where the web
site redirects to the sign-in page the API answers 401, where it sends a person to set up MFA
the API answers 403 with that message. Another organisation's draft is a 404 (and missing from
lists: test_api_draft_visibility.py). A refused request changes nothing and is logged; an
allowed write takes effect. Personas in TOKEN_PERSONAS (conftest) send `Authorization: Token
…`, the others use a session (CSRF: test_api_authentication.py).
"""

import pytest
from django.urls import reverse

from actors.models import Coalition
from reviews.models import (
    Comment,
    DeclarationParagraph,
    Flag,
    Pledge,
    PledgePartner,
    PledgeTransition,
    ProgressUpdate,
)
from tests.api.conftest import API_PERSONAS
from tests.matrix import assert_cell, denials, make_table

pytestmark = pytest.mark.django_db

ALL = API_PERSONAS


table = make_table(ALL)


def everyone(status: int) -> dict[str, int]:
    return dict.fromkeys(ALL, status)


def signed_in(status: int) -> dict[str, int]:
    """Anonymous writes are a 401 whatever the endpoint."""
    return {**everyone(status), "anonymous": 401}


READ = everyone(200)
NO_SUCH_METHOD = signed_in(405)
SEE_DRAFT = table(
    anonymous=404,
    verified_user=404,
    contributor_a=200,
    focal_a=200,
    focal_a_without_mfa=200,
    focal_b=404,
    moderator=200,
    moderator_without_mfa=404,  # drafts need the second factor
    administrator=200,
    administrator_without_mfa=404,
    partner_c=200,  # the draft names C as partner
)
SEE_OTHER_DRAFT = {**SEE_DRAFT, "partner_c": 404}
CREATE_FOR_A = table(
    anonymous=401,
    verified_user=404,
    contributor_a=201,
    focal_a=201,
    focal_a_without_mfa=201,
    focal_b=404,
    moderator=404,
    moderator_without_mfa=404,
    administrator=404,
    administrator_without_mfa=404,
    partner_c=404,
)
EDIT = table(
    anonymous=401,
    verified_user=404,
    contributor_a=200,
    focal_a=200,
    focal_a_without_mfa=200,
    focal_b=404,
    moderator=403,
    moderator_without_mfa=404,
    administrator=403,
    administrator_without_mfa=404,
    partner_c=403,
)
SUBMIT = table(
    anonymous=401,
    verified_user=404,
    contributor_a=403,
    focal_a=200,
    focal_a_without_mfa=403,  # MFA first
    focal_b=404,
    moderator=403,
    moderator_without_mfa=404,
    administrator=403,
    administrator_without_mfa=404,
    partner_c=403,
)
WITHDRAW = {
    **SUBMIT,
    "verified_user": 403,
    "focal_b": 403,
    "moderator_without_mfa": 403,
    "administrator_without_mfa": 403,
}
MODERATE = table(
    anonymous=401,
    verified_user=404,
    contributor_a=403,
    focal_a=403,
    focal_a_without_mfa=403,
    focal_b=404,
    moderator=200,
    moderator_without_mfa=403,  # MFA first
    administrator=200,
    administrator_without_mfa=403,  # MFA first
    partner_c=404,
)
REPORT = table(
    anonymous=401,
    verified_user=403,
    contributor_a=201,
    focal_a=201,
    focal_a_without_mfa=201,
    focal_b=403,
    moderator=403,
    moderator_without_mfa=403,
    administrator=403,
    administrator_without_mfa=403,
    partner_c=201,  # a confirmed partner reports for C
)
AUTHOR_EDITS = {**signed_in(403), "verified_user": 200}  # verified_user wrote the comment
AUTHOR_DELETES = {**signed_in(403), "verified_user": 204}
MODERATE_CONVERSATION = table(
    anonymous=401,
    verified_user=404,
    contributor_a=404,
    focal_a=404,
    focal_a_without_mfa=404,
    focal_b=404,
    moderator=200,
    moderator_without_mfa=403,
    administrator=200,
    administrator_without_mfa=403,  # MFA first
    partner_c=404,
)


def _url(name, *args):
    return reverse(f"api:{name}", args=args)


def _reference_rows(world):
    details = {
        "objective": 7,
        "principle": 1,
        "cycle": "imrf-2022",
        "declaration-paragraph": DeclarationParagraph.objects.order_by("pk").first().pk,
        "actor": "organisation-a",
        "coalition": Coalition.objects.order_by("pk").first().slug,
    }
    rows = {}
    for name, key in details.items():
        rows[f"{name}s-list"] = ("get", _url(f"{name}-list"), None, READ)
        rows[f"{name}s-detail"] = ("get", _url(f"{name}-detail", key), None, READ)
        rows[f"{name}s-post"] = ("post", _url(f"{name}-list"), {"name": "x"}, NO_SUCH_METHOD)
        rows[f"{name}s-patch"] = ("patch", _url(f"{name}-detail", key), {"x": 1}, NO_SUCH_METHOD)
        rows[f"{name}s-delete"] = ("delete", _url(f"{name}-detail", key), None, NO_SUCH_METHOD)
    return rows


def _pledge_rows(world):
    draft, published, submitted = world["draft"], world["published"], world["submitted"]

    def step(pledge, name):
        return _url(f"pledge-{name}", pledge.pk)

    edit = {"title": "Edited through the API", "version": draft.version}
    return {
        "pledges-list": ("get", _url("pledge-list"), None, READ),
        "pledges-detail-draft": ("get", _url("pledge-detail", draft.pk), None, SEE_DRAFT),
        "pledges-detail-other-draft": (
            "get",
            _url("pledge-detail", world["other_draft"].pk),
            None,
            SEE_OTHER_DRAFT,
        ),
        "pledges-detail-published": ("get", _url("pledge-detail", published.pk), None, READ),
        "pledges-create": (
            "post",
            _url("pledge-list"),
            {"lead": draft.lead_id, "title": "A brand new draft"},
            CREATE_FOR_A,
        ),
        "pledges-patch": ("patch", _url("pledge-detail", draft.pk), edit, EDIT),
        "pledges-put": ("put", _url("pledge-detail", draft.pk), edit, NO_SUCH_METHOD),
        "pledges-delete": ("delete", _url("pledge-detail", draft.pk), None, NO_SUCH_METHOD),
        "pledges-submit": ("post", step(draft, "submit"), {}, SUBMIT),
        "pledges-withdraw": ("post", step(published, "withdraw"), {"reason": "Ended"}, WITHDRAW),
        "pledges-publish": ("post", step(submitted, "publish"), {}, MODERATE),
        "pledges-return": ("post", step(submitted, "return"), {"reason": "Fix it"}, MODERATE),
        "pledges-reject": ("post", step(submitted, "reject"), {"reason": "GCR"}, MODERATE),
    }


def _conversation_rows(world):
    published, update = world["published"], world["update"]
    comment, hidden = world["comment"], world["hidden"]
    report = {"pledge": published.pk, "stage": "completed", "narrative": "Done"}
    post = {"target": "pledge", "target_id": published.pk, "body": "A question for A."}
    return {
        "progress-list": ("get", _url("progress-update-list"), None, READ),
        "progress-detail": ("get", _url("progress-update-detail", update.pk), None, READ),
        "progress-create": ("post", _url("progress-update-list"), report, REPORT),
        "progress-patch": (
            "patch",
            _url("progress-update-detail", update.pk),
            {"narrative": "Changed"},
            NO_SUCH_METHOD,
        ),
        "progress-delete": (
            "delete",
            _url("progress-update-detail", update.pk),
            None,
            NO_SUCH_METHOD,
        ),
        "comments-list": ("get", _url("comment-list"), None, READ),
        "comments-detail": ("get", _url("comment-detail", comment.pk), None, READ),
        "comments-create": ("post", _url("comment-list"), post, signed_in(201)),
        "comments-patch": (
            "patch",
            _url("comment-detail", comment.pk),
            {"body": "Edited"},
            AUTHOR_EDITS,
        ),
        "comments-delete": ("delete", _url("comment-detail", comment.pk), None, AUTHOR_DELETES),
        "comments-flag": (
            "post",
            _url("comment-flag", comment.pk),
            {"reason": "spam"},
            {**signed_in(201), "verified_user": 403},  # one does not flag one's own words
        ),
        "comments-hide": (
            "post",
            _url("comment-hide", comment.pk),
            {"reason": "Insults"},
            MODERATE_CONVERSATION,
        ),
        "comments-restore": (
            "post",
            _url("comment-restore", hidden.pk),
            {"reason": "Fine after all"},
            MODERATE_CONVERSATION,
        ),
    }


STATS = ["coverage", "region", "country", "cycle", "month", "implementation-status", "freshness"]


def _stats_rows(world):
    rows = {f"stats-{name}": ("get", _url(f"stats-{name}"), None, READ) for name in STATS}
    # Statistics are read-only and public: a POST is not allowed, even anonymously.
    rows["stats-post"] = ("post", _url("stats-coverage"), {}, everyone(405))
    return rows


def _rows(world):
    return {
        **_reference_rows(world),
        **_pledge_rows(world),
        **_conversation_rows(world),
        **_stats_rows(world),
    }


ROW_NAMES = [
    *(
        f"{name}s-{method}"
        for name in [
            "objective",
            "principle",
            "cycle",
            "declaration-paragraph",
            "actor",
            "coalition",
        ]
        for method in ["list", "detail", "post", "patch", "delete"]
    ),
    "pledges-list",
    "pledges-detail-draft",
    "pledges-detail-other-draft",
    "pledges-detail-published",
    "pledges-create",
    "pledges-patch",
    "pledges-put",
    "pledges-delete",
    "pledges-submit",
    "pledges-withdraw",
    "pledges-publish",
    "pledges-return",
    "pledges-reject",
    "progress-list",
    "progress-detail",
    "progress-create",
    "progress-patch",
    "progress-delete",
    "comments-list",
    "comments-detail",
    "comments-create",
    "comments-patch",
    "comments-delete",
    "comments-flag",
    "comments-hide",
    "comments-restore",
    *(f"stats-{name}" for name in STATS),
    "stats-post",
]


def state():
    """Everything a request of the matrix could change."""
    return (
        tuple(Pledge.objects.order_by("pk").values_list("pk", "status", "title", "version")),
        tuple(PledgePartner.objects.order_by("pk").values_list("pk", "status")),
        PledgeTransition.objects.count(),
        tuple(ProgressUpdate.objects.order_by("pk").values_list("pk", "narrative", "is_hidden")),
        tuple(Comment.objects.order_by("pk").values_list("pk", "body", "is_hidden", "deleted_at")),
        Flag.objects.count(),
    )


def test_the_matrix_names_every_row(world):
    assert sorted(ROW_NAMES) == sorted(_rows(world))


@pytest.mark.parametrize("persona", ALL)
@pytest.mark.parametrize("row", ROW_NAMES)
def test_api_permission_matrix(api_as, world, caplog, persona, row):
    client = api_as(persona)
    method, url, data, expected = _rows(world)[row]
    before = state()

    with denials(caplog) as denied:
        response = getattr(client, method)(url, data, format="json")

    assert_cell(
        response.status_code,
        expected[persona],
        method=method,
        before=before,
        after=state(),
        denied=[line for line in denied if "api access denied" in line],
    )
    if response.content:
        assert response["Content-Type"] == "application/json"
    if response.status_code >= 400:
        assert "detail" in response.json()


def test_a_refusal_for_want_of_mfa_says_so(api_as, world):
    client = api_as("focal_a_without_mfa")

    response = client.post(_url("pledge-detail", world["draft"].pk) + "submit/", {}, format="json")

    assert response.status_code == 403
    assert "two-factor" in response.json()["detail"]
