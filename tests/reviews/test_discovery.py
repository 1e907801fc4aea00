"""The coverage-gap map, the dashboards and the world map: every number equals a count by hand
over the same public pledges, every cell links to a list of exactly that many pledges (a gap
to an empty one), the CSVs hold the same figures, the pages cost a fixed number of queries and
follow a publication or a withdrawal at once."""

import csv
import io
import re
from collections import Counter
from urllib.parse import parse_qs, urlsplit

import pytest
from django.http import QueryDict
from django.urls import reverse
from rest_framework.test import APIClient

from actors.models import Actor, Region
from reviews import discovery, services
from reviews.charts import STEPS, Scale
from reviews.filters import PledgeFilter
from reviews.models import Objective, Pledge
from tests.factories import PledgeFactory
from tests.reviews.test_stats import world  # noqa: F401 (a fixture)

pytestmark = pytest.mark.django_db


def _public():
    return list(Pledge.objects.filter(status__in=["published", "withdrawn"]))


def _coalitions(pledge) -> set[str]:
    return {m.coalition.slug for m in pledge.lead.coalition_memberships.all()}


# by → the column values one pledge is counted under
COLUMNS = {
    "kind": lambda p: {p.lead.kind},
    "region": lambda p: {p.lead.region},
    "cycle": lambda p: {p.cycle.slug} if p.cycle else set(),
    "coalition": _coalitions,
}


def _listed(url: str) -> int:
    """How many public pledges the pledge list's filters in `url` choose."""
    data = QueryDict(urlsplit(url).query)
    pledge_filter = PledgeFilter(data, queryset=Pledge.objects.public())
    assert pledge_filter.is_valid(), pledge_filter.errors
    return pledge_filter.qs.count()


def _html_count(client, url: str) -> int:
    page = client.get(url).content.decode()
    if "No pledge matches these filters." in page:
        return 0
    found = re.search(r'class="result-count"[^>]*>\s*([\d,]+) pledge', page)
    assert found, "the list says how many pledges it holds"
    return int(found.group(1).replace(",", ""))


@pytest.mark.parametrize("by", list(discovery.AXES))
def test_each_coverage_cell_equals_a_count_by_hand(world, by):  # noqa: F811
    grid = discovery.coverage(discovery.AXES[by], QueryDict())
    columns = {column.value for column in grid.columns}
    expected = Counter()
    for pledge in _public():
        for objective in pledge.objectives.all():
            # A lead that states no region has no column (it counts in the objective's total).
            for value in COLUMNS[by](pledge) & columns:
                expected[objective.number, value] += 1

    answered = {
        (row.number, column.value): cell.count
        for row in grid.rows
        for column, cell in zip(grid.columns, row.cells, strict=True)
    }
    assert {key: count for key, count in answered.items() if count} == dict(expected)
    assert len(grid.rows) == 23
    assert grid.gaps == sum(1 for count in answered.values() if count == 0) > 0
    for row in grid.rows:
        numbers = [{o.number for o in p.objectives.all()} for p in _public()]
        assert row.total == sum(row.number in found for found in numbers)


@pytest.mark.parametrize("by", list(discovery.AXES))
def test_every_cell_links_to_a_list_of_exactly_its_count(client, world, by):  # noqa: F811
    grid = discovery.coverage(discovery.AXES[by], QueryDict())
    checked_pages = 0
    for row in grid.rows:
        for cell in row.cells:
            assert _listed(cell.url) == cell.count, cell.url
            if cell.count or checked_pages < 3:
                # The HTML list and the API's, read with the cell's own parameters.
                assert _html_count(client, cell.url) == cell.count, cell.url
                api = APIClient().get(reverse("api:pledge-list") + "?" + urlsplit(cell.url).query)
                assert api.status_code == 200
                assert len(api.json()["results"]) == cell.count, cell.url
                checked_pages += 1
    for column in grid.columns:
        assert _listed(column.url) == column.total


