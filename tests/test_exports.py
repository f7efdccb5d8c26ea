"""Tests for CSV exports: formula neutralising, numbers left alone, BOM and line endings."""

from __future__ import annotations

import csv
import datetime as dt
import io
from decimal import Decimal

import pytest

from learning.exports import BOM, csv_response_text, neutralise_cell


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ('=HYPERLINK("http://evil")', '\'=HYPERLINK("http://evil")'),
        ("+1+1", "'+1+1"),
        ("-2+3", "'-2+3"),
        ("-1", "'-1"),  # text that looks like a number is still text from a person
        ("@SUM(A1)", "'@SUM(A1)"),
        ("\t=1", "'\t=1"),
        ("\r=1", "'\r=1"),
    ],
)
def test_dangerous_prefixes_get_an_apostrophe(value: str, expected: str) -> None:
    assert neutralise_cell(value) == expected


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (None, ""),
        ("", ""),
        ("Ingrid", "Ingrid"),
        ("a=b", "a=b"),
        (" =1", " =1"),
        ("नमस्ते", "नमस्ते"),
        (-1, "-1"),
        (3, "3"),
        (-2.5, "-2.5"),
        (Decimal("-0.5"), "-0.5"),
        (True, "True"),
        (dt.date(2024, 5, 1), "2024-05-01"),
    ],
)
def test_safe_values_pass_through(value, expected: str) -> None:
    assert neutralise_cell(value) == expected


def test_csv_text() -> None:
    text = csv_response_text(
        ["name", "=score"],
        [["Nguyễn Thị Lan", 80], ["=cmd|' /C calc'!A0", -1], ["Line\nbreak, comma", None]],
    )
    assert text.startswith(BOM)
    assert text.startswith("\ufeffname,'=score\r\n")
    assert text.endswith("\r\n")
    rows = list(csv.reader(io.StringIO(text[1:], newline="")))
    assert rows == [
        ["name", "'=score"],
        ["Nguyễn Thị Lan", "80"],
        ["'=cmd|' /C calc'!A0", "-1"],
        ["Line\nbreak, comma", ""],
    ]


def test_csv_text_encodes_as_utf8_with_bom() -> None:
    data = csv_response_text(["name"], [["मीरा"]]).encode("utf-8")
    assert data.startswith(b"\xef\xbb\xbf")
    assert data.decode("utf-8-sig") == "name\r\nमीरा\r\n"


def test_csv_text_accepts_generators() -> None:
    rows = ((n, f"-{n}") for n in range(2))
    assert csv_response_text(["n", "text"], rows) == "\ufeffn,text\r\n0,'-0\r\n1,'-1\r\n"
