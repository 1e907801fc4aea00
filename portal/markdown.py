"""Safe rich text: a small Markdown subset rendered with markdown-it-py, then sanitised by nh3.

People may use emphasis, lists, links and quotes. Raw HTML in the source is shown as text, and the
sanitiser keeps only the tags of that subset whatever the renderer produced; links may only use
http, https or mailto and carry rel="nofollow ugc noopener".
"""

import nh3
from markdown_it import MarkdownIt

ALLOWED_TAGS = {"p", "br", "em", "strong", "ul", "ol", "li", "a", "blockquote", "code"}
# "*" must be given: without it nh3 (ammonia) keeps its default generic attributes, title and
# lang, on every tag, so a Markdown link title would reach the page.
ALLOWED_ATTRIBUTES = {"a": {"href"}, "*": set()}
URL_SCHEMES = {"http", "https", "mailto"}

_renderer = MarkdownIt("zero", {"html": False, "linkify": False, "typographer": False}).enable(
    ["emphasis", "list", "link", "blockquote", "backticks", "newline"]
)


def render_markdown(source: str) -> str:
    """HTML for the given Markdown, safe to put in a page as it is."""
    html = _renderer.render(source or "")
    return nh3.clean(
        html,
        tags=ALLOWED_TAGS,
        attributes=ALLOWED_ATTRIBUTES,
        url_schemes=URL_SCHEMES,
        link_rel="nofollow ugc noopener",
        strip_comments=True,
    )
