"""Stored XSS: whatever people type as a comment is inert on the page that shows it.

Each payload is posted through the real view and read back from the objective page. Inside the
comment's body only the Markdown subset's tags may appear, with no event handler and no link or
source to a javascript:, vbscript: or data: address (after trimming, entity-decoding and the
control characters browsers ignore); across the whole page, nothing beyond the portal's own
script appears. Allowed Markdown still renders.
"""

import html
import re
from html.parser import HTMLParser

import pytest
from django.urls import reverse

from actors.models import Actor
from reviews.models import Comment, Flag, Objective
from tests.factories import ActorFactory, CommentFactory, MembershipFactory, VerifiedUserFactory

pytestmark = pytest.mark.django_db

PAYLOADS = [
    # Script tags, plain and disguised.
    "<script>alert(1)</script>",
    "<SCRIPT SRC=//evil.example/x.js></SCRIPT>",
    "<scr<script>ipt>alert(1)</scr</script>ipt>",
    '<script type="text/javascript">document.cookie</script>',
    "<<script>alert(1);//<</script>",
    "<script/src=data:,alert(1)>",
    "`<script>alert(1)</script>`",
    "    <script>alert('indented code block')</script>",
    # Event handlers.
    "<img src=x onerror=alert(1)>",
    '<IMG SRC="x" ONERROR="alert(1)">',
    "<img src=x onerror=&#97;lert(1)>",
    "<body onload=alert(1)>",
    '<div onmouseover="alert(1)">hover me</div>',
    "<a onmouseover=alert(1)>x</a>",
    '<p style="x" onclick="alert(1)">click</p>',
    "<input autofocus onfocus=alert(1)>",
    "<details open ontoggle=alert(1)>",
    "<video><source onerror=alert(1)></video>",
    "<marquee onstart=alert(1)>x</marquee>",
    '<em onmouseover="alert(1)">emphasis with a handler</em>',
    # javascript:, vbscript: and data: in Markdown links and images.
    "[click](javascript:alert(1))",
    "[click](JaVaScRiPt:alert(1))",
    "[click]( javascript:alert(1) )",
    "[click](<javascript:alert(1)>)",
    "[click](jav&#x09;ascript:alert(1))",
    "[click](jav\tascript:alert(1))",
    "[click](&#106;avascript:alert(1))",
    "[click](&#x6A;avascript&#x3A;alert(1))",
    "[click](javascript&colon;alert(1))",
    "[click](vbscript:msgbox(1))",
    "[click](data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==)",
    "![image](javascript:alert(1))",
    "![image](data:image/svg+xml;base64,PHN2ZyBvbmxvYWQ9YWxlcnQoMSk+)",
    "[ref]\n\n[ref]: javascript:alert(1)",
    "<javascript:alert(1)>",
    '[titled](https://example.org "x\\" onmouseover=\\"alert(1)")',
    "[titled](https://example.org 'a\" onclick=\"alert(1)')",
    # The same in raw HTML.
    '<a href="javascript:alert(1)">x</a>',
    '<a href="jav&#x09;ascript:alert(1)">x</a>',
    '<a href="jav&#x0A;ascript:alert(1)">x</a>',
    '<a href=" &#14;  javascript:alert(1)">x</a>',
    '<a href="&#0000106&#0000097&#0000118&#0000097&#0000115&#0000099&#0000114&#0000105">x</a>',
    '<a href="vbscript:msgbox(1)">x</a>',
    '<a href="data:text/html,<script>alert(1)</script>">x</a>',
    '<a href="https://example.org" onclick="alert(1)">mixed</a>',
    '<form action="javascript:alert(1)"><button>go</button></form>',
    # SVG, frames, objects, embeds, styles.
    "<svg onload=alert(1)>",
    "<svg><script>alert(1)</script></svg>",
    '<svg><a xlink:href="javascript:alert(1)"><text>x</text></a></svg>',
    '<iframe src="javascript:alert(1)"></iframe>',
    '<iframe srcdoc="<script>alert(1)</script>">',
    '<object data="javascript:alert(1)"></object>',
    '<embed src="data:text/html,<script>alert(1)</script>">',
    "<style>body{background:url(javascript:alert(1))}</style>",
    '<p style="width: expression(alert(1))">old IE</p>',
    '<div style="background-image: url(javascript:alert(1))">x</div>',
    "<link rel=stylesheet href=javascript:alert(1)>",
    '<meta http-equiv="refresh" content="0;url=javascript:alert(1)">',
    '<base href="javascript:alert(1)//">',
    # Broken and unclosed markup, comments, entities and mixed case.
    "<img src=x onerror=alert(1)",
    '<a href="https://example.org',
    "<!--<img src=x onerror=alert(1)>-->",
    "<![CDATA[<script>alert(1)</script>]]>",
    "&lt;script&gt;alert(1)&lt;/script&gt;",
    "&#60;script&#62;alert(1)&#60;/script&#62;",
    "<ScRiPt>alert(1)</sCrIpT>",
    '"><script>alert(1)</script>',
    "</div></article><script>alert(1)</script>",
    "**bold <script>alert(1)</script>** and *<img src=x onerror=alert(1)>*",
    "> quoted <iframe src=javascript:alert(1)>",
    "- list <svg/onload=alert(1)>\n- second",
]

