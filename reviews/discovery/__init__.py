"""Who pledged on what, at a glance: the coverage-gap map, the dashboards, the world map, and
the pledges of a page (an objective's, an actor's, a cycle's), worked out from the statistics.

Every figure is a count of reviews.stats over the public pledges, chosen by the pledge list's
FilterSet, and every figure links to the pledge list with exactly the filters that count it: a
cell of 0 (a gap) links to an empty list. The counts are cached under the statistics' token,
which every write they depend on replaces (publishing or withdrawing a pledge among them), so a
cached page is never stale; the pages themselves are rendered per request, in the reader's
language.

`selection` is what every figure is counted over and links to; `coverage_map`, `pages`,
`dashboards` and `world` the figures of each page; `downloads` their CSV.
"""

from reviews.discovery.coverage_map import AXES, actor_coverage, coverage, objective_groups
from reviews.discovery.dashboards import CHARTS, chart, dashboard
from reviews.discovery.downloads import chart_csv_rows, csv_response, map_csv_rows
from reviews.discovery.pages import (
    cycle_figures,
    cycle_part_counts,
    latest_updates,
    none_of,
    pledges_of,
)
from reviews.discovery.selection import (
    COUNT_LIMIT,
    FEED_OF_THESE,
    LATEST,
    PLEDGES_OF_MEMBERS,
    Selection,
    as_query,
    carried,
    chosen,
    feed_of,
    list_url,
    query,
)
from reviews.discovery.world import world_map

__all__ = [
    "AXES",
    "CHARTS",
    "COUNT_LIMIT",
    "FEED_OF_THESE",
    "LATEST",
    "PLEDGES_OF_MEMBERS",
    "Selection",
    "actor_coverage",
    "as_query",
    "carried",
    "chart",
    "chart_csv_rows",
    "chosen",
    "coverage",
    "csv_response",
    "cycle_figures",
    "cycle_part_counts",
    "dashboard",
    "feed_of",
    "latest_updates",
    "list_url",
    "map_csv_rows",
    "none_of",
    "objective_groups",
    "pledges_of",
    "query",
    "world_map",
]
