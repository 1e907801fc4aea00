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
from html.parser import HTMLParser
from urllib.parse import urlsplit

import django_filters
import pytest
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from rest_framework.test import APIClient
from rest_framework.views import APIView

from actors.models import JoinRequest, Membership, Notification, SourceDocument
from reviews.models import DeclarationParagraph, Pledge, PledgePartner, ReviewCycle
from tests.factories import (
    ActorFactory,
    CoalitionFactory,
    CommentFactory,
    FlagFactory,
    MembershipFactory,
    PledgeFactory,
    PledgePartnerFactory,
    ProgressUpdateFactory,
    VerifiedUserFactory,
)

pytestmark = [pytest.mark.django_db, pytest.mark.hostile]

HOSTILE = [
    "",
    " ",
    "²",
    "١٢",
    "9" * 400,
    "-1",
    "0",
    "1e9",
    "0.5",
    "null",
    "[]",
    "{}",
    "%00",
    "\x00",
    "\r\nX-Injected: 1",
    "../../etc/passwd",
    "<script>",
    "' OR 1=1--",
    "ℌ",
    "a" * 100_000,
]
LONG = "a" * 100_000
# Sent in every parameter at once (the long one goes into one parameter at a time).
SHORT = [value for value in HOSTILE if value != LONG]
# The API's format suffixes (/pledges.json) reach the same views as the plain paths.
SUFFIX = re.compile(r"\.json/?$")
# Read by every list, whatever its filters.
COMMON_PARAMETERS = ["page", "cursor", "page_size", "ordering", "next", "format", "q"]
# Django's own admin is covered by Django; the portal's admin actions have their own tests.
SKIPPED_NAMESPACES = ("admin",)
# Signing out mid-sweep would leave the rest of the member's sweep anonymous.
SKIPPED_FORM_ACTIONS = {"account_logout"}


# The URL conf ---------------------------------------------------------------------------------


def routes():
    """(name, pattern, the path parameters' names and, for a regex, their alternatives)."""

    def walk(patterns, namespace=None):
        for pattern in patterns:
            if isinstance(pattern, URLResolver):
                inner = pattern.namespace or None
                if inner and namespace:
                    inner = f"{namespace}:{inner}"
                yield from walk(pattern.url_patterns, inner or namespace)
            elif isinstance(pattern, URLPattern) and pattern.name:
                name = f"{namespace}:{pattern.name}" if namespace else pattern.name
                yield name, pattern

    seen = set()
    for name, pattern in walk(get_resolver().url_patterns):
        if name.split(":")[0] in SKIPPED_NAMESPACES:
            continue
        regex = pattern.pattern.regex
        groups = tuple(regex.groupindex)
        if (name, groups) in seen:
            continue
        seen.add((name, groups))
        choices = {
            group: match[1].split("|")
            for group in groups
            if (match := re.search(rf"\(\?P<{group}>([-\w|]+)\)", regex.pattern))
        }
        yield name, groups, choices


def fill(name: str, group: str, world: dict, choices: dict):
    """A real value for a path parameter of the named route."""
    if group in choices:
        return choices[group][0]
    if group == "number":
        return 1
    if group == "format":
        return "json"
    if group == "slug":
        if "cycle" in name:
            return world["cycle"].slug
        if "source" in name:
            return world["source"].slug
        if "coalition" in name:
            return world["coalition"].slug
        return world["actor_a"].slug
    if group == "partner_pk":
        return world["partner"].pk
    if group == "pk":
        for word, key in [
            ("paragraph", "paragraph"),
            ("comment", "comment"),
            ("flag", "comment"),
            ("moderation-item", "comment"),
            ("update", "update"),
            ("moderation-user", "outsider"),
            ("join-request", "join_request"),
            ("member", "membership"),
            ("edit", "draft"),
            ("submit", "draft"),
            ("publish", "submitted"),
            ("return", "submitted"),
            ("reject", "submitted"),
        ]:
            if word in name:
                return world[key].pk
        return world["published"].pk
    if group == "key":
        return "abc"
    if group == "uidb36":
        return "1"
    if group == "path":
        return "no-such-thing"
    raise AssertionError(f"no value for {group} of {name}: add one to fill()")