def test_a_gap_cell_leads_to_the_empty_list_the_journalist_expects(client, world):  # noqa: F811
    page = client.get(reverse("reviews:coverage"), {"by": "kind"})
    assert page.status_code == 200
    html = page.content.decode()
    grid = discovery.coverage(discovery.AXES["kind"], QueryDict())
    city = [value for value, _label in Actor.Kind.choices].index("local-government")
    gaps = [row for row in grid.rows if row.cells[city].gap]
    assert gaps, "some objective has no pledge of a local government"
    url = gaps[0].cells[city].url
    assert f'href="{url.replace("&", "&amp;")}"' in html
    assert parse_qs(urlsplit(url).query) == {
        "objective": [str(gaps[0].number)],
        "actor_kind": ["local-government"],
    }
    listed = client.get(url).content.decode()
    assert "No pledge matches these filters." in listed
    assert "(a gap)" in html


def test_the_coverage_map_carries_its_filters_into_every_link(world):  # noqa: F811
    data = QueryDict("cycle=imrf-2026&status=published&by=kind")
    grid = discovery.coverage(discovery.AXES["kind"], data)
    for row in grid.rows:
        for cell in row.cells:
            query = parse_qs(urlsplit(cell.url).query)
            assert query["cycle"] == ["imrf-2026"] and query["status"] == ["published"]
            assert _listed(cell.url) == cell.count


@pytest.mark.parametrize(
    "params", [{"by": "nonsense"}, {"objective": "999"}, {"cycle": "no-such-cycle"}], ids=str
)
def test_bad_coverage_parameters_are_a_400_with_a_message(client, world, params):  # noqa: F811
    response = client.get(reverse("reviews:coverage"), params)
    assert response.status_code == 400
    assert 'class="error"' in response.content.decode()
    assert client.get(reverse("reviews:coverage-csv"), params).status_code == 400


def test_the_coverage_csv_holds_the_grid(client, world):  # noqa: F811
    response = client.get(reverse("reviews:coverage-csv"), {"by": "region"})
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    grid = discovery.coverage(discovery.AXES["region"], QueryDict())
    assert rows[0][1:] == [column.label for column in grid.columns]
    assert len(rows) == 1 + 23
    for line, row in zip(rows[1:], grid.rows, strict=True):
        assert [int(value) for value in line[1:]] == [cell.count for cell in row.cells]


def _chart(name: str):
    return {chart.slug: chart for chart in discovery.dashboard(QueryDict())}[name]


DASHBOARD_KEYS = {
    "stakeholders": lambda p: p.lead.get_kind_display(),
    "regions": lambda p: p.lead.get_region_display() or "Not stated",
    "stages": lambda p: p.get_implementation_status_display(),
}


@pytest.mark.parametrize("name", list(DASHBOARD_KEYS))
def test_a_dashboard_chart_equals_a_count_by_hand(client, world, name):  # noqa: F811
    chart = _chart(name)
    expected = Counter(str(DASHBOARD_KEYS[name](p)) for p in _public())
    assert {bar.label: bar.count for bar in chart.bars if bar.count} == dict(expected)
    for bar in chart.bars:
        if bar.url:  # a lead that states no region has no list of its own
            assert _listed(bar.url) == bar.count, bar.url


def test_the_objective_chart_and_the_currency_totals_equal_counts_by_hand(world):  # noqa: F811
    per_objective = Counter(o.number for p in _public() for o in p.objectives.all())
    chart = _chart("objectives")
    assert [bar.count for bar in chart.bars] == [per_objective.get(n, 0) for n in range(1, 24)]

    currencies = _chart("currencies")
    financial = [p for p in _public() if p.support == "financial" and p.amount is not None]
    assert {bar.label: bar.count for bar in currencies.bars} == Counter(
        p.currency for p in financial
    )
    sums = {}
    for pledge in financial:
        sums[pledge.currency] = sums.get(pledge.currency, 0) + pledge.amount
    assert {bar.label: float(bar.value) for bar in currencies.bars} == {
        code: float(total) for code, total in sums.items()
    }
    for bar in currencies.bars:
        assert _listed(bar.url) == bar.count


def test_the_month_chart_links_each_month_to_its_pledges(world):  # noqa: F811
    months = Counter(p.published_at.strftime("%Y-%m") for p in _public())
    chart = _chart("months")
    assert sum(bar.count for bar in chart.bars) == sum(months.values())
    for bar in chart.bars:
        month = parse_qs(urlsplit(bar.url).query)["month"][0]
        assert bar.count == months[month] == _listed(bar.url)


