"""The invitation CSV parser: spreadsheet quirks and every bad row, without the app."""

import pytest

from learning.cohorts.invitations_csv import MAX_ROWS, parse_invitation_csv

ORGS = {"kathmandu health": 1, "fjordvik youth council": 2}


def parse(text: str | bytes):
    data = text.encode("utf-8") if isinstance(text, str) else text
    return parse_invitation_csv(data, ORGS)


def test_a_clean_file():
    rows, errors = parse(
        "email,name,organisation,role\n"
        "sita@example.org,Sita Sharma,Kathmandu Health,participant\n"
        "ola@example.org,Ola Nordmann,Fjordvik Youth Council,contact\n"
    )
    assert errors == []
    assert [(r.email, r.organisation_id, r.role) for r in rows] == [
        ("sita@example.org", 1, "participant"),
        ("ola@example.org", 2, "contact"),
    ]


def test_excel_style_bom_semicolons_and_windows_line_endings():
    data = "\ufeffEmail;Name;Organisation;Role\r\nSITA@Example.org;सीता शर्मा;kathmandu health;\r\n"
    rows, errors = parse(data.encode("utf-8"))
    assert errors == []
    assert (rows[0].email, rows[0].name, rows[0].role) == ("sita@example.org", "सीता शर्मा",
                                                            "participant")  # fmt: skip


def test_utf16_from_some_spreadsheets():
    rows, errors = parse("email\tname\nabebe@example.org\tAbebe Kebede\n".encode("utf-16"))
    assert errors == [] and rows[0].name == "Abebe Kebede"


def test_every_bad_row_gets_a_message_with_its_line():
    rows, errors = parse(
        "email,name,organisation,role\n"
        "not-an-email,Someone,,\n"
        "a@example.org,,,\n"
        "b@example.org,Bee,Unknown Org,\n"
        "c@example.org,Cee,,boss\n"
        "d@example.org,Dee,,\n"
        "D@example.org,Dee again,,\n"
    )
    messages = [str(e) for e in errors]
    assert messages[0].startswith("Line 2:") and "not a valid email" in messages[0]
    assert "Line 3: the name is empty" in messages[1]
    assert "Line 4:" in messages[2] and "unknown organisation 'Unknown Org'" in messages[2]
    assert "Line 5:" in messages[3] and "unknown role 'boss'" in messages[3]
    assert "Line 7:" in messages[4] and "already on line 6" in messages[4]
    assert [r.email for r in rows] == ["d@example.org"]


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"", "empty"),
        (b"   \n\n", "empty"),
        (b"email,name\n", "no rows"),
        (b"mail,fullname\nx@example.org,X\n", "header row"),
        (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "not text"),
        (b"email,name\n" + b"x@example.org,X\n" * 40000, "larger than"),
    ],
)
def test_whole_file_problems(data, message):
    rows, errors = parse(data)
    assert rows == []
    assert message in str(errors[0])


def test_too_many_rows():
    body = "".join(f"p{n}@example.org,P {n}\n" for n in range(MAX_ROWS + 1))
    rows, errors = parse("email,name\n" + body)
    assert rows == [] and f"more than {MAX_ROWS}" in str(errors[0])
