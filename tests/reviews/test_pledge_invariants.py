"""The API refuses every invariant the form refuses: a pledge's rules live in the model (its
`clean()` and constraints) and in the services (its relations), so the web form and the API give
the same field error, and nothing is stored."""

import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.urls import reverse

from reviews import services
from reviews.models import Pledge, PledgePartner
from tests.api.conftest import token_client
from tests.factories import ActorFactory, PledgeFactory, pledge_form_data

pytestmark = pytest.mark.django_db

API_LIST = reverse("api:pledge-list")


@pytest.fixture
def others(db):
    """Pledges one might try to answer, and an organisation one might name as partner."""
    return {
        "published": PledgeFactory(published=True, title="Published elsewhere"),
        "draft": PledgeFactory(title="Someone's draft"),
        "withdrawn": PledgeFactory(published=True, status="withdrawn", title="Withdrawn"),
        "partner": ActorFactory(name="Would-be partner"),
    }


# rule: (the field that says so, what is sent — a callable of the others and the pledge edited,
# which is None on creation — and the ways to send it: "create", "edit" or both)
RULES = {
    "individual-answers-a-pledge": (
        "matches",
        lambda o, p: {"kind": "individual", "matches": o["published"].pk},
        ("create", "edit"),
    ),
    "joint-only-names-partners": (
        "partners",
        lambda o, p: {"kind": "individual", "partners": [o["partner"].pk]},
        ("create", "edit"),
    ),
    "answers-itself": (
        "matches",
        lambda o, p: {"kind": "matching", "matches": p.pk},
        ("edit",),
    ),
    "answers-a-draft": (
        "matches",
        lambda o, p: {"kind": "matching", "matches": o["draft"].pk},
        ("create", "edit"),
    ),
    "answers-a-withdrawn-pledge": (
        "matches",
        lambda o, p: {"kind": "matching", "matches": o["withdrawn"].pk},
        ("create", "edit"),
    ),
    "currency-of-two-letters": ("currency", lambda o, p: {"currency": "US"}, ("create", "edit")),
    "currency-not-letters": ("currency", lambda o, p: {"currency": "U$D"}, ("create", "edit")),
    "ends-before-it-starts": (
        "end_date",
        lambda o, p: {"start_date": "2028-01-01", "end_date": "2027-12-31"},
        ("create", "edit"),
    ),
    "negative-amount": (
        "amount",
        lambda o, p: {"support": "financial", "amount": "-5.00", "currency": "USD"},
        ("create", "edit"),
    ),
}
CASES = [
    pytest.param(rule, way, channel, id=f"{rule}-{way}-{channel}")
    for rule, (_, _, ways) in RULES.items()
    for way in ways
    for channel in ("form", "api")
]


def api_body(pledge, overrides) -> dict:
    """What an IT system sends: a whole new pledge, or only the changed fields and the version."""
    if pledge is not None:
        return {**overrides, "version": pledge.version}
    return {
        "lead": overrides.pop("lead"),
        "title": "Sent by the API",
        "kind": "individual",
        "summary": "One line.",
        **overrides,
    }


def stored(pledge) -> tuple:
    """What is saved of a pledge, to compare before and after a refused change."""
    pledge.refresh_from_db()
    partners = list(pledge.partnerships.values_list("actor_id", flat=True))
    return (pledge.version, pledge.kind, pledge.matches_id, pledge.currency, pledge.end_date,
            pledge.amount, partners)  # fmt: skip


@pytest.mark.parametrize(("rule", "way", "channel"), CASES)
def test_the_api_refuses_every_invariant_the_form_refuses(
    client, contributor_a, actor_a, others, rule, way, channel
):
    field, make, _ = RULES[rule]
    pledge = PledgeFactory(lead=actor_a, title="Our draft") if way == "edit" else None
    before = stored(pledge) if pledge else None
    count = Pledge.objects.count()
    overrides = make(others, pledge)

    if channel == "form":
        client.force_login(contributor_a)
        if pledge is None:
            url, data = reverse("reviews:pledge-create"), pledge_form_data(**overrides)
        else:
            url = reverse("reviews:pledge-edit", args=[pledge.pk])
            data = pledge_form_data(pledge, **overrides)
        response = client.post(url, data)
        assert response.status_code == 200, "the form is shown again"
        errors = response.context["form"].errors
        assert errors.get(field), errors
        assert errors[field][0] in response.content.decode().replace("&#x27;", "'")
    else:
        api = token_client(contributor_a)
        if pledge is None:
            body = api_body(None, {"lead": actor_a.pk, **overrides})
            response = api.post(API_LIST, body, format="json")
        else:
            url = reverse("api:pledge-detail", args=[pledge.pk])
            response = api.patch(url, api_body(pledge, overrides), format="json")
        assert response.status_code == 400, response.content
        body = response.json()
        assert field in body, body
        assert all(isinstance(message, str) and message for message in body[field])

    assert Pledge.objects.count() == count, "nothing is created"
    if pledge is not None:
        assert stored(pledge) == before, "nothing is changed"
    assert not PledgePartner.objects.exists()


def test_the_form_and_the_api_give_the_same_message(client, contributor_a, actor_a, others):
    client.force_login(contributor_a)
    overrides = {"kind": "individual", "matches": others["published"].pk}

    form = client.post(reverse("reviews:pledge-create"), pledge_form_data(**overrides))
    api = token_client(contributor_a).post(
        API_LIST, api_body(None, {"lead": actor_a.pk, **overrides}), format="json"
    )

    message = "Only a matching pledge answers another pledge."
    assert form.context["form"].errors["matches"] == [message]
    assert api.json() == {"matches": [message]}


