"""The Atom feeds (reviews.feeds): well-formed, public items only, moved by the lifecycle, the
pledge list's filters as saved searches, refusals, and a fixed number of queries."""

import datetime as dt
import xml.etree.ElementTree as ET
from html.parser import HTMLParser
from urllib.parse import parse_qs, urlsplit

import pytest
from django.http import QueryDict
from django.urls import reverse

from actors.models import Actor
from reviews import services
from reviews.filters import PledgeFilter, ProgressUpdateFilter
from reviews.models import Objective, Pledge, PledgePartner, ProgressUpdate
from tests.factories import (
    ActorFactory,
    PledgeFactory,
    PledgePartnerFactory,
    ProgressUpdateFactory,
    bulk_pledges,
)

pytestmark = pytest.mark.django_db

S = Pledge.Status
ATOM = "{http://www.w3.org/2005/Atom}"
XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"
SERVER = "http://testserver"
T0 = dt.datetime(2026, 3, 2, 9, 0, tzinfo=dt.UTC)


def at(days: int) -> dt.datetime:
    return T0 + dt.timedelta(days=days)


def read_feed(response) -> ET.Element:
    assert response.status_code == 200, response.content[:500]
    assert response["Content-Type"] == "application/atom+xml; charset=utf-8"
    root = ET.fromstring(response.content)  # noqa: S314 (the portal's own response)
    assert root.tag == f"{ATOM}feed"
    return root


def entries(root) -> list[ET.Element]:
    return root.findall(f"{ATOM}entry")


def links(root) -> list[str]:
    """The entries' links (a pledge's page, or a progress report's place on it), in order."""
    return [entry.find(f"{ATOM}link[@rel='alternate']").get("href") for entry in entries(root)]


def pledge_link(pledge) -> str:
    return SERVER + pledge.get_absolute_url()


def update_link(update) -> str:
    return f"{SERVER}{update.pledge.get_absolute_url()}#progress-{update.pk}"


def entry_of(root, link) -> ET.Element:
    (entry,) = [e for e in entries(root) if e.find(f"{ATOM}link").get("href") == link]
    return entry


@pytest.fixture
def world(db, time_machine, actor_a, actor_b):
    """Public pledges and reports in and out of objective 7, of Organisation A (lead) and B
    (confirmed partner), and of Senegal; and a private pledge in every other state, and
    reports no one may read, that match every feed (each private text says "secret")."""
    time_machine.move_to(T0, tick=False)
    six, seven, three = (Objective.objects.get(number=n) for n in (6, 7, 3))
    actor_a.country = "SN"
    actor_a.save()
    made = {
        "open": PledgeFactory(
            published=True,
            published_at=at(1),
            lead=actor_a,
            objectives=[six, seven],
            kind=Pledge.Kind.JOINT,
            title="Open pledge",
        ),
        "withdrawn": PledgeFactory(
            published=True,
            published_at=at(2),
            status=S.WITHDRAWN,
            lead=actor_a,
            primary_objective=seven,
            title="Withdrawn pledge",
        ),
        "elsewhere": PledgeFactory(
            published=True,
            published_at=at(3),
            lead=actor_b,
            primary_objective=three,
            countries=["FR"],
            title="Pledge elsewhere",
        ),
        # A declined partnership names no partner: not Organisation A's pledge.
        "declined": PledgeFactory(
            published=True, published_at=at(4), primary_objective=three, title="Declined"
        ),
    }
    PledgePartnerFactory(pledge=made["open"], actor=actor_b, status=PledgePartner.Status.CONFIRMED)
    PledgePartnerFactory(
        pledge=made["declined"], actor=actor_a, status=PledgePartner.Status.DECLINED
    )
    for day, name in enumerate(("open", "withdrawn", "elsewhere"), start=10):
        time_machine.move_to(at(day), tick=False)
        made[f"update-{name}"] = ProgressUpdateFactory(
            pledge=made[name], narrative=f"Shown report on {name}."
        )
    for status in (S.DRAFT, S.SUBMITTED, S.RETURNED, S.REJECTED):
        private = PledgeFactory(
            status=status,
            lead=actor_a,
            objectives=[seven],
            countries=["SN"],
            title=f"secret-pledge-{status}",
            summary=f"secret-summary-{status}",
        )
        PledgePartnerFactory(pledge=private, actor=actor_b, status=PledgePartner.Status.CONFIRMED)
        ProgressUpdateFactory(pledge=private, narrative=f"secret-report-{status}")
    for name in ("open", "withdrawn"):
        ProgressUpdateFactory(
            pledge=made[name], is_hidden=True, narrative=f"secret-hidden-report-{name}"
        )
    return made


