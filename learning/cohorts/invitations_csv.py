"""Parsing an uploaded invitation CSV (email, name, organisation, role) into checked rows.

Pure: no database. Every bad row gets a message with its line; the caller imports all rows
or none. The messages are in the reader's language inside a request, else English.
"""

import csv
import io
from dataclasses import dataclass

from email_validator import EmailNotValidError, validate_email
from flask_babel import gettext as _

from learning.markup import clean_line

MAX_BYTES = 512 * 1024
MAX_ROWS = 1000
COLUMNS = ("email", "name", "organisation", "role")
ROLES = ("participant", "contact", "facilitator")


@dataclass(frozen=True)
class InvitationRow:
    line: int
    email: str
    name: str
    organisation_id: int | None
    organisation_name: str
    role: str


@dataclass(frozen=True)
class RowError:
    line: int
    message: str

    def __str__(self) -> str:
        if not self.line:
            return self.message
        return _("Line %(line)s: %(message)s", line=self.line, message=self.message)


def _decode(data: bytes) -> str | None:
    for encoding in ("utf-8-sig", "utf-16"):
        try:
            text = data.decode(encoding)
        except UnicodeDecodeError:
            continue
        if "\x00" not in text:
            return text
    return None


def parse_invitation_csv(
    data: bytes, organisations: dict[str, int], default_role: str = "participant"
) -> tuple[list[InvitationRow], list[RowError]]:
    """`organisations` maps lower-cased organisation names to ids."""
    if not data.strip():
        return [], [RowError(0, _("The file is empty."))]
    if len(data) > MAX_BYTES:
        return [], [RowError(0, _("The file is larger than %(size)s KB.", size=MAX_BYTES // 1024))]
    text = _decode(data)
    if text is None:
        return [], [RowError(0, _("The file is not text. Save it as CSV (UTF-8) and try again."))]
    try:
        dialect = csv.Sniffer().sniff(text[:4096], delimiters=",;\t")
    except csv.Error:
        dialect = csv.excel
    reader = csv.reader(io.StringIO(text, newline=""), dialect)
    try:
        header = [cell.strip().lower() for cell in next(reader)]
    except (StopIteration, csv.Error):
        return [], [RowError(0, _("The file has no header row."))]
    missing = [column for column in ("email", "name") if column not in header]
    if missing:
        return [], [
            RowError(
                1,
                _(
                    "The header row must name the columns email, name, organisation and role "
                    "(missing: %(columns)s).",
                    columns=", ".join(missing),
                ),
            )
        ]
    index = {column: header.index(column) for column in COLUMNS if column in header}

    rows: list[InvitationRow] = []
    errors: list[RowError] = []
    seen: dict[str, int] = {}
    try:
        for record in reader:
            line = reader.line_num
            if not any(cell.strip() for cell in record):
                continue
            if len(rows) + len(errors) >= MAX_ROWS:
                return [], [RowError(0, _("The file has more than %(max)s rows.", max=MAX_ROWS))]

            def cell(column: str, record=record) -> str:
                position = index.get(column)
                return (
                    record[position].strip()
                    if position is not None and position < len(record)
                    else ""
                )

            problems = []
            raw_email = cell("email")
            try:
                email = validate_email(raw_email, check_deliverability=False).normalized.lower()
            except EmailNotValidError:
                email = raw_email.lower()
                problems.append(_("%(email)s is not a valid email address", email=repr(raw_email)))
            name = clean_line(cell("name"))
            if not name:
                problems.append(_("the name is empty"))
            elif len(name) > 100:
                problems.append(_("the name is longer than 100 characters"))
            organisation_name = clean_line(cell("organisation"))
            organisation_id = None
            if organisation_name:
                organisation_id = organisations.get(organisation_name.lower())
                if organisation_id is None:
                    problems.append(
                        _("unknown organisation %(name)s", name=repr(organisation_name))
                    )
            role = (cell("role") or default_role).lower()
            if role not in ROLES:
                problems.append(
                    _(
                        "unknown role %(role)s (use participant, contact or facilitator)",
                        role=repr(role),
                    )
                )
            if email in seen:
                problems.append(
                    _("%(email)s is already on line %(line)s", email=email, line=seen[email])
                )
            else:
                seen[email] = line
            if problems:
                errors.append(RowError(line, "; ".join(problems) + "."))
            else:
                rows.append(
                    InvitationRow(line, email, name, organisation_id, organisation_name, role)
                )
    except csv.Error as error:
        return [], [
            RowError(reader.line_num, _("The file is not valid CSV (%(error)s).", error=error))
        ]
    if not rows and not errors:
        errors.append(RowError(0, _("The file has a header but no rows.")))
    return rows, errors
