"""The exact bytes of each export for one fixed selection, pinned: a change to how the exports
are built (SQL casts, chunked writing) must leave what people download unchanged, on SQLite and
PostgreSQL alike — headers, trailer, quoting, ISO timestamps, joined lists, nulls, neutralised
formulas and JSON escapes.

The expected files are in tests/reviews/golden/. They were written by the exports as they were
before the SQL formatting; to rewrite them after a deliberate change of format, run this file
once with EXPORT_GOLDEN_WRITE=1 and review the diff.
"""

import datetime as dt
import decimal
import io
import json
import os
from pathlib import Path

import pytest
import time_machine
from openpyxl import load_workbook

from actors.models import Actor, Region
from reviews.models import GuidingPrinciple, Objective, Pledge, PledgePartner
from tests.factories import (
    ActorFactory,
    CommentFactory,
    EndorsementFactory,
    PledgeFactory,
    PledgePartnerFactory,
    ProgressUpdateFactory,
    VerifiedUserFactory,
)
from tests.reviews.test_exports import RESOURCES, download

pytestmark = pytest.mark.django_db

GOLDEN = Path(__file__).parent / "golden"
# One instant with microseconds and one without: isoformat() writes them differently.
EARLY = dt.datetime(2026, 3, 4, 5, 6, 7, 89100, tzinfo=dt.UTC)
LATE = dt.datetime(2026, 5, 6, 7, 8, 9, tzinfo=dt.UTC)


def objectives(*numbers):
    return list(Objective.objects.filter(number__in=numbers))


@pytest.fixture
def fixed_selection(db):
    """Fixed ids and clocks; every awkward value a cell can hold: a formula in each free-text
    column, commas, quotes, line breaks, non-ASCII, an amount, nulls, joined lists, a draft that
    must stay out, an endorsement counted and a withdrawn one not."""
    with time_machine.travel(EARLY, tick=False):
        lead = ActorFactory(
            pk=900001,
            name="Ministry of Testland",
            kind=Actor.Kind.MEMBER_STATE,
            region=Region.AFRICA,
            country="SN",
        )
        ngo = ActorFactory(pk=900002, name='+Recruitment Watch, "Europe"', country="")
        first = PledgeFactory(
            pk=900101,
            published=True,
            lead=lead,
            title='=HYPERLINK("http://x")',
            summary='Line one\nline two, "quoted"',
            kind=Pledge.Kind.JOINT,
            support=Pledge.Support.FINANCIAL,
            amount=decimal.Decimal("1250000.50"),
            currency="USD",
            countries="GH,SN",
            primary_objective=Objective.objects.get(number=7),
            objectives=objectives(7, 8, 10),
            principles=list(GuidingPrinciple.objects.filter(number__in=[1, 3])),
        )
        PledgePartnerFactory(pledge=first, actor=ngo, status=PledgePartner.Status.CONFIRMED)
        PledgePartnerFactory(
            pledge=first, actor=ActorFactory(pk=900003), status=PledgePartner.Status.PENDING
        )
        PledgeFactory(pk=900109, lead=lead, title="secret draft")
        author = VerifiedUserFactory(display_name="")
        named = VerifiedUserFactory(display_name="-Ana Müller")
        top = CommentFactory(pk=900301, pledge=first, author=author, body="@SUM(A1)")
        update = ProgressUpdateFactory(
            pk=900401,
            pledge=first,
            date=dt.date(2026, 3, 4),
            stage=Pledge.ImplementationStatus.COMPLETED,
            narrative="\tÜber 300 Saisonarbeiter – erreicht.\r\nDone",
        )
    with time_machine.travel(LATE, tick=False):
        PledgeFactory(
            pk=900102,
            published=True,
            status=Pledge.Status.WITHDRAWN,
            lead=ngo,
            title="Über – ünïcode 🌍",
            summary="",
            kind=Pledge.Kind.MATCHING,
            matches=first,
            objectives=[],
            scope=Pledge.Scope.NATIONAL,
            countries="",
        )
        CommentFactory(
            pk=900302,
            pledge=first,
            parent=top,
            author=named,
            actor=lead,
            body="Migración segura, ¿cuándo?\r\n= yes",
            edited_at=LATE,
        )
        CommentFactory(pk=900303, pledge=None, progress_update=update, author=named, body="Fine")
        # One standing endorsement of the first pledge is counted; a withdrawn one is not.
        EndorsementFactory(
            pk=900501, pledge=first, actor=ActorFactory(pk=900004), endorsed_by=named
        )
        EndorsementFactory(
            pk=900502,
            pledge=first,
            actor=ActorFactory(pk=900005),
            endorsed_by=named,
            withdrawn_at=LATE,
        )


def xlsx_cells(body: bytes) -> str:
    """An XLSX file's cells with their types (the zip itself carries the time it was made)."""
    sheet = load_workbook(io.BytesIO(body)).active
    rows = [[[cell.data_type, cell.value] for cell in row] for row in sheet.iter_rows(min_row=1)]
    return json.dumps({"title": sheet.title, "rows": rows}, ensure_ascii=False, indent=1) + "\n"


@pytest.mark.parametrize("fmt", ["csv", "json", "xlsx"])
@pytest.mark.parametrize("resource", RESOURCES)
def test_each_export_is_byte_for_byte_the_pinned_file(client, fixed_selection, resource, fmt):
    _, body = download(client, resource, fmt)
    if fmt == "xlsx":
        body = xlsx_cells(body).encode()
    path = GOLDEN / f"{resource}.{fmt}{'.json' if fmt == 'xlsx' else ''}"

    if os.environ.get("EXPORT_GOLDEN_WRITE"):
        path.write_bytes(body)
    assert body == path.read_bytes()


def test_text_that_looks_like_the_boundary_of_two_json_objects_stays_inside_its_value(client):
    tricky = 'a}, {"id": 1, "title": "b'
    PledgeFactory(published=True, title=tricky)
    PledgeFactory(published=True, summary=tricky)

    _, body = download(client, "pledges", "json")

    rows = json.loads(body)
    assert rows[0]["title"] == tricky and rows[1]["summary"] == tricky
    assert body.decode().count("\n{") == 2
