"""Tests for the server-side SVG charts: valid XML, escaping, and the text alternative."""

from __future__ import annotations

import xml.etree.ElementTree as ET

import pytest

from learning import charts
from learning.charts import before_after_chart, completion_chart

NS = {"svg": "http://www.w3.org/2000/svg"}
SCALE = ["Not at all", "A little", "Somewhat", "Mostly", "Completely"]
NASTY = "Me & <script>alert(\"x\")</script> 'quoted'"


def parse(svg: str) -> ET.Element:
    root = ET.fromstring(svg)  # noqa: S314 - our own output, parsed to prove it is valid XML
    assert root.tag == "{http://www.w3.org/2000/svg}svg"
    return root


def texts(root: ET.Element) -> list[str]:
    return ["".join(el.itertext()) for el in root.iterfind(".//svg:text", NS)]


def bars(root: ET.Element) -> list[ET.Element]:
    """Bars are the rects in the plot area (legend swatches and patterns sit elsewhere)."""
    return [r for r in root.iterfind("svg:rect", NS) if r.get("x") == str(charts.BAR_X)]


def contrast_with_white(colour: str) -> float:
    def channel(value: int) -> float:
        c = value / 255
        return c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4

    r, g, b = (int(colour[i : i + 2], 16) for i in (1, 3, 5))
    luminance = 0.2126 * channel(r) + 0.7152 * channel(g) + 0.0722 * channel(b)
    return 1.05 / (luminance + 0.05)


@pytest.mark.parametrize(
    "svg",
    [
        before_after_chart([("I can plan a visit", 2, 4)], SCALE, "Confidence"),
        completion_chart([("Module one", 40.0)], "Progress"),
    ],
)
def test_accessible_scalable_svg(svg: str) -> None:
    root = parse(svg)
    assert root.get("role") == "img"
    assert root.get("width") == "100%"
    assert root.get("height") is None
    assert root.get("viewBox", "").startswith("0 0 ")
    title = root.find("svg:title", NS)
    desc = root.find("svg:desc", NS)
    assert title is not None and title.text
    assert desc is not None and desc.text
    assert root.get("aria-labelledby") == title.get("id")
    assert root.get("aria-describedby") == desc.get("id")
    assert len(svg) < 4000
    assert "<script" not in svg


def test_before_after_text_alternative() -> None:
    svg = before_after_chart(
        [("I can plan a visit", 2, 4), ("I can listen", None, 5), ("I can wait", 3, None)],
        SCALE,
        "Confidence",
    )
    desc = parse(svg).find("svg:desc", NS).text
    assert "Ratings from 1 (Not at all) to 5 (Completely)." in desc
    assert "I can plan a visit: before 2 (A little), after 4 (Mostly)." in desc
    assert "I can listen: before not answered, after 5 (Completely)." in desc
    assert "I can wait: before 3 (Somewhat), after not answered." in desc


def test_before_after_bars_and_labels() -> None:
    root = parse(before_after_chart([("Plan", 2, 4), ("Listen", None, 5)], SCALE, "Confidence"))
    drawn = bars(root)
    # Three answers, three bars: an unanswered rating draws nothing.
    assert len(drawn) == 3
    assert [float(bar.get("width")) for bar in drawn] == [136, 272, 340]
    # Colour is not the only cue: hatched versus solid, a legend, and a name on each bar.
    assert drawn[0].get("fill").startswith("url(#")
    assert drawn[1].get("fill") == charts.AFTER_COLOUR
    words = texts(root)
    for expected in ("Before", "After", "before 2", "after 4", "after 5", "before: not answered"):
        assert expected in words
    assert "1 = Not at all · 2 = A little · 3 = Somewhat · 4 = Mostly · 5 = Completely" in words


def test_before_after_other_scale_lengths() -> None:
    root = parse(before_after_chart([("Plan", 4, 1)], ["No", "Some", "More", "Yes"], "Four"))
    assert [float(bar.get("width")) for bar in bars(root)] == [340, 85]
    assert {"1", "2", "3", "4"} <= set(texts(root))
    assert "5" not in texts(root)
    # Out-of-range ratings are clamped in the drawing, but printed as they are.
    root = parse(before_after_chart([("Plan", 9, 0)], SCALE, "Odd"))
    assert [float(bar.get("width")) for bar in bars(root)] == [340, 0]
    assert "before 9" in texts(root)