def addresses(world: dict) -> list[tuple[str, str]]:
    """(route name, path) of every route, with real objects in its path."""
    found = []
    for name, groups, choices in routes():
        if not groups:
            found.append((name, reverse(name)))
            continue
        kwargs = {group: fill(name, group, world, choices) for group in groups}
        found.append((name, reverse(name, kwargs=kwargs)))
    return found


# Parameters and fields ------------------------------------------------------------------------


def filterset_parameters() -> set[str]:
    """The fields of every FilterSet of the project (HTML lists, API and exports alike)."""

    def subclasses(cls):
        for sub in cls.__subclasses__():
            yield sub
            yield from subclasses(sub)

    names = set()
    for filterset in subclasses(django_filters.FilterSet):
        if filterset.__module__.split(".")[0] in {"actors", "reviews", "portal"}:
            names.update(filterset.base_filters)
    return names


class FormFinder(HTMLParser):
    """The forms of a page: method, action and the names of their fields."""

    def __init__(self):
        super().__init__()
        self.forms = []

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "form":
            self.forms.append(
                {
                    "method": (attrs.get("method") or "get").lower(),
                    "action": attrs.get("action"),
                    "fields": [],
                }
            )
        elif tag in {"input", "select", "textarea", "button"} and self.forms:
            field = attrs.get("name")
            if field and field != "csrfmiddlewaretoken" and field not in self.forms[-1]["fields"]:
                self.forms[-1]["fields"].append(field)


def forms_of(response, page: str) -> list[dict]:
    if "html" not in response.get("Content-Type", ""):
        return []
    finder = FormFinder()
    finder.feed(response.content.decode())
    for form in finder.forms:
        form["action"] = urlsplit(form["action"]).path if form["action"] else page
    return finder.forms


def schema_of(client) -> dict:
    return json.loads(client.get(reverse("api:schema"), {"format": "json"}).content)


def schema_operations(schema: dict):
    """(path template, method, query parameter names, request body property names)."""
    for template, operations in schema["paths"].items():
        for method, operation in operations.items():
            parameters = [p["name"] for p in operation.get("parameters", []) if p["in"] == "query"]
            body = operation.get("requestBody", {}).get("content", {}).get("application/json")
            properties = []
            if body:
                ref = body["schema"].get("$ref", "").rsplit("/", 1)[-1]
                properties = list(
                    schema["components"]["schemas"].get(ref, {}).get("properties", {})
                )
            yield template, method, parameters, properties


# Checking an answer ---------------------------------------------------------------------------


def _latin1(value: str) -> bool:
    try:
        value.encode("latin-1")
    except UnicodeEncodeError:
        return False
    return True


def problems(response, path: str) -> list[str]:
    found = []
    if response.status_code >= 500:
        found.append(f"{response.status_code}: {response.content[:300]!r}")
    for header, value in response.items():
        if "\n" in value or "\r" in value or not _latin1(value):
            found.append(f"header {header}: {value!r}")
    if "X-Injected" in response.headers:
        found.append("injected header")
    is_error = response.status_code >= 400
    if path.startswith("/api/v1/") and is_error and "json" not in response["Content-Type"]:
        found.append(f"API error not JSON: {response['Content-Type']}")
    return found


class Sweep:
    """Collects every failing answer, so one run reports them all."""

    def __init__(self):
        self.failures = []
        self.requests = 0

    def check(self, response, persona, path, where="", value=""):
        self.requests += 1
        for problem in problems(response, path):
            self.failures.append(f"{persona} {path} [{where}={value[:20]!r}] {problem}")

    def assert_clean(self):
        assert not self.failures, f"{len(self.failures)} failures:\n" + "\n".join(
            self.failures[:40]
        )


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
