"""schemathesis explores the whole API from its live OpenAPI schema, in-process through WSGI.

At least 100 examples per operation (Hypothesis, derandomized so CI is reproducible), anonymous
and as the focal points of two different organisations (each with a token): no 5xx, and every
response conforms to the schema (status code, content type, headers, body). Path parameters
mix generated values with the ids of real objects, so detail pages and actions are reached.
Marked `schemathesis`: CI leaves them out on SQLite and runs them once, on PostgreSQL.
"""

import pytest
import schemathesis
from django.core import signals
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_headers_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from actors.models import ApiToken, Coalition
from reviews.models import (
    Comment,
    DeclarationParagraph,
    Endorsement,
    Need,
    Pledge,
    PledgePartner,
    ProgressUpdate,
    Question,
    ReportingRound,
)
from reviews.services import comments as comment_services
from reviews.services import endorsements as endorsement_services
from reviews.services import needs as need_services
from reviews.services import questions as question_services
from tests.api.conftest import set_throttle_rates
from tests.factories import (
    AnswerFactory,
    CommentFactory,
    EndorsementFactory,
    NeedFactory,
    PledgeFactory,
    PledgePartnerFactory,
    ProgressUpdateFactory,
    QuestionFactory,
)

pytestmark = [pytest.mark.schemathesis, pytest.mark.django_db]

CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_headers_conformance,
    response_schema_conformance,
]

EXPLORE = settings(
    max_examples=100,
    deadline=None,
    derandomize=True,
    database=None,
    suppress_health_check=list(HealthCheck),
)


@pytest.fixture
def wsgi_keeps_the_test_connection():
    """Requests go through the WSGI handler, whose request signals close "old" connections; in
    a test transaction on PostgreSQL that would be the test's own (Django's test client
    disconnects them the same way)."""
    signals.request_started.disconnect(close_old_connections)
    signals.request_finished.disconnect(close_old_connections)
    yield
    signals.request_started.connect(close_old_connections)
    signals.request_finished.connect(close_old_connections)


@pytest.fixture
def explored(
    request, actor_a, actor_b, focal_a, focal_b, monkeypatch, wsgi_keeps_the_test_connection
):
    """Published, draft and submitted pledges of A and B, partners, progress, comments and an
    endorsement; throttles and posting limits out of the way (the errors tests cover them)."""
    # pytest-django's `settings` (the name here is hypothesis's).
    django_settings = request.getfixturevalue("settings")
    set_throttle_rates(django_settings, anon="100000/min", user="100000/min")
    monkeypatch.setattr(comment_services, "COMMENT_RATE", (100000, 600))
    monkeypatch.setattr(comment_services, "FLAG_RATE", (100000, 600))
    monkeypatch.setattr(question_services, "QUESTION_RATE", (100000, 600))
    monkeypatch.setattr(endorsement_services, "ENDORSE_RATE", (100000, 600))
    monkeypatch.setattr(need_services, "NEED_RATE", (100000, 600))
    published_a = PledgeFactory(lead=actor_a, published=True)
    published_b = PledgeFactory(lead=actor_b, published=True)
    NeedFactory(actor=actor_a)
    NeedFactory(actor=actor_b)
    PledgePartnerFactory(pledge=published_a, actor=actor_b, status=PledgePartner.Status.CONFIRMED)
    PledgeFactory(lead=actor_a, title="A's draft")
    PledgeFactory(lead=actor_b, title="B's draft")
    PledgeFactory(lead=actor_b, submitted=True)
    update = ProgressUpdateFactory(pledge=published_a)
    comment = CommentFactory(pledge=published_b, author=focal_a)
    CommentFactory(pledge=published_b, author=focal_b, parent=comment)
    CommentFactory(pledge=None, progress_update=update, author=focal_b)
    EndorsementFactory(pledge=published_b, actor=actor_a, endorsed_by=focal_a)
    # A question to A, answered by its focal point, and one to B still open.
    AnswerFactory(question__pledge=published_a, question__author=focal_b, author=focal_a)
    QuestionFactory(pledge=published_b, author=focal_a)
    REAL_IDS.update(_read_real_ids())
    yield {
        "focal_a": ApiToken.objects.create_for(user=focal_a, name="explorer")[1],
        "focal_b": ApiToken.objects.create_for(user=focal_b, name="explorer")[1],
    }
    REAL_IDS.clear()


# Ids of real objects for each path, read once per test (deleting a comment must not change
# what the strategy draws from: Hypothesis needs the same choices from one case to the next).
REAL_IDS: dict[str, list] = {}


def _read_real_ids() -> dict[str, list]:
    return {
        # Before the pledges: a prefix of theirs, whose one parameter is an organisation's slug.
        "/api/v1/pledges/spreadsheet/": ["organisation-a", "organisation-b"],
        "/api/v1/pledges/": list(Pledge.objects.values_list("pk", flat=True)),
        "/api/v1/rounds/": list(ReportingRound.objects.values_list("slug", flat=True))
        or ["no-such-round"],
        "/api/v1/comments/": list(Comment.objects.values_list("pk", flat=True)),
        "/api/v1/questions/": list(Question.objects.values_list("pk", flat=True)),
        "/api/v1/needs/": list(Need.objects.values_list("pk", flat=True)),
        "/api/v1/endorsements/": list(Endorsement.objects.values_list("pk", flat=True)),
        "/api/v1/progress-updates/": list(ProgressUpdate.objects.values_list("pk", flat=True)),
        "/api/v1/declaration-paragraphs/": list(
            DeclarationParagraph.objects.values_list("pk", flat=True)[:5]
        ),
        "/api/v1/objectives/": [1, 7, 23],
        "/api/v1/principles/": [1, 10],
        "/api/v1/cycles/": ["imrf-2022", "imrf-2026"],
        "/api/v1/actors/": ["organisation-a", "organisation-b"],
        "/api/v1/coalitions/": list(Coalition.objects.values_list("slug", flat=True)[:3]),
    }


def _real_ids(path: str) -> list:
    return next(ids for prefix, ids in REAL_IDS.items() if path.startswith(prefix))


def before_generate_path_parameters(context, strategy):
    """Half the time, the id of a real object (read from the test's database when drawn)."""
    operation = context.operation
    names = [parameter.name for parameter in operation.path_parameters]
    if len(names) != 1:
        return strategy
    real = st.deferred(
        lambda: st.sampled_from([{names[0]: value} for value in _real_ids(operation.path)])
    )
    return st.one_of(strategy, real)


# The fuzzing phase: 100 generated examples per operation and identity, positive and negative
# (the coverage phase's systematic boundary values would double the run time).
schema = schemathesis.openapi.from_wsgi("/api/schema/", get_wsgi_application())
schema.config.phases.coverage.enabled = False
schema.hook(before_generate_path_parameters)


def _explore(case, explored, identity):
    headers = {} if identity == "anonymous" else {"Authorization": f"Token {explored[identity]}"}
    case.call_and_validate(headers=headers, checks=CHECKS)


@schema.parametrize()
@EXPLORE
def test_the_api_as_anonymous(case, explored):
    _explore(case, explored, "anonymous")


@schema.parametrize()
@EXPLORE
def test_the_api_as_focal_point_of_a(case, explored):
    _explore(case, explored, "focal_a")


@schema.parametrize()
@EXPLORE
def test_the_api_as_focal_point_of_b(case, explored):
    _explore(case, explored, "focal_b")
