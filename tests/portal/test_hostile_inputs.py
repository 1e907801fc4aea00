"""No input makes the portal answer with a server error (issue 10, point 3).

Every route of the URL conf is requested, its path filled with real objects of a small seeded
dataset, as anonymous and as a member with MFA (focal point of A and moderator). Hostile values
go into every query parameter and every form field the site has, all found programmatically so
that a new route, filter, form field or API field is covered without editing this file:

- query parameters: the fields of every FilterSet of the project, the parameters of the
  route's operation in the OpenAPI schema, the GET forms of the rendered page, and the ones
  every list reads (page, cursor, page_size, ordering, next, format);
- form fields: every `<form method="post">` of every page, as rendered for each persona, posted
  to its own action (this covers the portal's forms and allauth's alike);
- API bodies: every property of the request body of every write operation in the schema, as a
  string and, where the value is JSON, as that JSON.

Each answer must be below 500, carry headers that are plain latin-1 without a line break (so
nothing was injected), and, under /api/, be JSON when it is an error. Run it alone with
`pytest -m hostile`.
"""

import itertools
import json
import re

import pytest
from django.urls import reverse
from rest_framework.test import APIClient
from rest_framework.views import APIView

from actors.models import JoinRequest, Membership, Notification, SourceDocument
from reviews.models import DeclarationParagraph, Pledge, PledgePartner, ReviewCycle
from tests.factories import (
    ActorFactory,
    AnswerFactory,
    CoalitionFactory,
    CommentFactory,
    EndorsementFactory,
    FlagFactory,
    MembershipFactory,
    NeedFactory,
    OfferFactory,
    PledgeFactory,
    PledgePartnerFactory,
    ProgressUpdateFactory,
    QuestionFactory,
    VerifiedUserFactory,
)
from tests.portal.hostile import (
    COMMON_PARAMETERS,
    HOSTILE,
    LONG,
    SHORT,
    SKIPPED_FORM_ACTIONS,
    SUFFIX,
    Sweep,
    addresses,
    filterset_parameters,
    forms_of,
    schema_of,
    schema_operations,
)

pytestmark = [pytest.mark.django_db, pytest.mark.hostile]

# The dataset ----------------------------------------------------------------------------------


@pytest.fixture
def world(actor_a, actor_b, focal_a, verified_user, moderator):
    # The member sweeps as focal point of A and as moderator at once: one MFA session reaches
    # the organisation's pages and the moderators'.
    focal_a.groups.add(*moderator.groups.all())
    partner_actor = ActorFactory(name="Partner C")
    published = PledgeFactory(lead=actor_a, published=True, kind=Pledge.Kind.JOINT)
    partner = PledgePartnerFactory(
        pledge=published, actor=partner_actor, status=PledgePartner.Status.PENDING
    )
    update = ProgressUpdateFactory(pledge=published)
    comment = CommentFactory(pledge=published, author=focal_a)
    CommentFactory(pledge=published, author=verified_user, parent=comment)
    CommentFactory(pledge=published, author=verified_user, is_hidden=True, hidden_reason="Spam")
    FlagFactory(comment=comment, user=verified_user)
    outsider = VerifiedUserFactory(display_name="Olu Outsider")
    join_request = JoinRequest.objects.create(user=outsider, actor=actor_a, message="Hello")
    membership = MembershipFactory(
        user=VerifiedUserFactory(), actor=actor_a, role=Membership.Role.CONTRIBUTOR
    )
    # The member also belongs to D, which takes no part in A's pledge: the pledge page shows them
    # the endorsement form, whose fields are swept. E's endorsement fills the withdraw route.
    other = ActorFactory(name="Organisation D")
    MembershipFactory(user=focal_a, actor=other, role=Membership.Role.CONTRIBUTOR)
    endorsement = EndorsementFactory(pledge=published, actor=ActorFactory(name="Endorser E"))
    # B's open need: the member may offer for A or D (the form is swept), and D's offer fills
    # the withdraw route.
    need = NeedFactory(actor=actor_b)
    offer = OfferFactory(need=need, actor=other, created_by=focal_a)
    # A question to A the member answered (its answer's edit page), and one still open (the
    # answer form on the pledge page, whose fields are swept).
    question = AnswerFactory(
        question__pledge=published, question__author=verified_user, author=focal_a
    ).question
    QuestionFactory(pledge=published, author=verified_user)
    Notification.objects.create(
        user=focal_a,
        kind=Notification._meta.get_field("kind").choices[0][0],
        frequency=Notification._meta.get_field("frequency").choices[0][0],
        title="A comment on your pledge",
        url=published.get_absolute_url(),
    )
    return {
        "actor_a": actor_a,
        "member": focal_a,
        "published": published,
        "draft": PledgeFactory(lead=actor_a),
        "submitted": PledgeFactory(lead=actor_a, submitted=True),
        "b_draft": PledgeFactory(lead=actor_b),
        "partner": partner,
        "question": question,
        "endorsement": endorsement,
        "need": need,
        "offer": offer,
        "update": update,
        "comment": comment,
        "outsider": outsider,
        "join_request": join_request,
        "membership": membership,
        "cycle": ReviewCycle.objects.order_by("pk").first(),
        "source": SourceDocument.objects.order_by("pk").first(),
        "paragraph": DeclarationParagraph.objects.order_by("pk").first(),
        "coalition": CoalitionFactory(),
    }