def test_turning_a_joint_pledge_individual_keeps_no_partner_behind(contributor_a, actor_a):
    pledge = PledgeFactory(lead=actor_a, kind=Pledge.Kind.JOINT)
    PledgePartner.objects.create(pledge=pledge, actor=ActorFactory())
    url = reverse("api:pledge-detail", args=[pledge.pk])
    api = token_client(contributor_a)

    kept = api.patch(url, {"kind": "individual", "version": 1}, format="json")
    dropped = api.patch(url, {"kind": "individual", "partners": [], "version": 1}, format="json")

    assert kept.status_code == 400
    assert kept.json() == {"partners": ["Only a joint pledge names partner organisations."]}
    assert dropped.status_code == 200
    pledge.refresh_from_db()
    assert (pledge.kind, pledge.version) == (Pledge.Kind.INDIVIDUAL, 2)
    assert not pledge.partnerships.exists()


def test_every_error_is_reported_at_once(contributor_a, actor_a, others):
    body = api_body(
        None,
        {
            "lead": actor_a.pk,
            "partners": [others["partner"].pk],
            "currency": "US",
            "start_date": "2028-01-01",
            "end_date": "2027-01-01",
        },
    )

    response = token_client(contributor_a).post(API_LIST, body, format="json")

    assert response.status_code == 400
    assert set(response.json()) == {"partners", "currency", "end_date"}


def test_a_currency_is_stored_in_capitals(client, contributor_a, actor_a):
    client.force_login(contributor_a)

    client.post(reverse("reviews:pledge-create"), pledge_form_data(title="Form", currency="eur"))
    token_client(contributor_a).post(
        API_LIST,
        api_body(None, {"lead": actor_a.pk, "title": "API", "currency": " usd "}),
        format="json",
    )

    assert dict(Pledge.objects.values_list("title", "currency")) == {"Form": "EUR", "API": "USD"}


def test_a_matching_pledge_answering_a_published_one_is_accepted(contributor_a, actor_a, others):
    body = api_body(
        None, {"lead": actor_a.pk, "kind": "matching", "matches": others["published"].pk}
    )

    response = token_client(contributor_a).post(API_LIST, body, format="json")

    assert response.status_code == 201, response.content
    assert Pledge.objects.get(pk=response.json()["id"]).matches == others["published"]


def test_the_services_apply_the_rules_whoever_calls_them(contributor_a, actor_a, others):
    with pytest.raises(ValidationError) as refused:
        services.pledge_create(
            lead=actor_a,
            by=contributor_a,
            data={"title": "Direct", "kind": "joint", "matches": others["published"]},
        )

    assert set(refused.value.message_dict) == {"matches"}
    assert not Pledge.objects.filter(title="Direct").exists()


MODEL_RULES = [
    ({"kind": "individual"}, "matches", "Only a matching pledge answers another pledge."),
    ({"matches": "itself"}, "matches", "A pledge cannot answer itself."),
    ({"matches": "draft"}, "matches", "A matching pledge answers a published pledge."),
    ({"matches": "withdrawn"}, "matches", "A matching pledge answers a published pledge."),
    ({"currency": "US"}, "currency", "Give the currency as a three-letter code, e.g. USD."),
    (
        {"start_date": dt.date(2028, 1, 1), "end_date": dt.date(2027, 1, 1)},
        "end_date",
        "The end date cannot be before the start date.",
    ),
    ({"amount": Decimal("-1")}, "amount", "An amount cannot be negative."),
]


@pytest.mark.parametrize(
    ("change", "field", "message"),
    MODEL_RULES,
    ids=["individual", "itself", "draft", "withdrawn", "currency", "dates", "amount"],
)
def test_the_model_reports_each_rule_on_its_field(actor_a, others, change, field, message):
    pledge = PledgeFactory(lead=actor_a, kind="matching", matches=others["published"])
    pledge.full_clean()  # valid as it stands
    for name, value in change.items():
        if name == "matches":
            value = pledge if value == "itself" else others[value]
        setattr(pledge, name, value)

    with pytest.raises(ValidationError) as refused:
        pledge.full_clean()

    assert refused.value.message_dict == {field: [message]}


@pytest.mark.parametrize(
    ("change", "constraint"),
    [
        ({"kind": "individual"}, "pledge_only_matching_answers"),
        ({"matches_self": True}, "pledge_answers_another"),
        ({"amount": -1}, "pledge_amount_not_negative"),
    ],
    ids=["individual-answers", "answers-itself", "negative-amount"],
)
def test_the_database_refuses_what_bypasses_the_model(actor_a, others, change, constraint):
    pledge = PledgeFactory(lead=actor_a, kind="matching", matches=others["published"])
    if change.pop("matches_self", False):
        change["matches"] = pledge

    with pytest.raises(IntegrityError, match=constraint), transaction.atomic():
        Pledge.objects.filter(pk=pledge.pk).update(**change)


def test_a_draft_answering_a_pledge_withdrawn_since_cannot_be_submitted(
    client, focal_a, actor_a, others
):
    answered = others["published"]
    draft = PledgeFactory(lead=actor_a, kind=Pledge.Kind.MATCHING, matches=answered)
    Pledge.objects.filter(pk=answered.pk).update(status=Pledge.Status.WITHDRAWN)
    client.force_login(focal_a)

    response = client.post(reverse("reviews:pledge-transition", args=[draft.pk, "submit"]))

    draft.refresh_from_db()
    assert draft.status == Pledge.Status.DRAFT
    assert "A matching pledge answers a published pledge." in draft.submission_errors()["matches"]
    assert response.status_code == 302