def link_of(world, name) -> str:
    item = world[name]
    return update_link(item) if isinstance(item, ProgressUpdate) else pledge_link(item)


FEEDS = {
    "pledges": (("feeds:pledges", []), ["declined", "elsewhere", "withdrawn", "open"]),
    "progress": (
        ("feeds:progress", []),
        ["update-elsewhere", "update-withdrawn", "update-open"],
    ),
    "objective": (
        ("feeds:objective", [7]),
        ["update-withdrawn", "update-open", "withdrawn", "open"],
    ),
    "lead": (
        ("feeds:actor", ["organisation-a"]),
        ["update-withdrawn", "update-open", "withdrawn", "open"],
    ),
    "partner": (
        ("feeds:actor", ["organisation-b"]),
        ["update-elsewhere", "update-open", "elsewhere", "open"],
    ),
    "country": (
        ("feeds:country", ["SN"]),
        ["update-withdrawn", "update-open", "withdrawn", "open"],
    ),
}


@pytest.mark.parametrize("feed", FEEDS)
def test_each_feed_is_well_formed_atom_with_absolute_links(client, world, feed):
    (name, args), _expected = FEEDS[feed]
    url = reverse(name, args=args)

    root = read_feed(client.get(url))

    assert entries(root)
    for element in [root, *entries(root)]:
        for child in ("id", "title", "updated"):
            assert (element.findtext(f"{ATOM}{child}") or "").strip(), (child, element)
    for entry in entries(root):
        assert entry.findtext(f"{ATOM}published")
        assert entry.findtext(f"{ATOM}author/{ATOM}name")
        assert entry.findtext(f"{ATOM}summary")
        assert entry.findall(f"{ATOM}category")
    for link in root.iter(f"{ATOM}link"):
        assert link.get("href").startswith(f"{SERVER}/"), link.attrib
    assert root.find(f"{ATOM}link[@rel='self']").get("href") == SERVER + url
    assert root.findtext(f"{ATOM}id") == SERVER + url
    ids = [entry.findtext(f"{ATOM}id") for entry in entries(root)]
    assert len(set(ids)) == len(ids)


@pytest.mark.parametrize("feed", FEEDS)
def test_each_feed_holds_only_public_items_newest_first(client, world, feed):
    (name, args), expected = FEEDS[feed]

    response = client.get(reverse(name, args=args))

    assert links(read_feed(response)) == [link_of(world, item) for item in expected]
    assert b"secret" not in response.content


def test_a_pledge_entry_says_who_leads_it_and_its_objectives(client, world):
    root = read_feed(client.get(reverse("feeds:pledges")))

    entry = entry_of(root, pledge_link(world["open"]))
    assert entry.findtext(f"{ATOM}title") == "Open pledge"
    assert entry.findtext(f"{ATOM}author/{ATOM}name") == "Organisation A"
    assert entry.findtext(f"{ATOM}published") == at(1).isoformat()
    assert entry.findtext(f"{ATOM}updated") == at(1).isoformat()
    assert entry.findtext(f"{ATOM}id").startswith("tag:testserver,")
    categories = [(c.get("term"), c.get("label")) for c in entry.findall(f"{ATOM}category")]
    assert categories == [(str(o.number), str(o)) for o in world["open"].objectives.all()]
    assert [term for term, _label in categories] == ["6", "7"]