@pytest.fixture
def no_api_throttle(monkeypatch):
    # Thousands of requests in a minute are the point here, not a client to slow down.
    monkeypatch.setattr(APIView, "get_throttles", lambda self: [])


def clients(world):
    # A view's exception is answered as the server would (a 500), and reported with the rest.
    anonymous = APIClient(raise_request_exception=False)
    member = APIClient(raise_request_exception=False)
    member.force_login(world["member"])
    return {"anonymous": anonymous, "member": member}


# The sweep ------------------------------------------------------------------------------------


def test_no_query_parameter_value_is_a_server_error(world, no_api_throttle):
    schema = schema_of(APIClient())
    api_parameters = {
        template: parameters
        for template, method, parameters, _ in schema_operations(schema)
        if method == "get"
    }
    everywhere = sorted(filterset_parameters() | set(COMMON_PARAMETERS))
    sweep = Sweep()
    for persona, client in clients(world).items():
        for _name, path in addresses(world):
            plain = client.get(path)
            sweep.check(plain, persona, path)
            if plain.status_code != 200 or SUFFIX.search(path):
                # Refused, redirected or not a page (POST only): no parameter reaches the view.
                continue
            own = set(COMMON_PARAMETERS)
            for form in forms_of(plain, path):
                if form["method"] == "get":
                    own.update(form["fields"])
            for template, parameters in api_parameters.items():
                if re.fullmatch(re.sub(r"\{[^}]+\}", "[^/]+", template), path):
                    own.update(parameters)
            for value in SHORT:
                response = client.get(path, dict.fromkeys(everywhere, value))
                sweep.check(response, persona, path, "every parameter", value)
            # One at a time too: a refused filter must not hide a parameter read after it.
            values = itertools.cycle(HOSTILE)
            for parameter in sorted(own):
                for value in [LONG, next(values)][: 1 if persona == "member" else 2]:
                    response = client.get(path, {parameter: value})
                    sweep.check(response, persona, path, parameter, value)
    sweep.assert_clean()


def test_no_form_field_value_is_a_server_error(world, no_api_throttle):
    sweep = Sweep()
    for persona, client in clients(world).items():
        posted = set()
        for name, path in addresses(world):
            if name.startswith("api:"):
                continue
            page = client.get(path)
            for form in forms_of(page, path):
                key = (form["action"], tuple(form["fields"]))
                if form["method"] != "post" or key in posted:
                    continue
                posted.add(key)
                if any(form["action"] == reverse(skipped) for skipped in SKIPPED_FORM_ACTIONS):
                    continue
                for value in HOSTILE:
                    data = dict.fromkeys(form["fields"], value)
                    response = client.post(form["action"], data)
                    sweep.check(response, persona, form["action"], "every field", value)
                for field, value in zip(form["fields"], itertools.cycle(HOSTILE), strict=False):
                    response = client.post(form["action"], {field: value})
                    sweep.check(response, persona, form["action"], field, value)
                if persona == "member":
                    client.force_login(world["member"])
        assert posted, "no form found: the page parser no longer sees the site's forms"
    sweep.assert_clean()


def json_forms(value: str) -> list:
    """The value as a string and, when it is JSON, as that JSON too."""
    try:
        return [value, json.loads(value)]
    except ValueError:
        return [value]


def test_no_api_body_is_a_server_error(world, no_api_throttle):
    schema = schema_of(APIClient())
    concrete = {}
    for name, path in addresses(world):
        if name.startswith("api:") and not SUFFIX.search(path):
            concrete.setdefault(re.sub(r"/\d+(?=/)", "/{id}", path), path)
    sweep = Sweep()
    for persona, client in clients(world).items():
        for template, method, _, properties in schema_operations(schema):
            if method not in {"post", "put", "patch"}:
                continue
            key = re.sub(r"\{[^}]+\}", "{id}", template)
            path = concrete.get(key)
            assert path, f"no route for {template}"
            for value in HOSTILE:
                for body in json_forms(value):
                    for data in [dict.fromkeys(properties, body), body]:
                        response = getattr(client, method)(path, data, format="json")
                        sweep.check(response, persona, path, "body", repr(data))
            for prop, value in zip(properties, itertools.cycle(HOSTILE), strict=False):
                for body in json_forms(value):
                    response = getattr(client, method)(path, {prop: body}, format="json")
                    sweep.check(response, persona, path, prop, repr(body))
    sweep.assert_clean()


def test_the_sweep_reaches_every_kind_of_route(world):
    """The sweep is only as good as its inventory: every route, filters and schema fields."""
    names = {name for name, _ in addresses(world)}

    assert {"reviews:pledge-list", "api:pledge-list", "account_login", "actors:profile"} <= names
    assert {"objective", "country", "freshness", "since"} <= filterset_parameters()
    assert any(
        "title" in properties
        for _, method, _, properties in schema_operations(schema_of(APIClient()))
        if method == "post"
    )
