"""Every page of the site answers only the methods it is made for (a 405 for the others).

Pages answer GET and HEAD, forms POST too, and actions POST only (STYLE 8: anything that changes
state is POST only). The table names every route of the site, so a new one must be added here.
"""

import pytest
from django.urls import URLResolver, get_resolver, reverse

from actors.models import JoinRequest
from reviews.models import Comment, Pledge
from tests.factories import (
    CommentFactory,
    MembershipFactory,
    PledgeFactory,
    PledgePartnerFactory,
    ProgressUpdateFactory,
    VerifiedUserFactory,
)

pytestmark = pytest.mark.django_db

PAGE = {"get", "head"}
FORM = {"get", "head", "post"}
ACTION = {"post"}
METHODS = ["get", "head", "post", "put", "patch", "delete"]


@pytest.fixture
def world(actor_a, actor_b, focal_a):
    pledge = PledgeFactory(lead=actor_a, published=True)
    update = ProgressUpdateFactory(pledge=pledge)
    return {
        "actor": actor_a,
        "pledge": pledge,
        "partnership": PledgePartnerFactory(pledge=PledgeFactory(lead=actor_a), actor=actor_b),
        "comment": CommentFactory(pledge=pledge, author=focal_a),
        "update": update,
        "join_request": JoinRequest.objects.create(user=VerifiedUserFactory(), actor=actor_a),
        "member": MembershipFactory(actor=actor_a),
    }


def _routes(w):
    slug, pledge = w["actor"].slug, w["pledge"].pk
    partnership = w["partnership"]
    return {
        "home": (PAGE, []),
        "healthz": (PAGE, []),
        "readyz": (PAGE, []),
        "javascript-catalog": (PAGE, ["fr"]),
        "set_language": (ACTION, []),
        "reviews:objective-list": (PAGE, []),
        "reviews:objective-detail": (PAGE, [7]),
        "reviews:principle-list": (PAGE, []),
        "reviews:cycle-list": (PAGE, []),
        "reviews:cycle-detail": (PAGE, ["imrf-2022"]),
        "reviews:timeline": (PAGE, []),
        "reviews:source-list": (PAGE, []),
        "reviews:source-detail": (PAGE, ["a-res-73-195"]),
        "reviews:moderation": (PAGE, []),
        "reviews:moderation-log": (PAGE, []),
        "reviews:moderation-hidden": (PAGE, []),
        "reviews:moderation-bulk": (ACTION, []),
        "reviews:moderation-item": (ACTION, ["comment", w["comment"].pk, "hide"]),
        "reviews:moderation-user": (ACTION, [w["member"].user_id, "block"]),
        "reviews:transparency": (PAGE, []),
        "reviews:coverage": (PAGE, []),
        "reviews:coverage-csv": (PAGE, []),
        "reviews:dashboard": (PAGE, []),
        "reviews:dashboard-csv": (PAGE, ["objectives"]),
        "reviews:map": (PAGE, []),
        "reviews:map-csv": (PAGE, []),
        "feeds:pledges": (PAGE, []),
        "feeds:progress": (PAGE, []),
        "feeds:objective": (PAGE, [7]),
        "feeds:actor": (PAGE, [slug]),
        "feeds:country": (PAGE, ["SN"]),
        "reviews:open-data": (PAGE, []),
        "reviews:export": (PAGE, ["pledges", "csv"]),
        # No such job: the methods are refused before the job is looked up.
        "reviews:export-job": (PAGE, [1]),
        "reviews:export-job-download": (PAGE, [1]),
        "reviews:comment-create": (ACTION, []),
        "reviews:comment-edit": (FORM, [w["comment"].pk]),
        "reviews:comment-delete": (ACTION, [w["comment"].pk]),
        "reviews:flag": (FORM, ["update", w["update"].pk]),
        "reviews:search": (PAGE, []),
        "reviews:pledge-list": (PAGE, []),
        "reviews:pledge-mine": (PAGE, []),
        "reviews:pledge-create": (FORM, []),
        "reviews:pledge-detail": (PAGE, [pledge]),
        "reviews:pledge-edit": (FORM, [partnership.pledge_id]),
        "reviews:pledge-attachment": (PAGE, [pledge]),
        "reviews:pledge-progress": (ACTION, [pledge]),
        "reviews:pledge-transition": (ACTION, [pledge, "withdraw"]),
        "reviews:pledge-partnership": (
            ACTION,
            [partnership.pledge_id, partnership.pk, "confirm"],
        ),
        "reviews:pledge-endorse": (ACTION, [pledge]),
        # No such endorsement: the methods are refused before it is looked up.
        "reviews:endorsement-withdraw": (ACTION, [pledge, 1]),
        "reviews:question-ask": (ACTION, [pledge]),
        # No such question: the methods are refused before it is looked up.
        "reviews:question-answer": (ACTION, [pledge, 1]),
        "reviews:answer-edit": (FORM, [pledge, 1]),
        "reviews:question-close": (ACTION, [pledge, 1]),
        "reviews:need-list": (PAGE, []),
        "reviews:need-create": (FORM, []),
        # No such need: the methods are refused before it is looked up.
        "reviews:need-detail": (PAGE, [1]),
        "reviews:need-edit": (FORM, [1]),
        "reviews:need-step": (ACTION, [1, "met"]),
        "reviews:need-offer": (ACTION, [1]),
        "reviews:offer-withdraw": (ACTION, [1, 1]),
        "reviews:need-moderate": (ACTION, [1, "hide"]),
        # No such result: the methods are refused before it is looked up.
        "reviews:result-create": (FORM, [pledge]),
        "reviews:result-edit": (FORM, [pledge, 1]),
        "reviews:result-delete": (ACTION, [pledge, 1]),
        "reviews:round-list": (PAGE, []),
        "reviews:round-detail": (PAGE, ["no-such-round"]),
        "reviews:export-schema": (PAGE, ["pledges"]),
        "reviews:export-datapackage": (PAGE, []),
        "reviews:export-iati": (PAGE, []),
        "reviews:spreadsheet": (FORM, []),
        "reviews:spreadsheet-template": (PAGE, [slug]),
        "reviews:spreadsheet-confirm": (ACTION, []),
        "actors:actor-list": (PAGE, []),
        "actors:actor-detail": (PAGE, [slug]),
        "actors:join": (FORM, [slug]),
        "actors:join-requests": (PAGE, [slug]),
        "actors:join-request-decide": (ACTION, [slug, w["join_request"].pk, "approve"]),
        "actors:edit": (FORM, [slug]),
        "actors:members": (PAGE, [slug]),
        "actors:member-update": (ACTION, [slug, w["member"].pk, "role"]),
        "actors:coalition-list": (PAGE, []),
        "actors:coalition-detail": (PAGE, ["gcm-champion-countries"]),
        "actors:my-organisations": (PAGE, []),
        "actors:propose": (FORM, []),
        "actors:acting-for": (ACTION, []),
        "actors:profile": (FORM, []),
        "actors:security": (PAGE, []),
        "actors:delete-account": (FORM, []),
        "actors:notifications": (FORM, []),
        "actors:api-tokens": (FORM, []),
        "actors:notification-settings": (FORM, []),
        "actors:following": (PAGE, []),
        "actors:follow": (ACTION, []),
        # No such follow: the methods are refused before it is looked up.
        "actors:unfollow": (ACTION, [1]),
    }


