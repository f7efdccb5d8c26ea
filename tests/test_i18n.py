"""Every interface catalog (nb, fr, es, pt) is complete, compiled, and used on real pages."""

import io
import re
from pathlib import Path

import pytest
from babel.messages.mofile import read_mo, write_mo
from babel.messages.pofile import read_po

from learning.accounts.models import User
from learning.cohorts.models import Membership
from learning.db import db
from tests.conftest import PASSWORD
from tests.progress.test_progress import dashboard_world  # noqa: F401 - fixture
from tests.quizzes.conftest import cohort_for, trees  # noqa: F401 - fixtures of dashboard_world

TRANSLATIONS = Path(__file__).resolve().parent.parent / "translations"
LANGUAGES = sorted(p.name for p in TRANSLATIONS.iterdir() if (p / "LC_MESSAGES").is_dir())

# A named placeholder, e.g. %(name)s or %(num)d; "%%" is a literal percent sign.
PLACEHOLDER = re.compile(r"%\([^)]*\)[#0 +-]*\d*(?:\.\d+)?[a-zA-Z]")


def _po_path(language: str) -> Path:
    return TRANSLATIONS / language / "LC_MESSAGES" / "messages.po"


def _read_po(language: str = "nb"):
    with _po_path(language).open("rb") as f:
        return read_po(f, locale=language)


def _messages(language: str = "nb"):
    return [m for m in _read_po(language) if m.id]


def _pairs(message) -> list[tuple[str, str]]:
    """(msgid, msgstr) pairs: our languages have two plural forms, singular and plural."""
    if isinstance(message.id, tuple):
        singular, plural = message.id
        strings = message.string
        assert len(strings) == 2, f"two plural forms needed: {message.id!r}"
        return [(singular, strings[0]), (plural, strings[1])]
    return [(message.id, message.string)]


def test_the_expected_languages_are_there():
    assert {"nb"} <= set(LANGUAGES)


def _placeholders(text: str) -> list[str]:
    return sorted(PLACEHOLDER.findall(text))


@pytest.mark.parametrize("language", LANGUAGES)
def test_catalog_has_messages(language):
    assert len(_messages(language)) > 100


@pytest.mark.parametrize("language", LANGUAGES)
def test_every_message_is_translated_and_not_fuzzy(language):
    messages = _messages(language)
    untranslated = [m.id for m in messages if not all(string.strip() for _, string in _pairs(m))]
    fuzzy = [m.id for m in messages if m.fuzzy]
    assert untranslated == []
    # Fuzzy entries are left out of the .mo, so they would show in English.
    assert fuzzy == []


@pytest.mark.parametrize("language", LANGUAGES)
def test_translations_keep_placeholders(language):
    wrong = [
        (msgid, string)
        for m in _messages(language)
        for msgid, string in _pairs(m)
        if _placeholders(msgid) != _placeholders(string)
    ]
    assert wrong == []


@pytest.mark.parametrize("language", LANGUAGES)
def test_translations_have_no_stray_percent_signs(language):
    # Templates format every message with %, so a lone "%" must be written "%%".
    wrong = [
        string
        for m in _messages(language)
        for _, string in _pairs(m)
        if "%" in PLACEHOLDER.sub("", string).replace("%%", "")
    ]
    assert wrong == []


def _mo_messages(catalog) -> dict:
    def frozen(value):
        return tuple(value) if isinstance(value, list | tuple) else value

    return {(m.context, frozen(m.id)): frozen(m.string) for m in catalog}


@pytest.mark.parametrize("language", LANGUAGES)
def test_mo_is_compiled_from_the_current_po(language):
    compiled = io.BytesIO()
    write_mo(compiled, _read_po(language))
    compiled.seek(0)
    with (TRANSLATIONS / language / "LC_MESSAGES" / "messages.mo").open("rb") as f:
        shipped = read_mo(f)
    expected = read_mo(compiled)
    assert _mo_messages(shipped) == _mo_messages(expected), (
        f"translations/{language}/LC_MESSAGES/messages.mo is out of date: "
        "run `.venv/bin/pybabel compile -d translations`"
    )


@pytest.mark.parametrize("language", [lang for lang in LANGUAGES if lang != "nb"])
def test_other_languages_show_their_own_heading(client, make_user, login, language):
    expected = _read_po(language)["Your account"].string
    assert expected and expected != "Your account"
    login(make_user(language=language))
    html = client.get("/account/").get_data(as_text=True)
    assert f"<h1>{expected}</h1>" in html


@pytest.mark.parametrize(
    ("language", "expected", "absent"),
    [("nb", "Kontoen din", "Your account"), ("en", "Your account", "Kontoen din")],
)
def test_profile_page_in_the_user_language(client, make_user, login, language, expected, absent):
    user = make_user(language=language)
    assert login(user).status_code == 302
    response = client.get("/account/")
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert f"<h1>{expected}</h1>" in html
    assert absent not in html


def test_browser_language_is_used_before_log_in(client):
    response = client.get("/account/login", headers={"Accept-Language": "nb-NO,nb;q=0.9,en;q=0.5"})
    assert response.status_code == 200
    assert "Glemt passordet?" in response.get_data(as_text=True)


def test_nb_user_sees_translated_form_labels_and_flash_messages(client, make_user, login):
    login(make_user(language="nb"))
    page = client.get("/account/").get_data(as_text=True)
    assert '<label for="timezone">Tidssone</label>' in page
    assert 'type="submit" value="Lagre profilen"' in page
    assert "Time zone" not in page and "Save profile" not in page

    data = {"display_name": "Kari", "language": "nb", "timezone": "Europe/Oslo"}
    saved = client.post("/account/", data=data, follow_redirects=True).get_data(as_text=True)
    assert "Profilen din er lagret." in saved and "Your profile is saved." not in saved

    refused = client.post("/account/", data=data | {"timezone": "Mars/Olympus"})
    assert refused.status_code == 400
    assert "Velg en tidssone fra listen." in refused.get_data(as_text=True)


# A matrix cell: its status as a class (always English), then in words for screen readers.
CELL = re.compile(r'<td class="[a-z-]+">[^<]*<span class="visually-hidden"> ([^<]+)</span>')


def test_progress_dashboard_shows_status_words_in_the_user_language(
    app,
    client,
    login,
    make_user,
    dashboard_world,  # noqa: F811 - the fixture imported above
):
    facilitator, _learners, _contact, cohort, _ids, _orgs = dashboard_world
    colleague = make_user(role="facilitator")
    with app.app_context():
        db.session.get(User, facilitator.id).language = "nb"
        db.session.add(Membership(cohort_id=cohort.id, user_id=colleague.id, role="facilitator"))
        db.session.commit()
    login(facilitator)
    page = client.get(f"/cohorts/{cohort.slug}/progress").get_data(as_text=True)
    words = set(CELL.findall(page))
    assert {"ferdig", "forsinket", "ikke åpnet ennå"} <= words
    assert words <= {"ferdig", "forsinket", "åpen", "ikke åpnet ennå"}
    assert '<td class="behind">!<span class="visually-hidden"> forsinket</span></td>' in page
    assert "Oppgave: Plan" in page and "Task: " not in page

    # The cells are cached per language: an English colleague still reads English.
    english = app.test_client()
    english.post("/account/login", data={"email": colleague.email, "password": PASSWORD})
    page = english.get(f"/cohorts/{cohort.slug}/progress").get_data(as_text=True)
    words = set(CELL.findall(page))
    assert {"done", "behind", "not open"} <= words
    assert not words & {"ferdig", "forsinket", "åpen", "ikke åpnet ennå"}
    assert "Task: Plan" in page
