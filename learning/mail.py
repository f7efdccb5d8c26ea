"""Outgoing email: rendered from text and HTML templates, sent only after the database commit."""

import logging
import smtplib
from dataclasses import dataclass
from email.message import EmailMessage
from email.utils import make_msgid

from flask import current_app, render_template
from sqlalchemy import event
from sqlalchemy.orm import Session

log = logging.getLogger(__name__)

# Messages sent by the "memory" backend, for tests.
sent: list[EmailMessage] = []


@dataclass(frozen=True)
class Mail:
    to: str
    subject: str
    text: str
    html: str


def queue_mail(session: Session, to: str, subject: str, template: str, **context) -> None:
    """Render mail/<template>.txt and .html now; send when `session` commits, drop on rollback."""
    mail = Mail(
        to=to,
        subject=subject,
        text=render_template(f"mail/{template}.txt", **context),
        html=render_template(f"mail/{template}.html", subject=subject, **context),
    )
    session.info.setdefault("outbox", []).append(mail)


def _build(mail: Mail) -> EmailMessage:
    message = EmailMessage()
    message["From"] = current_app.config["MAIL_DEFAULT_SENDER"]
    message["To"] = mail.to
    message["Subject"] = mail.subject
    message["Message-ID"] = make_msgid(domain="exchange-learning")
    message.set_content(mail.text)
    message.add_alternative(mail.html, subtype="html")
    return message


def deliver(mails: list[Mail]) -> None:
    config = current_app.config
    messages = [_build(mail) for mail in mails]
    backend = config["MAIL_BACKEND"]
    if backend == "memory":
        sent.extend(messages)
        return
    if backend == "log":
        for message in messages:
            log.info("mail to %s: %s\n%s", message["To"], message["Subject"], mail_text(message))
        return
    try:
        with smtplib.SMTP(config["MAIL_SERVER"], config["MAIL_PORT"], timeout=10) as smtp:
            if config["MAIL_USE_TLS"]:
                smtp.starttls()
            if config["MAIL_USERNAME"]:
                smtp.login(config["MAIL_USERNAME"], config["MAIL_PASSWORD"])
            for message in messages:
                smtp.send_message(message)
    except (OSError, smtplib.SMTPException):
        # The data is committed already; a lost mail is logged, never a failed request.
        log.exception("could not send %d mail(s)", len(messages))


def mail_text(message: EmailMessage) -> str:
    part = message.get_body(preferencelist=("plain",))
    return part.get_content() if part else ""


@event.listens_for(Session, "after_commit")
def _send_outbox(session: Session) -> None:
    # Releasing a savepoint fires after_commit too; only the real commit sends mail.
    if session.in_nested_transaction():
        return
    outbox = session.info.pop("outbox", None)
    if outbox:
        deliver(outbox)


@event.listens_for(Session, "after_rollback")
def _drop_outbox(session: Session) -> None:
    session.info.pop("outbox", None)