def _site_route_names(patterns=None, namespace=""):
    """The named routes of the site's own pages (not the API, the admin or allauth's)."""
    for pattern in get_resolver().url_patterns if patterns is None else patterns:
        if isinstance(pattern, URLResolver):
            if pattern.namespace in ("reviews", "actors", "feeds"):
                yield from _site_route_names(pattern.url_patterns, pattern.namespace)
            elif pattern.namespace is None and namespace:  # an app's own module, included
                yield from _site_route_names(pattern.url_patterns, namespace)
        elif pattern.name:
            yield f"{namespace}:{pattern.name}" if namespace else pattern.name


ROUTES = sorted(set(_site_route_names()))


def test_the_table_names_every_route_of_the_site(world):
    assert sorted(_routes(world)) == ROUTES


def test_no_page_of_the_site_lives_under_the_api_prefix_it_is_resolved_after(world):
    # portal/urls.py resolves "api/" before the site's pages: a page there would be shadowed.
    for name, (_, args) in _routes(world).items():
        assert not reverse(name, args=args).startswith("/api/"), name


@pytest.mark.parametrize("name", ROUTES)
def test_a_route_refuses_the_methods_it_is_not_made_for(client, administrator, world, name):
    accepted, args = _routes(world)[name]
    url = reverse(name, args=args)
    client.force_login(administrator)
    before = (Comment.objects.count(), Pledge.objects.count())

    refused = {method: getattr(client, method)(url).status_code for method in METHODS}

    assert {m for m, status in refused.items() if status == 405} == set(METHODS) - accepted
    assert (Comment.objects.count(), Pledge.objects.count()) == before
