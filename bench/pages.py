"""What the bench requests: the list pages and endpoints, and the timed pages (one place each).

Later issues add their dashboards to TIMED_PAGES. An address is a URL name (reversed, never a
hard-coded path) with arguments and query parameters taken from the seeded data (`Context`).
"""

from collections.abc import Callable
from dataclasses import dataclass, field

# Who makes the request: None is anonymous; the others are seed_demo's accounts (with MFA).
PERSONAS = {
    "moderator": "moderator@demo.example.org",
    "focal": "focal.state@demo.example.org",
}
# A word of every tenth demo pledge, for the timed search pages at both sizes.
COMMON_TERM = "remittances"


@dataclass(frozen=True)
class Context:
    """Facts of the seeded database the addresses need."""

    busy_pledge: int  # the pledge with the most public comments (~200)
    actor: str  # slug of the first demo organisation (a quarter of the pledges)
    cycle: str  # slug of the demo pledges' review cycle
    objective: int  # number of an objective with pledges
    rare_term: str  # words of exactly one pledge's title
    round: str  # slug of a reporting round open today (made by the probe)
    own_pledge: int  # a published pledge of the focal point's organisation
    need: int = 0  # an open need with offers (made by the probe)


@dataclass(frozen=True)
class Page:
    label: str
    url_name: str
    args: Callable[[Context], list] = lambda c: []
    query: Callable[[Context], dict] = lambda c: {}
    persona: str | None = None
    api: bool = False
    # Timed with every cached answer retired first (reviews.stats.invalidate): what the first
    # reader after a change waits. Printed for information: the target is the cached answer's.
    uncached: bool = False
    # Timed with every cached answer retired first, and held to the target: a page whose work
    # (a search, a list's queries) is the measure, although readers often get it from the cache.
    cold: bool = False


# Lists whose queries per request must not grow with the page size (issue 11, metric a). The API
# lists are added from the router (`api_lists()`), so a new endpoint is measured too.
HTML_LISTS = [
    Page("pledges", "reviews:pledge-list"),
    Page("actors", "actors:actor-list"),
    Page("coalitions", "actors:coalition-list"),
    Page("objectives", "reviews:objective-list"),
    Page("principles", "reviews:principle-list"),
    Page("cycles", "reviews:cycle-list"),
    Page("sources", "reviews:source-list"),
    Page("my pledges", "reviews:pledge-mine", persona="focal"),
    Page("notifications", "actors:notifications", persona="focal"),
    Page("moderation queue", "reviews:moderation", persona="moderator"),
    Page("moderation log", "reviews:moderation-log", persona="moderator"),
    Page("hidden items", "reviews:moderation-hidden", persona="moderator"),
    Page("following", "actors:following", persona="focal"),
    Page("reporting rounds", "reviews:round-list"),
    Page("needs board", "reviews:need-list"),
]


def api_lists() -> list[Page]:
    """Every list endpoint the API router serves, anonymous, and the pledges signed in."""
    from portal.api_urls import router

    pages = [
        # A list under a pledge (its results) is read for the focal point's own pledge.
        Page(
            f"api {prefix.split('/(?P<')[0]}{' results' if '(?P<' in prefix else ''}",
            f"api:{basename}-list",
            args=(lambda c: [c.own_pledge]) if "(?P<" in prefix else (lambda c: []),
            api=True,
        )
        for prefix, viewset, basename in router.registry
        if hasattr(viewset, "list")  # not an upload's endpoint (the spreadsheets')
    ]
    return [*pages, Page("api pledges (signed in)", "api:pledge-list", persona="focal", api=True)]


UNCACHED = " (counting, uncached)"


def _stats_pages(uncached: bool = False) -> list[Page]:
    from reviews.api.stats import stats_views

    suffix = UNCACHED if uncached else ""
    return [
        Page(f"stats {name}{suffix}", f"api:stats-{name}", api=True, uncached=uncached)
        for name in stats_views()
    ]


def timed_pages() -> list[Page]:
    """Pages timed at both sizes: their large ÷ small ratio should stay ≤ 1.5 (metric b)."""
    return [
        Page("home page", "home"),
        Page("pledge list (HTML)", "reviews:pledge-list"),
        # The anonymous API list is kept in the cache per address: timed as computed.
        Page("pledge list (API)", "api:pledge-list", api=True, cold=True),
        Page("search (HTML ?q=)", "reviews:pledge-list", query=lambda c: {"q": COMMON_TERM}),
        Page(
            "search (API ?search=)",
            "api:pledge-list",
            query=lambda c: {"search": COMMON_TERM},
            api=True,
            cold=True,
        ),
        Page("objective page", "reviews:objective-detail", args=lambda c: [c.objective]),
        Page("actor page", "actors:actor-detail", args=lambda c: [c.actor]),
        Page("cycle page", "reviews:cycle-detail", args=lambda c: [c.cycle]),
        Page("pledge page, 200 comments", "reviews:pledge-detail", args=lambda c: [c.busy_pledge]),
        # Loaded by every page (issue 12): one cached catalogue per language.
        Page("JavaScript catalogue (ar)", "javascript-catalog", args=lambda c: ["ar"]),
        *_stats_pages(),
        *_stats_pages(uncached=True),
        # Discovery (issue 13): the aggregate pages as most readers get them (their counts
        # cached until a pledge changes), and as the first reader after a change waits.
        Page("coverage map", "reviews:coverage"),
        Page("coverage map by coalition", "reviews:coverage", query=lambda c: {"by": "coalition"}),
        Page("dashboard", "reviews:dashboard"),
        Page("world map", "reviews:map"),
        Page(f"coverage map{UNCACHED}", "reviews:coverage", uncached=True),
        Page(f"dashboard{UNCACHED}", "reviews:dashboard", uncached=True),
        Page(f"world map{UNCACHED}", "reviews:map", uncached=True),
        Page("Atom feed of pledges", "feeds:pledges"),
        Page("Atom feed of an objective", "feeds:objective", args=lambda c: [c.objective]),
        Page("Atom feed of a saved search", "feeds:pledges", query=lambda c: {"q": COMMON_TERM}),
        Page("site search", "reviews:search", query=lambda c: {"q": COMMON_TERM}, cold=True),
        Page(
            "site search (API)",
            "api:search",
            query=lambda c: {"q": COMMON_TERM},
            api=True,
            cold=True,
        ),
        Page("site search, a rare word", "reviews:search", query=lambda c: {"q": c.rare_term}),
        # Measured results and reporting rounds (issue 14).
        Page(
            "pledge page with its indicators",
            "reviews:pledge-detail",
            args=lambda c: [c.own_pledge],
        ),
        Page(
            "expected result form (focal point)",
            "reviews:result-create",
            args=lambda c: [c.own_pledge],
            persona="focal",
        ),
        Page("reporting round page", "reviews:round-detail", args=lambda c: [c.round]),
        Page(
            f"reporting round page{UNCACHED}",
            "reviews:round-detail",
            args=lambda c: [c.round],
            uncached=True,
        ),
        Page("reporting round (API)", "api:round-detail", args=lambda c: [c.round], api=True),
        Page("spreadsheet round trip page (focal point)", "reviews:spreadsheet", persona="focal"),
        # Needs and offers (issue 15).
        Page("needs board", "reviews:need-list"),
        Page("need page with its offers", "reviews:need-detail", args=lambda c: [c.need]),
        # Dashboards of later issues go here.
    ]


@dataclass
class Measured:
    """A page's figures in one database, filled by the probe."""

    queries: dict[int, int] = field(default_factory=dict)
    seconds: float | None = None
