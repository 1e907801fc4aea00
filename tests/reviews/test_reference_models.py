import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from reviews.models import Objective, ReviewCycle, RoundTable, RoundTableObjective
from tests.factories import MilestoneFactory, ReviewCycleFactory, RoundTableFactory

pytestmark = pytest.mark.django_db


def test_an_objective_is_covered_by_one_round_table_per_cycle():
    imrf = ReviewCycle.objects.get(slug="imrf-2022")
    other_table = RoundTable.objects.get(cycle=imrf, number=2)
    objective_of_table_1 = Objective.objects.get(number=2)

    link = RoundTableObjective(round_table=other_table, objective=objective_of_table_1)

    with pytest.raises(ValidationError, match="already covered by another round table"):
        link.full_clean()


def test_another_cycle_may_cover_the_same_objective_again():
    round_table = RoundTableFactory(cycle=ReviewCycleFactory())

    RoundTableObjective(
        round_table=round_table, objective=Objective.objects.get(number=2)
    ).full_clean()


def test_objective_numbers_stay_within_1_to_23():
    with pytest.raises(IntegrityError), transaction.atomic():
        Objective.objects.create(
            number=24,
            title="Not an objective",
            short_label="No",
        )


def test_cycle_cannot_end_before_it_starts():
    cycle = ReviewCycleFactory.build(
        starts_on=dt.date(2030, 5, 10),
        ends_on=dt.date(2030, 5, 1),
    )

    with pytest.raises(ValidationError, match="cannot end before it starts"):
        cycle.full_clean()


def test_milestone_date_falls_in_its_year():
    milestone = MilestoneFactory.build(year=2018, date=dt.date(2019, 1, 1))

    with pytest.raises(ValidationError, match="must fall in the milestone's year"):
        milestone.clean()


def test_current_cycle_is_the_open_one_then_the_next_then_the_latest():
    now = dt.datetime(2022, 1, 15, tzinfo=dt.UTC)
    assert ReviewCycle.objects.current(now).slug == "imrf-2022"

    later = dt.datetime(2026, 1, 1, tzinfo=dt.UTC)
    assert ReviewCycle.objects.current(later).slug == "imrf-2026"

    much_later = dt.datetime(2029, 1, 1, tzinfo=dt.UTC)
    assert ReviewCycle.objects.current(much_later).slug == "imrf-2026"
