"""The vendored world map (reviews/data/world-110m.json, built by tools/geo/build.mjs)."""

import re
from collections import Counter

import pytest
from django_countries import countries

from reviews.geo import DATA_FILE, codes, world

NUMBER = r"-?\d+(?:\.\d+)?"
POINT = rf"{NUMBER},{NUMBER}"
# Closed rings of moveto/lineto only, as d3-geo writes them: nothing a template could be
# tricked by, so a path is safe to print unescaped.
PATH = re.compile(rf"(?:M{POINT}(?:L{POINT})*Z)+")


def test_map_draws_most_of_the_world():
    assert len(world().shapes) >= 170


@pytest.mark.parametrize(
    ("code", "name"),
    [
        ("FR", "France"),
        ("SN", "Senegal"),
        ("BR", "Brazil"),
        ("MX", "Mexico"),
        ("PH", "Philippines"),
        ("US", "United States of America"),
    ],
)
def test_map_draws_country_under_its_alpha2_code(code, name):
    by_code = {shape.code: shape for shape in world().shapes}

    assert code in codes()
    assert by_code[code].name == name


def test_every_code_is_a_django_countries_code():
    known = dict(countries)

    assert {code for code in codes() if code not in known} == set()


def test_each_code_is_drawn_once():
    drawn = Counter(shape.code for shape in world().shapes if shape.code is not None)

    assert [code for code, count in drawn.items() if count > 1] == []
    assert len(codes()) == sum(drawn.values())


def test_territories_without_an_iso_code_are_drawn_uncoded():
    uncoded = {shape.name for shape in world().shapes if shape.code is None}

    assert {"Kosovo", "Somaliland"} <= uncoded
    assert len(uncoded) <= 5


def test_antarctica_is_left_out():
    assert "AQ" not in codes()


def test_every_path_is_only_path_commands_and_numbers():
    bad = [shape.name for shape in world().shapes if not PATH.fullmatch(shape.d)]

    assert bad == []


def test_file_stays_small():
    assert DATA_FILE.stat().st_size < 200_000


def test_view_box_is_four_numbers_960_wide():
    parts = world().view_box.split()

    assert len(parts) == 4
    assert all(re.fullmatch(NUMBER, part) for part in parts)
    min_x, min_y, width, height = map(float, parts)
    assert (min_x, min_y, width) == (0, 0, 960)
    assert 300 < height < 600
