"""The sanitiser: no payload comes out executable, through either profile."""

import re
from html.parser import HTMLParser

import pytest

from learning.markup import POST_LINK_REL, clean_line, render_inline, render_markdown

XSS_PAYLOADS = [
    "<script>alert(1)</script>",
    "<img src=x onerror=alert(1)>",
    "<svg onload=alert(1)>",
    "<iframe src=https://evil.example></iframe>",
    "<style>body{display:none}</style>",
    "<form action=https://evil.example><input name=p></form>",
    "[click](javascript:alert(1))",
    "[click](JaVaScRiPt:alert(1))",
    "[click](java&#115;cript:alert(1))",
    "[click](&#106;avascript:alert(1))",
    "[click](data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==)",
    "[click](vbscript:msgbox(1))",
    "![x](javascript:alert(1))",
    '<a href="javascript:alert(1)">x</a>',
    '## Title {: onclick="alert(1)" }',
    '[x](https://example.org){: onmouseover="alert(1)" }',
    '<div style="position:fixed;top:0">x</div>',
    "<object data=x></object><embed src=x>",
    "<math><mtext><table><mglyph><style><img src=x onerror=alert(1)>",
    '<a href="  javascript:alert(1)">x</a>',
    "<meta http-equiv=refresh content='0;url=https://evil.example'>",
    "<base href=https://evil.example/>",
    "<details open ontoggle=alert(1)>",
]

DANGEROUS_TAGS = {
    "script", "iframe", "style", "form", "input", "object", "embed", "svg", "math", "meta",
    "base", "link", "frame", "frameset", "textarea", "button", "select",
}  # fmt: skip


class _Elements(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.found: list[tuple[str, list[tuple[str, str | None]]]] = []

    def handle_starttag(self, tag, attrs):
        self.found.append((tag, attrs))


def assert_inert(html: str) -> None:
    """Parse the output as a browser would and look for anything that could run."""
    parser = _Elements()
    parser.feed(html)
    for tag, attrs in parser.found:
        assert tag not in DANGEROUS_TAGS, html
        for name, value in attrs:
            assert not name.startswith("on"), html
            assert name != "style", html
            if name in ("href", "src", "action", "formaction", "xlink:href"):
                scheme = re.sub(r"[\x00-\x20]", "", value or "").lower().split(":", 1)
                assert len(scheme) == 1 or scheme[0] in ("http", "https", "mailto"), html


@pytest.mark.parametrize("payload", XSS_PAYLOADS)
@pytest.mark.parametrize("profile", ["course", "post"])
def test_payloads_are_neutralised(payload, profile):
    assert_inert(render_markdown(payload, profile))
    assert_inert(render_markdown(f"Some text\n\n{payload}\n\n- a list {payload}", profile))


def test_course_profile_keeps_what_authors_need():
    html = render_markdown(
        "## Key ideas\n\n"
        '!!! note "Framework: D.I.V.E."\n    Describe first.\n\n'
        "| a | b |\n|---|---|\n| 1 | 2 |\n\n"
        "Text[^1] and [a link](https://example.org).\n\n"
        "```python\nprint(1)\n```\n\n"
        "![A map of the partnership](assets/map.png)\n\n"
        "[^1]: A footnote.\n",
        "course",
    )
    assert '<h2 id="key-ideas">Key ideas</h2>' in html
    assert '<div class="admonition note">' in html
    assert "<table>" in html and "<td>1</td>" in html
    assert 'class="footnote"' in html
    assert 'class="language-python"' in html
    assert 'alt="A map of the partnership"' in html
    assert 'href="https://example.org"' in html


def test_course_urls_are_resolved_by_the_caller():
    html = render_markdown(
        "![Map](../assets/map.png) [next](02-next.md)",
        "course",
        resolve_url=lambda url: {"../assets/map.png": "/a/1/map.png"}.get(url),
    )
    assert 'src="/a/1/map.png"' in html and 'loading="lazy"' in html
    assert 'href="02-next.md"' in html


def test_post_profile_is_strict():
    html = render_markdown(
        "# Big\n\n## Bigger\n\n**bold** _em_ `code`\n\n> quote\n\n"
        "[site](https://example.org) [mail](mailto:a@example.org)\n\n"
        "![tracker](https://evil.example/pixel.png)\n\n<b>raw</b>",
        "post",
    )
    assert "<h1" not in html and "<h2" not in html
    assert "<h3>Big</h3>" in html and "<h4>Bigger</h4>" in html
    assert "<strong>bold</strong>" in html and "<blockquote>" in html
    assert f'href="https://example.org" rel="{POST_LINK_REL}"' in html
    assert 'href="mailto:a@example.org"' in html
    assert "<img" not in html
    assert "&lt;b&gt;raw&lt;/b&gt;" in html


def test_post_profile_drops_invisible_controls():
    html = render_markdown("safe\u202etxt.exe and zero\u200bwidth", "post")
    assert "\u202e" not in html and "\u200b" not in html


def test_render_inline_unwraps_one_paragraph():
    assert render_inline("An *option*") == "An <em>option</em>"


@pytest.mark.parametrize(
    ("raw", "clean"),
    [("  Sita   Sharma ", "Sita Sharma"), ("A\u202eB\u200bC", "ABC"), ("x\x00y\n", "xy")],
)
def test_clean_line(raw, clean):
    assert clean_line(raw) == clean


@pytest.mark.parametrize(
    "unsafe",
    ['<a href="javascript:alert(1)">x</a>', "<img src=x onerror=alert(1)>", "<script></script>",
     '<a href=" JAVA\tSCRIPT:x">x</a>', '<p style="x">y</p>'],
)  # fmt: skip
def test_the_inertness_check_itself_catches_payloads(unsafe):
    with pytest.raises(AssertionError):
        assert_inert(unsafe)