def test_the_dashboard_page_has_every_chart_with_its_alternatives(client, world):  # noqa: F811
    html = client.get(reverse("reviews:dashboard")).content.decode()
    for name in discovery.CHARTS:
        assert f'id="chart-{name}"' in html
        assert f'aria-labelledby="chart-{name} chart-{name}-summary"' in html
        assert reverse("reviews:dashboard-csv", args=[name]) in html
    assert html.count("<table>") == len(discovery.CHARTS)
    csv_rows = list(
        csv.reader(
            io.StringIO(
                client.get(reverse("reviews:dashboard-csv", args=["regions"])).content.decode(
                    "utf-8-sig"
                )
            )
        )
    )
    assert {row[0]: int(row[1]) for row in csv_rows[1:]} == {
        bar.label: bar.count for bar in _chart("regions").bars
    }
    assert client.get(reverse("reviews:dashboard-csv", args=["nothing"])).status_code == 404


def test_the_world_map_counts_each_country_concerned_or_of_the_lead(client, world):  # noqa: F811
    expected = Counter()
    for pledge in _public():
        for code in {pledge.lead.country.code, *(c.code for c in pledge.countries)} - {""}:
            expected[code] += 1
    made = discovery.world_map(QueryDict())
    assert {country.code: country.count for country in made.table} == dict(expected)
    for country in made.table:
        assert _listed(country.url) == country.count
    drawn = {country.code for country in made.drawn}
    assert {"SN", "JO", "FR"} <= drawn
    assert all(country.count == 0 for country in made.without)

    html = client.get(reverse("reviews:map")).content.decode()
    assert html.count("<path ") >= 170
    assert "<title>Senegal: " in html
    csv_rows = list(
        csv.reader(io.StringIO(client.get(reverse("reviews:map-csv")).content.decode("utf-8-sig")))
    )
    assert {row[0]: int(row[2]) for row in csv_rows[1:] if int(row[2])} == dict(expected)


def test_nothing_but_public_pledges_is_counted_anywhere(client, actor_a):
    seven = Objective.objects.filter(number=7)
    for status in ["draft", "submitted", "returned", "rejected"]:
        PledgeFactory(lead=actor_a, status=status, objectives=list(seven), countries=["FR"])
    assert discovery.coverage(discovery.AXES["kind"], QueryDict()).gaps == 23 * len(
        Actor.Kind.choices
    )
    assert discovery.world_map(QueryDict()).table == ()
    assert all(bar.count == 0 for chart in discovery.dashboard(QueryDict()) for bar in chart.bars)
    for name in ("reviews:coverage", "reviews:dashboard", "reviews:map"):
        assert client.get(reverse(name)).status_code == 200


@pytest.mark.parametrize("name", ["reviews:coverage", "reviews:dashboard", "reviews:map"])
def test_the_pages_cost_the_same_queries_whatever_the_pledges(
    client, actor_a, django_assert_num_queries, name
):
    from reviews import stats

    seven = list(Objective.objects.filter(number__in=[7, 2]))
    counted = []
    for total in (1, 6):
        while Pledge.objects.count() < total:
            PledgeFactory(
                lead=actor_a, status="published", published=True, objectives=seven, countries=["FR"]
            )
        stats.invalidate()
        client.get(reverse(name))  # the cache warmed
        with django_assert_num_queries(QUERIES[name]) as queries:
            assert client.get(reverse(name)).status_code == 200
        counted.append(len(queries))
    assert counted[0] == counted[1]


# The counts come from the cache (in memory in the tests: a hit reads no table). What is left:
# the cycles and coalitions of the narrowing form, and the objectives' labels; on the coverage
# map, the open needs per objective too (reviews.models.needs, not cached).
QUERIES = {"reviews:coverage": 4, "reviews:dashboard": 3, "reviews:map": 2}


