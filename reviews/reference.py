"""The curated reference data: which fixture file holds which model, in loading order.

Fixtures use natural keys and carry no primary keys, so loading them again updates the same rows
instead of adding new ones, and a database's own ids never leak into version control.
"""

import json
from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path

from django.apps import apps
from django.conf import settings
from django.core import serializers
from django.core.management import call_command
from django.db import transaction
from django.db.models import F, OrderBy

FIXTURE_DIR = Path(settings.BASE_DIR) / "fixtures"


@dataclass(frozen=True)
class ReferenceFixture:
    file_name: str
    models: tuple[str, ...]

    @property
    def path(self) -> Path:
        return FIXTURE_DIR / self.file_name

    def querysets(self):
        for label in self.models:
            model = apps.get_model(label)
            manager = model._default_manager
            queryset = manager.curated() if hasattr(manager, "curated") else manager.all()
            yield queryset.order_by(*_natural_order(model))


def _natural_order(model) -> list:
    """A stable order for exports, so an unchanged database writes byte-identical files."""
    if model._meta.label_lower.endswith("citation"):
        record = model._meta.get_field("record").related_model
        return [
            *(_prefixed("record", o) for o in _natural_order(record)),
            "source__slug",
            "locator",
        ]
    orders = {
        "actors.actor": ["slug"],
        "actors.coalition": ["slug"],
        "actors.coalitionmembership": ["coalition__slug", "role", "actor__slug"],
        "reviews.roundtableobjective": [
            "round_table__cycle__slug",
            "round_table__number",
            "objective__number",
        ],
        "reviews.roundtable": ["cycle__slug", "number"],
        "reviews.declarationparagraph": ["cycle__slug", "number"],
        "reviews.declarationparagraphobjective": [
            "paragraph__cycle__slug",
            "paragraph__number",
            "objective__number",
        ],
        "reviews.reviewcycle": ["year", "slug"],
        "reviews.milestone": ["year", F("date").asc(nulls_first=True), "slug"],
        "reviews.frameworkindicator": ["framework", "code"],
        "actors.sourcedocument": ["slug"],
    }
    return orders.get(model._meta.label_lower, ["number"])


def _prefixed(relation: str, order):
    """``order`` (a field name or an ``OrderBy``) of a related model, seen from ``relation``."""
    if isinstance(order, str):
        return f"{relation}__{order}"
    if not isinstance(order, OrderBy):
        raise TypeError(f"Cannot order by {order!r} across a relation.")
    return OrderBy(
        F(f"{relation}__{order.expression.name}"),
        descending=order.descending,
        nulls_first=order.nulls_first,
        nulls_last=order.nulls_last,
    )


# Each file holds its records, then their citations (which name the records by natural key).
REFERENCE_FIXTURES = (
    ReferenceFixture("01_sources.json", ("actors.sourcedocument",)),
    ReferenceFixture("02_objectives.json", ("reviews.objective", "reviews.objectivecitation")),
    ReferenceFixture(
        "03_principles.json", ("reviews.guidingprinciple", "reviews.guidingprinciplecitation")
    ),
    ReferenceFixture("04_cycles.json", ("reviews.reviewcycle", "reviews.reviewcyclecitation")),
    ReferenceFixture(
        "05_round_tables.json",
        ("reviews.roundtable", "reviews.roundtableobjective", "reviews.roundtablecitation"),
    ),
    ReferenceFixture(
        "06_declaration_paragraphs.json",
        (
            "reviews.declarationparagraph",
            "reviews.declarationparagraphobjective",
            "reviews.declarationparagraphcitation",
        ),
    ),
    ReferenceFixture("07_milestones.json", ("reviews.milestone", "reviews.milestonecitation")),
    ReferenceFixture("08_actors.json", ("actors.actor", "actors.actorcitation")),
    ReferenceFixture("09_coalitions.json", ("actors.coalition", "actors.coalitioncitation")),
    ReferenceFixture(
        "10_coalition_memberships.json",
        ("actors.coalitionmembership", "actors.coalitionmembershipcitation"),
    ),
    # Empty until the administrators curate an official framework from its source: no
    # indicator is invented (issue 14).
    ReferenceFixture(
        "11_framework_indicators.json",
        ("reviews.frameworkindicator", "reviews.frameworkindicatorcitation"),
    ),
)


def load_reference(*, verbosity: int = 1) -> None:
    """Load every curated fixture in order, in one transaction; loading twice changes nothing."""
    missing = [f.file_name for f in REFERENCE_FIXTURES if not f.path.is_file()]
    if missing:
        raise FileNotFoundError(
            f"Missing reference fixtures in {FIXTURE_DIR}: {', '.join(missing)}"
        )
    # A file that holds no record yet (a framework not curated) is nothing to load.
    holding = [f for f in REFERENCE_FIXTURES if json.loads(f.path.read_text(encoding="utf-8"))]
    with transaction.atomic():
        call_command("loaddata", *[str(f.path) for f in holding], verbosity=verbosity)
        _drop_citations_the_fixtures_no_longer_give()


def _drop_citations_the_fixtures_no_longer_give() -> None:
    """A curated record keeps only the citations its fixture gives: a fact moved to the source that
    states it must not stay credited to the one that does not. (Records the fixtures do not hold,
    such as organisations added in the admin, keep theirs.)"""
    for fixture in REFERENCE_FIXTURES:
        records, kept = defaultdict(set), defaultdict(set)
        text = fixture.path.read_text(encoding="utf-8")
        for deserialized in serializers.deserialize("json", text):
            obj = deserialized.object
            if obj._meta.label_lower.endswith("citation"):
                kept[type(obj)].add(obj.pk)
            elif "citations" in {f.name for f in obj._meta.get_fields()}:
                citation_model = obj._meta.get_field("citations").related_model
                records[citation_model].add(obj.pk)
        for citation_model, record_ids in records.items():
            citation_model.objects.filter(record_id__in=record_ids).exclude(
                pk__in=kept[citation_model]
            ).delete()


def export_reference(*, directory: Path = FIXTURE_DIR) -> list[Path]:
    """Write the curated records of the database back to the fixture files."""
    directory.mkdir(parents=True, exist_ok=True)
    written = []
    for fixture in REFERENCE_FIXTURES:
        objects = [obj for queryset in fixture.querysets() for obj in queryset]
        text = serializers.serialize(
            "json",
            objects,
            indent=2,
            use_natural_foreign_keys=True,
            use_natural_primary_keys=True,
            ensure_ascii=False,
        )
        path = directory / fixture.file_name
        path.write_text(text + "\n", encoding="utf-8")
        written.append(path)
    return written