def test_a_progress_entry_links_to_its_report_on_the_pledge_page(client, world):
    update = world["update-open"]
    root = read_feed(client.get(reverse("feeds:progress")))

    entry = entry_of(root, update_link(update))
    assert "Open pledge" in entry.findtext(f"{ATOM}title")
    assert entry.findtext(f"{ATOM}author/{ATOM}name") == update.actor.name
    assert "Shown report on open." in entry.findtext(f"{ATOM}summary")
    page = client.get(world["open"].get_absolute_url())
    assert f'id="progress-{update.pk}"' in page.content.decode()


def test_an_entry_keeps_its_id_in_every_feed(client, world):
    def id_in(name, *args):
        root = read_feed(client.get(reverse(name, args=args)))
        return entry_of(root, pledge_link(world["open"])).findtext(f"{ATOM}id")

    assert (
        len({id_in("feeds:pledges"), id_in("feeds:objective", 7), id_in("feeds:country", "SN")})
        == 1
    )


def test_text_is_escaped_for_feed_readers(client, actor_a):
    PledgeFactory(published=True, lead=actor_a, title="<b>Bold</b>", summary="<script>x</script>")

    root = read_feed(client.get(reverse("feeds:pledges")))

    (entry,) = entries(root)
    assert entry.findtext(f"{ATOM}title") == "<b>Bold</b>"  # Atom text: shown as written
    summary = entry.find(f"{ATOM}summary")
    assert summary.get("type") == "html"
    assert summary.text == "&lt;script&gt;x&lt;/script&gt;"  # html, escaped: inert


def test_the_feed_speaks_the_readers_language(client, world):
    root = read_feed(client.get(reverse("feeds:country", args=["SN"]), HTTP_ACCEPT_LANGUAGE="fr"))

    assert root.get(XML_LANG) == "fr"
    assert "Sénégal" in root.findtext(f"{ATOM}title")


# The lifecycle -------------------------------------------------------------------------------


def test_publishing_a_pledge_adds_it_to_the_feed(client, time_machine, actor_a, moderator):
    time_machine.move_to(T0, tick=False)
    pledge = PledgeFactory(submitted=True, lead=actor_a, title="Soon published")
    url = reverse("feeds:pledges")
    assert links(read_feed(client.get(url))) == []

    time_machine.move_to(at(1), tick=False)
    services.pledge_publish(pledge=pledge, by=moderator)

    root = read_feed(client.get(url))
    assert links(root) == [pledge_link(pledge)]
    assert root.findtext(f"{ATOM}updated") == at(1).isoformat()
    entry = entries(root)[0]
    assert entry.findtext(f"{ATOM}title") == "Soon published"
    assert entry.findtext(f"{ATOM}published") == at(1).isoformat()


def test_withdrawing_marks_the_entry_and_moves_its_update(
    client, time_machine, actor_a, focal_a, moderator
):
    time_machine.move_to(T0, tick=False)
    pledge = PledgeFactory(submitted=True, lead=actor_a, title="Short-lived")
    services.pledge_publish(pledge=pledge, by=moderator)
    url = reverse("feeds:actor", args=[actor_a.slug])
    before = entries(read_feed(client.get(url)))[0]

    time_machine.move_to(at(10), tick=False)
    services.pledge_withdraw(pledge=pledge, by=focal_a, reason="Funding ended.")

    root = read_feed(client.get(url))
    (after,) = entries(root)
    assert after.findtext(f"{ATOM}title") == "Withdrawn: Short-lived"
    assert after.findtext(f"{ATOM}id") == before.findtext(f"{ATOM}id")
    assert after.findtext(f"{ATOM}published") == T0.isoformat()
    assert after.findtext(f"{ATOM}updated") == at(10).isoformat()
    assert root.findtext(f"{ATOM}updated") == at(10).isoformat()