def test_before_after_without_scale_labels_uses_five_points() -> None:
    root = parse(before_after_chart([("Plan", 3, 5)], [], "Plain"))
    desc = root.find("svg:desc", NS).text
    assert "Ratings from 1 to 5." in desc
    assert "Plan: before 3, after 5." in desc


def test_labels_and_title_are_escaped() -> None:
    svg = before_after_chart([(NASTY, 1, 2)], [*SCALE[:4], "<b>Top</b> & best"], NASTY)
    assert "<script>" not in svg
    assert "&lt;script&gt;" in svg
    assert "Me &amp; " in svg
    assert "&lt;b&gt;Top&lt;/b&gt; &amp; best" in svg
    root = parse(svg)
    assert root.find("svg:title", NS).text == NASTY
    assert NASTY in root.find("svg:desc", NS).text
    assert not root.findall(".//svg:script", NS)

    svg = completion_chart([(NASTY, 50)], NASTY)
    assert "<script>" not in svg
    root = parse(svg)
    assert root.find("svg:title", NS).text == NASTY
    assert f"{NASTY}: 50% complete." in root.find("svg:desc", NS).text
    assert any("<script>" in text for text in texts(root))  # drawn as text, not as markup


def test_characters_xml_forbids_are_dropped() -> None:
    root = parse(before_after_chart([("bad\x00\x0bname\x1f", 1, 2)], SCALE, "t\x08"))
    assert "badname: before 1" in root.find("svg:desc", NS).text
    parse(completion_chart([("\x01module", 10)], "\x02"))


def test_long_labels_wrap_and_truncate() -> None:
    label = " ".join(["intercultural"] * 20)
    root = parse(before_after_chart([(label, 3, 4)], SCALE, "Long"))
    text = next(el for el in root.iterfind("svg:text", NS) if el.find("svg:tspan", NS) is not None)
    lines = [span.text for span in text.iterfind("svg:tspan", NS)]
    assert len(lines) == charts.LABEL_LINES
    assert all(len(line) <= charts.LABEL_CHARS for line in lines)
    assert lines[-1].endswith("…")
    # The full label survives in the text alternative and in a tooltip.
    assert label in root.find("svg:desc", NS).text
    assert text.find("svg:title", NS).text == label


def test_unicode_labels_survive() -> None:
    root = parse(completion_chart([("मॉड्यूल एक", 50), ("Mô-đun hai", 25)], "Tiến độ"))
    assert "मॉड्यूल एक: 50% complete." in root.find("svg:desc", NS).text
    assert "Mô-đun hai" in texts(root)


def test_charts_stay_small() -> None:
    items = [(f"Statement number {n} about living with a host family", 2, 4) for n in range(10)]
    assert len(before_after_chart(items, SCALE, "Ten")) < 8000
    rows = [(f"Module {n}: a fairly long module title", n * 10.0) for n in range(10)]
    assert len(completion_chart(rows, "Ten")) < 5000


def test_completion_chart_percentages() -> None:
    rows = [("One", 75.5), ("Two", 100), ("Three", 0), ("Four", 120), ("Five", -3)]
    root = parse(completion_chart(rows, "Progress"))
    words = texts(root)
    for expected in ("76%", "100%", "0%"):
        assert expected in words
    desc = root.find("svg:desc", NS).text
    assert "One: 76% complete. Two: 100% complete. Three: 0% complete." in desc
    assert "Four: 100% complete. Five: 0% complete." in desc
    fills = [float(bar.get("width")) for bar in bars(root) if bar.get("fill") != "#eeeeee"]
    assert fills == [256.7, 340, 0, 340, 0]


def test_empty_charts() -> None:
    root = parse(completion_chart([], "Progress"))
    assert "No modules yet." in root.find("svg:desc", NS).text
    root = parse(before_after_chart([], SCALE, "Confidence"))
    assert "No statements yet." in root.find("svg:desc", NS).text
    assert bars(root) == []


def test_ids_differ_between_charts() -> None:
    first = parse(completion_chart([("One", 10)], "A"))
    second = parse(completion_chart([("One", 20)], "A"))
    assert first.get("aria-labelledby") != second.get("aria-labelledby")


@pytest.mark.parametrize(
    "colour",
    [charts.BEFORE_COLOUR, charts.AFTER_COLOUR, charts.COMPLETE_COLOUR, charts.MUTED_COLOUR],
)
def test_colours_contrast_with_white(colour: str) -> None:
    assert contrast_with_white(colour) >= 3
