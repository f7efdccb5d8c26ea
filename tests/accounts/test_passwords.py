"""Forgotten password, reset tokens, changing the password."""

import re
import socket
from datetime import timedelta

import pytest
from aiosmtpd.controller import Controller
from sqlalchemy import select, update

from learning.accounts.models import PasswordResetToken, User
from learning.db import db, utcnow
from learning.mail import mail_text
from tests.conftest import PASSWORD

NEW_PASSWORD = "a brand new passphrase"


def _reset_link(message) -> str:
    return re.search(r"/account/reset/[\w-]+", mail_text(message)).group(0)


def test_forgot_gives_the_same_answer_for_known_and_unknown_email(client, make_user, sent_mail):
    user = make_user()
    known = client.post("/account/forgot", data={"email": user.email})
    unknown = client.post("/account/forgot", data={"email": "nobody@example.org"})
    assert known.status_code == unknown.status_code == 200

    def strip(page: str) -> str:
        return page.replace(user.email, "EMAIL").replace("nobody@example.org", "EMAIL")

    assert strip(known.get_data(as_text=True)) == strip(unknown.get_data(as_text=True))
    assert [m["To"] for m in sent_mail] == [user.email]


def test_reset_token_works_once(client, make_user, sent_mail):
    user = make_user()
    client.post("/account/forgot", data={"email": user.email})
    link = _reset_link(sent_mail[0])

    assert client.get(link).status_code == 200
    response = client.post(link, data={"password": NEW_PASSWORD, "confirm": NEW_PASSWORD})
    assert response.status_code == 302
    assert (
        client.post(
            "/account/login", data={"email": user.email, "password": NEW_PASSWORD}
        ).status_code
        == 302
    )

    again = client.post(
        link, data={"password": "another passphrase", "confirm": "another passphrase"}
    )
    assert again.status_code == 400
    assert "does not work" in again.get_data(as_text=True)


def test_expired_reset_token_is_refused(app, client, make_user, sent_mail):
    user = make_user()
    client.post("/account/forgot", data={"email": user.email})
    link = _reset_link(sent_mail[0])
    with app.app_context():
        db.session.execute(
            update(PasswordResetToken).values(expires_at=utcnow() - timedelta(seconds=1))
        )
        db.session.commit()
    response = client.post(link, data={"password": NEW_PASSWORD, "confirm": NEW_PASSWORD})
    assert response.status_code == 400
    with app.app_context():
        stored = db.session.get(User, user.id)
        assert (
            client.post(
                "/account/login", data={"email": user.email, "password": PASSWORD}
            ).status_code
            == 302
        )
        assert stored.password_hash


def test_tampered_reset_token_gets_a_clear_page(client):
    response = client.get("/account/reset/not-a-real-token")
    assert response.status_code == 400
    assert "does not work" in response.get_data(as_text=True)


def test_reset_logs_out_every_session(app, client, make_user, sent_mail, login):
    user = make_user()
    other = app.test_client()
    other.post("/account/login", data={"email": user.email, "password": PASSWORD})
    client.post("/account/forgot", data={"email": user.email})
    client.post(_reset_link(sent_mail[0]), data={"password": NEW_PASSWORD, "confirm": NEW_PASSWORD})
    assert other.get("/account/").status_code == 302


def test_change_password_revokes_other_sessions_only(app, client, make_user, login):
    user = make_user()
    other = app.test_client()
    other.post("/account/login", data={"email": user.email, "password": PASSWORD})
    login(user)
    response = client.post(
        "/account/password",
        data={"current": PASSWORD, "password": NEW_PASSWORD, "confirm": NEW_PASSWORD},
    )
    assert response.status_code == 302
    assert client.get("/account/").status_code == 200
    assert other.get("/account/").status_code == 302


def test_change_password_needs_the_current_one(client, make_user, login):
    user = make_user()
    login(user)
    response = client.post(
        "/account/password",
        data={"current": "wrong password!", "password": NEW_PASSWORD, "confirm": NEW_PASSWORD},
    )
    assert response.status_code == 400
    assert "current password is not correct" in response.get_data(as_text=True)


@pytest.mark.parametrize(
    ("password", "confirm", "message"),
    [
        ("short", "short", "at least 10"),
        ("x" * 201, "x" * 201, "between 10 and 200"),
        ("a long enough one", "a different one!", "differ"),
    ],
)
def test_bad_new_passwords_are_refused(client, make_user, login, password, confirm, message):
    login(make_user())
    response = client.post(
        "/account/password", data={"current": PASSWORD, "password": password, "confirm": confirm}
    )
    assert response.status_code == 400
    assert message in response.get_data(as_text=True).lower()


class _Collector:
    def __init__(self) -> None:
        self.messages = []

    async def handle_DATA(self, server, session, envelope):  # noqa: N802 - aiosmtpd's name
        self.messages.append(envelope)
        return "250 Message accepted for delivery"


@pytest.fixture
def smtp_sink(app):
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    handler = _Collector()
    controller = Controller(handler, hostname="127.0.0.1", port=port)
    controller.start()
    saved = {k: app.config[k] for k in ("MAIL_BACKEND", "MAIL_SERVER", "MAIL_PORT")}
    app.config.update(MAIL_BACKEND="smtp", MAIL_SERVER="127.0.0.1", MAIL_PORT=port)
    yield handler
    app.config.update(saved)
    controller.stop()


def test_reset_mail_goes_through_a_real_smtp_server(client, make_user, smtp_sink):
    user = make_user(name="Abebe Kebede")
    client.post("/account/forgot", data={"email": user.email})
    assert len(smtp_sink.messages) == 1
    envelope = smtp_sink.messages[0]
    assert envelope.rcpt_tos == [user.email]
    content = envelope.content.decode()
    assert "Subject: Reset your Exchange Learning password" in content
    assert "text/html" in content and "text/plain" in content


def test_no_mail_when_the_transaction_rolls_back(app, make_user, sent_mail):
    from learning.accounts import services

    user = make_user()
    with app.app_context(), app.test_request_context():
        services.request_password_reset(user.email)
        db.session.rollback()
        db.session.commit()
    assert sent_mail == []
    with app.app_context():
        assert db.session.scalar(select(PasswordResetToken)) is None


def test_a_savepoint_does_not_send_the_mail_early(app, make_user, sent_mail):
    from learning.accounts import services

    user = make_user()
    with app.app_context(), app.test_request_context():
        services.request_password_reset(user.email)
        with db.session.begin_nested():
            pass
        assert sent_mail == []
        db.session.rollback()
    assert sent_mail == []