FORBIDDEN_TAGS = [
    "iframe",
    "object",
    "embed",
    "svg",
    "style",
    "img",
    "form",
    "meta",
    "base",
    "link",
]
ALLOWED_TAGS = {"p", "br", "em", "strong", "ul", "ol", "li", "a", "blockquote", "code"}
DANGEROUS_SCHEMES = ("javascript:", "vbscript:", "data:")
# Browsers drop ASCII tab and newline anywhere in a URL and trim C0 controls and spaces around it.
IGNORED_IN_URLS = re.compile(r"[\x00-\x20]")
SCHEME = re.compile(r"^([a-zA-Z][a-zA-Z0-9+.-]*):")


class TagCollector(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.tags = []

    def handle_starttag(self, tag, attrs):
        self.tags.append((tag, attrs))

    handle_startendtag = handle_starttag


def tags_in(markup):
    parser = TagCollector()
    parser.feed(markup)
    parser.close()
    return parser.tags


def url_is_dangerous(value) -> bool:
    decoded = IGNORED_IN_URLS.sub("", html.unescape(value or "")).lower()
    return decoded.startswith(DANGEROUS_SCHEMES)


def assert_inert(body_html):
    """The checks on one comment's body as it appears on the page."""
    assert not re.search(r"<\s*script", body_html, re.I)
    assert not re.search(rf"<\s*({'|'.join(FORBIDDEN_TAGS)})\b", body_html, re.I)
    for raw_tag in re.findall(r"<[a-zA-Z][^>]*>", body_html):
        assert not re.search(r"\son\w+\s*=", raw_tag, re.I), raw_tag
    for tag, attrs in tags_in(body_html):
        assert tag in ALLOWED_TAGS, tag
        for name, value in attrs:
            assert not name.startswith("on"), (tag, name)
            assert name in {"href", "rel"}, (tag, name)
            if name == "href":
                assert not url_is_dangerous(value), value
                scheme = SCHEME.match(value)
                assert not scheme or scheme.group(1).lower() in {"http", "https", "mailto"}, value


def scripts_in(page):
    """The page's script tags, without their per-request nonce."""
    return [re.sub(r' nonce="[^"]*"', "", tag) for tag in re.findall(r"<script[^>]*>", page, re.I)]


def objective_page(client):
    return client.get(reverse("reviews:objective-detail", args=[7])).content.decode()


def comment_body(page, comment):
    article = re.search(
        rf'<article class="comment[^"]*" id="comment-{comment.pk}">(.*?)</article>', page, re.S
    )
    assert article, "the comment is on the page"
    body = re.search(r'<div class="comment-body"[^>]*>(.*)</div>', article.group(1), re.S)
    assert body
    return body.group(1)


def post_comment(client, body, **extra):
    objective = Objective.objects.get(number=7)
    data = {"target": "objective", "target_id": objective.pk, "body": body, **extra}
    response = client.post(reverse("reviews:comment-create"), data)
    assert response.status_code == 302, response.content.decode()[:500]
    return Comment.objects.latest("pk")


@pytest.fixture
def baseline_scripts(client, verified_user):
    client.force_login(verified_user)
    return scripts_in(objective_page(client))


def test_the_list_of_payloads_is_long_enough():
    assert len(set(PAYLOADS)) >= 50


@pytest.mark.parametrize("payload", PAYLOADS)
def test_a_hostile_comment_is_inert_on_the_objective_page(client, baseline_scripts, payload):
    comment = post_comment(client, payload)

    page = objective_page(client)

    assert comment.body == payload.strip(), "the source is kept as typed"
    assert_inert(comment_body(page, comment))
    assert scripts_in(page) == baseline_scripts, "only the portal's own script"
    for tag, attrs in tags_in(page):
        assert tag not in {"iframe", "object", "embed", "svg", "style", "img", "base", "meta"} or (
            tag == "meta" and not any(name == "http-equiv" for name, _ in attrs)
        ), tag
        for name, value in attrs:
            assert not name.startswith("on"), (tag, name, value)
            if name in {"href", "src", "action", "formaction", "data", "xlink:href"}:
                assert not url_is_dangerous(value), (tag, name, value)


def test_hostile_comments_are_inert_on_the_moderation_and_flag_pages(client, moderator):
    """The queue and the flag form quote the comment's HTML too."""
    objective = Objective.objects.get(number=7)
    comments = [CommentFactory(objective=objective, pledge=None, body=p) for p in PAYLOADS]
    flagger = VerifiedUserFactory()
    Flag.objects.bulk_create(Flag(user=flagger, comment=c, reason="spam") for c in comments)
    client.force_login(moderator)

    queue = client.get(reverse("reviews:moderation")).content.decode()
    flag_pages = [
        client.get(reverse("reviews:flag", args=["comment", c.pk])).content.decode()
        for c in comments
    ]

    assert queue.count('<article class="card" id="comment-') == len(PAYLOADS)
    for page in [queue, *flag_pages]:
        assert scripts_in(page) == scripts_in(flag_pages[0])
        quoted = re.findall(r"<blockquote>(.*?)</blockquote>", page, re.S)
        assert quoted
        for body in quoted:
            assert_inert(body)


def test_names_shown_beside_a_comment_are_escaped(client, verified_user):
    person = VerifiedUserFactory(display_name="<script>alert('name')</script>")
    actor = ActorFactory(name='<img src=x onerror="alert(1)">', kind=Actor.Kind.CIVIL_SOCIETY)
    MembershipFactory(user=person, actor=actor)
    client.force_login(person)
    comment = post_comment(client, "Hello.", actor=actor.pk)

    page = objective_page(client)

    article = re.search(rf'id="comment-{comment.pk}">(.*?)</article>', page, re.S).group(1)
    assert "&lt;script&gt;alert(&#x27;name&#x27;)&lt;/script&gt;" in article
    assert "&lt;img src=x onerror=&quot;alert(1)&quot;&gt;" in article
    assert "<img" not in article


def test_the_markdown_subset_still_renders(client, verified_user):
    source = (
        "Some *emphasis*, **strong words** and `code`.\n\n"
        "- first point\n- second point\n\n"
        "1. one\n2. two\n\n"
        "> a quotation\n\n"
        "See [the report](https://example.org/report?a=1&b=2) or [write](mailto:gcm@example.org)."
    )
    client.force_login(verified_user)
    comment = post_comment(client, source)

    body = comment_body(objective_page(client), comment)

    assert "<em>emphasis</em>" in body
    assert "<strong>strong words</strong>" in body
    assert "<code>code</code>" in body
    assert "<ul>\n<li>first point</li>\n<li>second point</li>\n</ul>" in body
    assert "<ol>\n<li>one</li>\n<li>two</li>\n</ol>" in body
    assert "<blockquote>\n<p>a quotation</p>\n</blockquote>" in body
    assert (
        '<a href="https://example.org/report?a=1&amp;b=2" rel="nofollow ugc noopener">'
        "the report</a>"
    ) in body
    assert '<a href="mailto:gcm@example.org" rel="nofollow ugc noopener">write</a>' in body
    assert_inert(body)


def test_every_link_carries_nofollow_ugc_noopener(client, verified_user):
    client.force_login(verified_user)
    comment = post_comment(
        client, '[a](https://a.example) and <a href="https://b.example" rel="me">b</a>'
    )

    body = comment_body(objective_page(client), comment)

    links = [dict(attrs) for tag, attrs in tags_in(body) if tag == "a"]
    assert links == [{"href": "https://a.example", "rel": "nofollow ugc noopener"}]
    assert "&lt;a href=" in body, "raw HTML is shown as text"
