"""The world map's country outlines, for the choropleth of pledges by country.

The outlines are Natural Earth 1:110m (public domain), projected once at build time by
`tools/geo/build.mjs` into SVG paths and committed as `reviews/data/world-110m.json`. The map is
drawn on the server from them, so it works without JavaScript and under the strict CSP (no
script, no asset from another host), and nothing is fetched or projected at run time.
"""

import json
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from django_countries import countries

DATA_FILE = Path(__file__).resolve().parent / "data" / "world-110m.json"


@dataclass(frozen=True)
class Shape:
    """One country's outline: `d` is an SVG path in the map's view box.

    `code` is the ISO 3166-1 alpha-2 code pledges use, or None for the few territories Natural
    Earth draws that have no ISO code (Kosovo, N. Cyprus, Somaliland): they are drawn, never
    coloured.
    """

    code: str | None
    name: str
    d: str


@dataclass(frozen=True)
class WorldMap:
    view_box: str
    shapes: tuple[Shape, ...]


def _alpha2(numeric: str | None) -> str | None:
    # The atlas keys countries by ISO 3166-1 numeric code; pledges use alpha-2. An id that
    # django-countries does not know stays uncoded rather than guessed at.
    if numeric is None:
        return None
    return countries.alpha2(int(numeric)) or None


@lru_cache(maxsize=1)
def world() -> WorldMap:
    """The map, read from the vendored file once per process (it never changes at run time)."""
    data = json.loads(DATA_FILE.read_text(encoding="utf-8"))
    return WorldMap(
        view_box=data["view_box"],
        shapes=tuple(
            Shape(code=_alpha2(entry["id"]), name=entry["name"], d=entry["d"])
            for entry in data["countries"]
        ),
    )


def codes() -> frozenset[str]:
    """The alpha-2 codes the map can colour; a pledge's other countries are listed, not drawn."""
    return frozenset(shape.code for shape in world().shapes if shape.code is not None)