def test_a_publication_and_a_withdrawal_change_the_cached_pages_at_once(
    client, actor_a, focal_a, moderator, django_capture_on_commit_callbacks
):
    seven = list(Objective.objects.filter(number=7))
    pledge = PledgeFactory(
        lead=actor_a, objectives=seven, primary_objective=seven[0], countries=["FR"]
    )
    services.pledge_submit(pledge=pledge, by=focal_a)
    column = [value for value, _label in Actor.Kind.choices].index(actor_a.kind)

    def cell(**params):
        data = QueryDict(mutable=True)
        data.update(params)
        grid = discovery.coverage(discovery.AXES["kind"], data)
        return grid.rows[6].cells[column].count

    def france():
        return {c.code: c.count for c in discovery.world_map(QueryDict()).table}.get("FR", 0)

    assert cell() == 0 and france() == 0  # and now cached
    with django_capture_on_commit_callbacks(execute=True):
        services.pledge_publish(pledge=pledge, by=moderator)
    assert cell() == 1 and france() == 1
    assert cell(status="published") == 1

    with django_capture_on_commit_callbacks(execute=True):
        services.pledge_withdraw(pledge=pledge, by=focal_a, reason="Funding ended.")
    # Withdrawn pledges stay public, marked: only the published ones lose it.
    assert cell() == 1 and cell(status="published") == 0 and cell(status="withdrawn") == 1
    page = client.get(reverse("reviews:coverage"), {"status": "published"}).content.decode()
    assert 'objective=7&amp;actor_kind=civil-society">0' in page


def test_the_scale_is_ordered_dark_for_the_most_and_readable():
    assert [level.step for level in Scale.up_to(1).levels] == [0, 5]
    scale = Scale.up_to(100)
    assert [level.step for level in scale.levels] == [0, 1, 2, 3, 4, 5]
    assert scale.level(0).step == 0 and scale.level(100).step == 5 and scale.level(1).step == 1
    for fill, ink in STEPS:
        assert _contrast(fill, ink) >= 4.5, fill


def _luminance(colour: str) -> float:
    channels = [int(colour[i : i + 2], 16) / 255 for i in (1, 3, 5)]
    linear = [c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
    return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]


def _contrast(a: str, b: str) -> float:
    high, low = sorted([_luminance(a), _luminance(b)], reverse=True)
    return (high + 0.05) / (low + 0.05)


def test_regions_of_the_map_are_the_regional_reviews():
    assert [value for value, _ in discovery.AXES["region"].columns()] == list(Region.values)


# --- The pledges of a page ----------------------------------------------------------------


def _on(number: int) -> list[Pledge]:
    return [p for p in _public() if number in {o.number for o in p.objectives.all()}]


def test_an_objective_page_shows_its_pledges_and_who_pledged(client, world):  # noqa: F811
    response = client.get(reverse("reviews:objective-detail", args=[7]))
    html = response.content.decode()
    on_seven = _on(7)

    pledges = response.context["pledges"]
    assert pledges.count == len(on_seven) and not pledges.capped
    newest = sorted(on_seven, key=lambda p: (p.published_at, p.pk), reverse=True)
    assert [card.id for card in pledges.latest] == [p.pk for p in newest[: discovery.LATEST]]
    assert _listed(pledges.url) == len(on_seven)
    kinds = Counter(p.lead.kind for p in on_seven)
    for group, (value, _label) in zip(response.context["by_kind"], Actor.Kind.choices, strict=True):
        assert group.count == kinds.get(value, 0) == _listed(group.url)
    regions = Counter(p.lead.region for p in on_seven)
    for group, (value, _label) in zip(response.context["by_region"], Region.choices, strict=True):
        assert group.count == regions.get(value, 0) == _listed(group.url)
    assert 'type="application/atom+xml"' in html and reverse("feeds:objective", args=[7]) in html


def test_an_actor_page_shows_what_it_has_and_has_not_pledged_on(client, world, actor_a):  # noqa: F811
    mine = [
        p
        for p in _public()
        if p.lead == actor_a or p.partnerships.filter(actor=actor_a, status="confirmed").exists()
    ]
    pledged_on = {o.number for p in mine for o in p.objectives.all()}
    response = client.get(actor_a.get_absolute_url())
    html = response.content.decode()

    gaps = re.findall(r'actor=organisation-a">0<span class="visually-hidden"> \(a gap\)', html)
    assert len(gaps) == 23 - len(pledged_on)
    for number in pledged_on:
        count = sum(number in {o.number for o in p.objectives.all()} for p in mine)
        assert f'?objective={number}&amp;actor=organisation-a">{count}<' in html
    assert f"{len(mine)} public pledges" in html
    assert reverse("feeds:actor", args=[actor_a.slug]) in html
    kind = Counter(
        o.number for p in _public() if p.lead.kind == actor_a.kind for o in p.objectives.all()
    )
    for number, count in kind.items():
        assert f'?objective={number}&amp;actor_kind={actor_a.kind}">{count}<' in html


