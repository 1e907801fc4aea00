"""The world map: pledges per country concerned (or of the lead), on Natural Earth's outlines."""

from dataclasses import dataclass

from django.http import QueryDict
from django_countries import countries

from reviews import geo
from reviews.charts import Level, Scale
from reviews.discovery.selection import Selection, as_query, carried, list_url

# --- The world map ---------------------------------------------------------------------------


@dataclass(frozen=True)
class Country:
    code: str
    name: str
    count: int
    url: str
    level: Level
    d: str = ""  # its outline, when the map draws it


@dataclass(frozen=True)
class WorldMap:
    view_box: str
    drawn: tuple[Country, ...]
    undrawn: tuple[tuple[str, str], ...]  # (name, d) of outlines without an ISO code
    table: tuple[Country, ...]  # every country with pledges, most first
    without: tuple[Country, ...]  # the countries of the map without a pledge
    scale: Scale

    @property
    def total_countries(self) -> int:
        return len(self.table)


def world_map(data: QueryDict) -> WorldMap:
    """Pledges per country concerned (or of the lead), as the `country` filter counts them."""
    base = carried(data, "country")
    narrowed = as_query(base)
    found = {
        row["country"]: row["count"] for row in Selection(narrowed).counts("country-concerned")
    }
    scale = Scale.up_to(max(found.values(), default=0))
    outline = geo.world()

    def country(code: str, d: str = "") -> Country:
        count = found.get(code, 0)
        return Country(
            code,
            str(countries.name(code)) or code,
            count,
            list_url(base, country=code),
            scale.level(count),
            d,
        )

    drawn = tuple(country(s.code, s.d) for s in outline.shapes if s.code)
    table = tuple(sorted((country(code) for code in found), key=lambda c: (-c.count, c.name)))
    without = tuple(sorted((c for c in drawn if not c.count), key=lambda c: c.name))
    undrawn = tuple((s.name, s.d) for s in outline.shapes if not s.code)
    return WorldMap(outline.view_box, drawn, undrawn, table, without, scale)
