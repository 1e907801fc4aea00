"""What the hostile-input sweep sends and where: the values, every route of the URL conf with its
parameters filled, the query parameters and form fields found on the site and in the API schema,
and what counts as a problem in an answer."""

import json
import re
from html.parser import HTMLParser
from urllib.parse import urlsplit

import django_filters
from django.urls import URLPattern, URLResolver, get_resolver, reverse

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
    if group == "code":  # a country (feeds:country)
        return "SN"
    if group == "chart":  # a chart of the dashboard
        return "objectives"
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
    if group == "endorsement_pk":  # an endorsement of the published pledge (by another org)
        return world["endorsement"].pk
    if group == "question_pk":  # a question on the published pledge, answered by the member
        return world["question"].pk
    if group == "pledge_id":  # a pledge's own list in the API (its results)
        return world["published"].pk
    if group == "offer_pk":  # another organisation's offer on the open need
        return world["offer"].pk
    if group == "pk" and ("need" in name or "offer" in name):
        return world["need"].pk
    if group == "result_pk":  # no such result: its pages answer 404 whatever the input
        return 1
    if group == "pk":
        for word, key in [
            ("api:endorsement", "endorsement"),
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
    if group == "language":
        return "fr"
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