# Saved searches ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "query",
    [
        "objective=7",
        "objective=7&actor_kind=civil-society",
        "actor_kind=member-state",
        "country=SN",
        "country=FR",
        "status=withdrawn",
        "kind=joint",
        "q=elsewhere",
        "objective=3&sort=title",
    ],
)
def test_the_pledge_feed_narrows_exactly_as_the_pledge_list(client, world, query):
    expected = PledgeFilter(QueryDict(query), queryset=Pledge.objects.public()).qs

    root = read_feed(client.get(f"{reverse('feeds:pledges')}?{query}"))

    assert set(links(root)) == {pledge_link(pledge) for pledge in expected}
    assert len(links(root)) == len(expected)
    alternate = root.find(f"{ATOM}link[@rel='alternate']").get("href")
    assert alternate == f"{SERVER}{reverse('reviews:pledge-list')}?{query}"
    assert root.findtext(f"{ATOM}id") == f"{SERVER}{reverse('feeds:pledges')}?{query}"


@pytest.mark.parametrize("query", ["objective=7", "stage=completed", "actor_kind=member-state"])
def test_the_progress_feed_narrows_as_its_filters(client, world, query):
    world["update-elsewhere"].stage = Pledge.ImplementationStatus.COMPLETED
    world["update-elsewhere"].save()
    expected = ProgressUpdateFilter(QueryDict(query), queryset=ProgressUpdate.objects.public()).qs

    root = read_feed(client.get(f"{reverse('feeds:progress')}?{query}"))

    assert set(links(root)) == {update_link(update) for update in expected}
    assert len(links(root)) == len(expected) > 0


def test_the_progress_feed_of_one_pledge(client, world):
    pledge = world["withdrawn"]

    root = read_feed(client.get(f"{reverse('feeds:progress')}?pledge={pledge.pk}"))

    assert links(root) == [update_link(world["update-withdrawn"])]


@pytest.mark.parametrize(
    ("name", "query", "parameter"),
    [
        ("feeds:pledges", "objective=99", "objective"),
        ("feeds:pledges", "objective=seven", "objective"),
        ("feeds:pledges", "actor_kind=city", "actor_kind"),
        ("feeds:pledges", "country=XX", "country"),
        ("feeds:pledges", "status=draft", "status"),
        ("feeds:pledges", "sort=random", "sort"),
        ("feeds:pledges", "cycle=no-such-cycle&objective=7", "cycle"),
        ("feeds:progress", "objective=1.5", "objective"),
        ("feeds:progress", "stage=someday", "stage"),
        ("feeds:progress", "pledge=draft", "pledge"),
    ],
)
def test_bad_filter_parameters_are_a_plain_400_naming_them(client, world, name, query, parameter):
    draft = Pledge.objects.get(status=S.DRAFT)
    query = query.replace("pledge=draft", f"pledge={draft.pk}")

    response = client.get(f"{reverse(name)}?{query}")

    assert response.status_code == 400
    assert response["Content-Type"] == "text/plain; charset=utf-8"
    body = response.content.decode()
    assert f"{parameter}:" in body
    assert "secret" not in body


@pytest.mark.parametrize(
    ("name", "args"),
    [
        ("feeds:objective", [24]),
        ("feeds:objective", [0]),
        ("feeds:objective", [2**70]),
        ("feeds:actor", ["no-such-organisation"]),
        ("feeds:actor", ["proposed"]),
        ("feeds:country", ["XX"]),
        ("feeds:country", ["sn"]),
        ("feeds:country", ["SEN"]),
    ],
)
def test_unknown_objective_actor_or_country_is_a_404(client, world, name, args):
    ActorFactory(slug="proposed", status=Actor.Status.PROPOSED)

    assert client.get(reverse(name, args=args)).status_code == 404