def test_a_coalition_page_lists_the_pledges_of_its_members(client, world):  # noqa: F811
    from actors.models import Coalition

    champions = Coalition.objects.get(slug="gcm-champion-countries")
    expected = [p for p in _public() if "gcm-champion-countries" in _coalitions(p)]
    html = client.get(champions.get_absolute_url()).content.decode()
    assert f"{len(expected)} public pledges" in html
    assert "coalition=gcm-champion-countries" in html


def _newest_on(numbers: set[int]) -> list[int]:
    """The ids of the newest few public pledges on any of the objectives, in the list's order."""
    from reviews.discovery.pages import PART_LATEST

    on = [p for p in _public() if numbers & {o.number for o in p.objectives.all()}]
    on.sort(key=lambda p: (p.published_at, p.pk), reverse=True)
    return [p.pk for p in on[:PART_LATEST]]


def test_a_cycle_page_counts_the_pledges_of_each_round_table_and_paragraph(client, world):  # noqa: F811
    from reviews.models import DeclarationParagraph, RoundTable

    cycle = "imrf-2022"
    response = client.get(reverse("reviews:cycle-detail", args=[cycle]))
    assert response.status_code == 200
    tables = RoundTable.objects.filter(cycle__slug=cycle).prefetch_related("objectives")
    assert tables
    for table in response.context["round_tables"]:
        numbers = {o.number for o in RoundTable.objects.get(pk=table.pk).objectives.all()}
        expected = sum(bool(numbers & {o.number for o in p.objectives.all()}) for p in _public())
        assert table.pledges.count == expected == _listed(table.pledges.url)
        assert [card.id for card in table.pledges.latest] == _newest_on(numbers)
    for paragraph in response.context["paragraphs"]:
        numbers = {
            o.number for o in DeclarationParagraph.objects.get(pk=paragraph.pk).objectives.all()
        }
        expected = sum(bool(numbers & {o.number for o in p.objectives.all()}) for p in _public())
        assert paragraph.pledges.count == expected == _listed(paragraph.pledges.url)
        assert [card.id for card in paragraph.pledges.latest] == _newest_on(numbers)
    from reviews.discovery.pages import PART_LATEST

    assert any(t.pledges.count > PART_LATEST for t in response.context["round_tables"])
    in_cycle = [p for p in _public() if p.cycle and p.cycle.slug == cycle]
    assert response.context["pledges"].count == len(in_cycle)


def test_the_home_page_gives_the_current_cycles_numbers(client, world):  # noqa: F811
    from reviews.models import ReviewCycle

    cycle = ReviewCycle.objects.current()
    response = client.get(reverse("home"))
    figures = response.context["figures"]
    in_cycle = [p for p in _public() if p.cycle_id == cycle.pk]
    assert figures.pledges.count == len(in_cycle) == _listed(figures.pledges.url)
    assert figures.objectives == len({o.number for p in in_cycle for o in p.objectives.all()})
    assert figures.kinds == len({p.lead.kind for p in in_cycle if p.objectives.exists()})
    countries = {c for p in in_cycle for c in {p.lead.country.code, *(x.code for x in p.countries)}}
    assert figures.countries == len(countries - {""})
    newest = response.context["newest"]
    assert newest.count == len(_public())
    html = response.content.decode()
    assert reverse("feeds:pledges") in html and reverse("feeds:progress") in html


def test_every_country_of_the_map_is_also_a_link_outside_it(client, world):  # noqa: F811
    """The map's small countries are small targets: each has the same link in the table or in
    the list of countries without a pledge (WCAG 2.5.8's equivalent control)."""
    html = client.get(reverse("reviews:map")).content.decode()
    svg, rest = html.split("</svg>", 1)
    svg, before = svg.split("<svg", 1)[1], svg.split("<svg", 1)[0]
    in_map = set(re.findall(r'<a href="([^"]+)"', svg))
    outside = set(re.findall(r'<a href="([^"]+)"', before + rest))
    assert len(in_map) >= 170
    assert in_map <= outside
