"""The profile page and account creation: names in any script, languages, time zones."""

import pytest
from sqlalchemy import func, select

from learning.accounts.models import User
from learning.db import db


@pytest.mark.parametrize(
    "name",
    ["सीता शर्मा", "አበበ ከበደ", "فاطمة الزهراء", "Nguyễn Thị Hương", "Øystein Ærø"],
)
def test_names_in_any_script_are_stored_and_shown_intact(app, client, make_user, login, name):
    login(make_user())
    response = client.post(
        "/account/", data={"display_name": name, "language": "en", "timezone": "Asia/Kathmandu"}
    )
    assert response.status_code == 302
    assert name in client.get("/account/").get_data(as_text=True)
    with app.app_context():
        assert db.session.scalar(select(User.display_name)) == name


def test_invisible_and_bidi_controls_are_removed_from_names(app, client, make_user, login):
    login(make_user())
    client.post(
        "/account/",
        data={"display_name": "Ali\u202e ce\u200b", "language": "en", "timezone": "UTC"},
    )
    with app.app_context():
        assert db.session.scalar(select(User.display_name)) == "Ali ce"


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"display_name": "Kari", "language": "en", "timezone": "Mars/Olympus"}, "time zone"),
        ({"display_name": "Kari", "language": "xx", "timezone": "UTC"}, "Not a valid choice"),
        ({"display_name": "", "language": "en", "timezone": "UTC"}, "This field is required"),
        ({"display_name": "K" * 101, "language": "en", "timezone": "UTC"}, "100 characters"),
        ({"display_name": "\u200b\u200b", "language": "en", "timezone": "UTC"}, "1 to 100"),
    ],
)
def test_bad_profile_input_is_refused_and_changes_nothing(
    app, client, make_user, login, data, message
):
    user = make_user(name="Kari Nordmann")
    login(user)
    response = client.post("/account/", data=data)
    assert response.status_code == 400
    assert message in response.get_data(as_text=True)
    with app.app_context():
        stored = db.session.get(User, user.id)
        assert (stored.display_name, stored.language, stored.timezone) == (
            "Kari Nordmann",
            "en",
            "UTC",
        )


@pytest.mark.parametrize(
    "email", ["not-an-email", "a" * 250 + "@example.org", "", "two@@example.org"]
)
def test_malformed_and_overlong_emails_get_a_message(client, email):
    response = client.post("/account/forgot", data={"email": email})
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    assert 'class="error"' in page


def test_overlong_login_input_never_errors(client):
    response = client.post("/account/login", data={"email": "a" * 5000, "password": "b" * 5000})
    assert response.status_code == 200


def test_users_create_with_generated_password(app, runner):
    result = runner.invoke(
        args=[
            "users",
            "create",
            "--email",
            "New@Example.org",
            "--name",
            "Nadia",
            "--admin",
            "--generate-password",
        ]
    )
    assert result.exit_code == 0, result.output
    assert "Password (shown once):" in result.output
    with app.app_context():
        user = db.session.scalar(select(User))
        assert (user.email, user.global_role) == ("new@example.org", "admin")


def test_users_create_prompts_for_password(app, runner):
    result = runner.invoke(
        args=["users", "create", "--email", "p@example.org", "--name", "Pedro"],
        input="a good long password\na good long password\n",
    )
    assert result.exit_code == 0, result.output
    assert "shown once" not in result.output


def test_users_create_refuses_duplicates(runner, make_user):
    make_user(email="taken@example.org")
    result = runner.invoke(
        args=[
            "users",
            "create",
            "--email",
            "TAKEN@example.org",
            "--name",
            "X",
            "--generate-password",
        ]
    )
    assert result.exit_code != 0
    assert "already exists" in result.output


def test_demo_is_safe_to_run_twice(app, runner):
    first = runner.invoke(args=["demo"])
    second = runner.invoke(args=["demo"])
    assert first.exit_code == second.exit_code == 0, first.output + second.output
    assert "facilitator@example.org" in second.output
    with app.app_context():
        assert db.session.scalar(select(func.count(User.id))) == 8