@pytest.mark.parametrize("name", ["feeds:pledges", "feeds:progress"])
def test_feeds_are_read_only(client, name):
    assert client.head(reverse(name)).status_code == 200
    assert client.post(reverse(name)).status_code == 405


# Queries -------------------------------------------------------------------------------------

# Whatever the number of entries: the pledges and their objectives; the reports with their
# pledge, lead and reporter, and the pledges' objectives; the objective (checked by the filter)
# or the organisation (for an organisation, looked up again by the `actor` filter).
QUERIES = {
    "pledges": (("feeds:pledges", []), 2),
    "progress": (("feeds:progress", []), 2),
    "objective": (("feeds:objective", [7]), 5),
    "actor": (("feeds:actor", ["lead"]), 6),
    "country": (("feeds:country", ["SN"]), 4),
}


@pytest.mark.parametrize("size", [1, 5])
@pytest.mark.parametrize("feed", QUERIES)
def test_each_feed_reads_a_fixed_number_of_queries(client, django_assert_num_queries, feed, size):
    lead = ActorFactory(slug="lead", country="SN")
    partner = ActorFactory()
    objectives = list(Objective.objects.filter(number__in=[3, 7]))
    pledges = bulk_pledges(
        size, lead=lead, objectives=objectives, partners=[partner], published=True
    )
    ProgressUpdate.objects.bulk_create(
        ProgressUpdateFactory.build(pledge=pledge, actor=partner) for pledge in pledges
    )
    (name, args), queries = QUERIES[feed]

    with django_assert_num_queries(queries):
        response = client.get(reverse(name, args=args))

    per_pledge = 1 if feed in ("pledges", "progress") else 2
    assert len(entries(read_feed(response))) == size * per_pledge


# The pledge list -----------------------------------------------------------------------------


class FeedLinks(HTMLParser):
    """The <link rel="alternate"> of a page's head and the feed links of its body."""

    def __init__(self):
        super().__init__()
        self.alternates, self.visible, self._in_head = [], [], False

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "head":
            self._in_head = True
        elif tag == "link" and attrs.get("rel") == "alternate" and self._in_head:
            self.alternates.append(attrs)
        elif tag == "a" and attrs.get("type") == "application/atom+xml":
            self.visible.append(attrs)

    def handle_endtag(self, tag):
        if tag == "head":
            self._in_head = False


def feed_links(response) -> FeedLinks:
    parser = FeedLinks()
    parser.feed(response.content.decode())
    return parser


def test_the_pledge_list_links_the_feed_of_its_current_filters(client, world):
    query = {"objective": ["7"], "actor_kind": ["civil-society"], "q": ["withdrawn"]}
    response = client.get(reverse("reviews:pledge-list"), query)

    assert response.status_code == 200
    found = feed_links(response)
    (alternate,) = found.alternates
    assert alternate["type"] == "application/atom+xml"
    assert alternate["title"] == "Atom feed of these pledges"
    (visible,) = found.visible
    for href in (alternate["href"], visible["href"]):
        address = urlsplit(href)
        assert address.path == reverse("feeds:pledges")
        assert parse_qs(address.query) == query
    # The feed behind the link is the list's selection.
    root = read_feed(client.get(alternate["href"]))
    expected = PledgeFilter(
        QueryDict(urlsplit(alternate["href"]).query), queryset=Pledge.objects.public()
    ).qs
    assert links(root) == [pledge_link(world["withdrawn"])] == [pledge_link(p) for p in expected]


def test_the_pledge_list_links_the_whole_feed_and_no_feed_of_bad_filters(client, world):
    found = feed_links(client.get(reverse("reviews:pledge-list")))
    assert [link["href"] for link in found.alternates] == [reverse("feeds:pledges")]

    refused = client.get(reverse("reviews:pledge-list"), {"objective": "99"})

    assert refused.status_code == 400
    assert feed_links(refused).alternates == feed_links(refused).visible == []
