"""Text that users and authors write: plain-text cleaning, and Markdown rendered then sanitised.

This is the only module that imports markdown and bleach.
"""

import re
import unicodedata
from collections.abc import Callable

import bleach
import markdown
from markdown.treeprocessors import Treeprocessor
from markupsafe import Markup

# Zero-width characters and bidirectional controls can hide or reorder text
# ("Trojan Source"); they have no place in names or titles.
_INVISIBLE = re.compile("[\u200b-\u200f\u202a-\u202e\u2060-\u2064\u2066-\u2069\ufeff\u00ad]")


def clean_line(text: str) -> str:
    """One line of plain text (a name, a title): NFC, no control or invisible characters."""
    text = unicodedata.normalize("NFC", text or "")
    text = _INVISIBLE.sub("", text)
    text = "".join(ch for ch in text if unicodedata.category(ch) not in ("Cc", "Cf") or ch == " ")
    return " ".join(text.split())


def clean_block(text: str) -> str:
    """Multi-line plain text (a post's source): keep newlines and tabs, drop other controls."""
    text = unicodedata.normalize("NFC", text or "").replace("\r\n", "\n").replace("\r", "\n")
    text = _INVISIBLE.sub("", text)
    return "".join(
        ch for ch in text if ch in "\n\t" or unicodedata.category(ch) not in ("Cc", "Cf")
    )


# Bump when the Markdown pipeline or an allowlist changes: the next sync (and the next
# view of a cached post) renders again.
RENDERER_VERSION = "1"

_COURSE_EXTENSIONS = [
    "toc",
    "tables",
    "fenced_code",
    "attr_list",
    "admonition",
    "footnotes",
    "sane_lists",
]
_POST_EXTENSIONS = ["fenced_code", "sane_lists"]

_COURSE_TAGS = frozenset(
    {
        "a", "abbr", "blockquote", "br", "caption", "code", "dd", "del", "details", "div",
        "dl", "dt", "em", "figcaption", "figure", "h2", "h3", "h4", "h5", "h6", "hr", "img",
        "ins", "kbd", "li", "mark", "ol", "p", "pre", "span", "strong", "sub", "summary",
        "sup", "table", "tbody", "td", "tfoot", "th", "thead", "tr", "ul",
    }
)  # fmt: skip
_COURSE_ATTRIBUTES = {
    "a": ["href", "title", "id", "class", "rel"],
    "abbr": ["title"],
    "img": ["src", "alt", "title", "width", "height", "loading"],
    "h2": ["id"], "h3": ["id"], "h4": ["id"], "h5": ["id"], "h6": ["id"],
    "div": ["class"], "p": ["class"], "span": ["class"], "code": ["class"],
    "li": ["id"], "sup": ["id"], "ol": ["start"],
    "td": ["colspan", "rowspan"], "th": ["colspan", "rowspan", "scope"],
}  # fmt: skip
_POST_TAGS = frozenset(
    {"a", "blockquote", "br", "code", "em", "h3", "h4", "h5", "h6", "hr", "li", "ol", "p",
     "pre", "strong", "ul", "del"}
)  # fmt: skip
_POST_ATTRIBUTES = {"a": ["href", "title", "rel"], "ol": ["start"]}
_PROTOCOLS = frozenset({"http", "https", "mailto"})
POST_LINK_REL = "nofollow ugc noopener"

PROFILES = ("course", "post")


class _RewriteUrls(Treeprocessor):
    """Course content: point relative image and link URLs at their served location."""

    def __init__(self, md, resolve_url):
        super().__init__(md)
        self.resolve_url = resolve_url

    def run(self, root):
        for element in root.iter():
            attribute = {"img": "src", "a": "href"}.get(element.tag)
            if attribute and element.get(attribute):
                resolved = self.resolve_url(element.get(attribute))
                if resolved is not None:
                    element.set(attribute, resolved)
            if element.tag == "img":
                element.set("loading", "lazy")


class _PostShape(Treeprocessor):
    """Posts: headings start at h3 inside a page, and every link is marked as user content."""

    def run(self, root):
        for element in root.iter():
            if element.tag in ("h1", "h2", "h3", "h4", "h5", "h6"):
                element.tag = f"h{min(6, int(element.tag[1]) + 2)}"
            elif element.tag == "a":
                element.set("rel", POST_LINK_REL)


def _course_markdown(resolve_url) -> markdown.Markdown:
    md = markdown.Markdown(extensions=_COURSE_EXTENSIONS, output_format="html")
    if resolve_url is not None:
        md.treeprocessors.register(_RewriteUrls(md, resolve_url), "rewrite_urls", 1)
    return md


def _post_markdown() -> markdown.Markdown:
    md = markdown.Markdown(extensions=_POST_EXTENSIONS, output_format="html")
    # Raw HTML is shown as text, and images become plain links: an embedded external
    # image would leak every reader's address to its host.
    md.preprocessors.deregister("html_block")
    md.inlinePatterns.deregister("html")
    md.inlinePatterns.deregister("image_link")
    md.inlinePatterns.deregister("image_reference")
    md.treeprocessors.register(_PostShape(md), "post_shape", 1)
    return md


def render_markdown(
    text: str, profile: str = "post", resolve_url: Callable[[str], str | None] | None = None
) -> str:
    """Markdown to HTML, then sanitised with the profile's allowlist.

    `course` is the rich profile for authored lessons; `post` is the strict one for what
    users write. `resolve_url` (course only) maps relative URLs to served ones.
    """
    if profile == "course":
        html = _course_markdown(resolve_url).convert(text)
        tags, attributes = _COURSE_TAGS, _COURSE_ATTRIBUTES
    elif profile == "post":
        html = _post_markdown().convert(clean_block(text))
        tags, attributes = _POST_TAGS, _POST_ATTRIBUTES
    else:
        raise ValueError(f"unknown markup profile {profile!r}")
    return bleach.clean(html, tags=tags, attributes=attributes, protocols=_PROTOCOLS, strip=True)


def render_inline(text: str) -> str:
    """One line of course Markdown (a quiz option, a feedback line) without the <p> wrapper."""
    html = render_markdown(text, "course")
    if html.startswith("<p>") and html.endswith("</p>") and html.count("<p>") == 1:
        return html[3:-4]
    return html


def sanitised_html(html: str) -> Markup:
    """Jinja filter for HTML that render_markdown produced and the database cached.

    Sanitising happened when it was rendered (at sync or post time); this only tells Jinja
    not to escape it again. Never use it on anything else.
    """
    return Markup(html or "")  # noqa: S704 - sanitised when rendered, see above
