"""Mentions, reply notifications, the in-app list with its unread count, and email: at once
(only after commit), in the daily digest, or never; announcements to every member."""

import pytest
from sqlalchemy import select

from learning import mail
from learning.accounts.models import User
from learning.cohorts import services as cohorts
from learning.db import db
from learning.discussions import services
from learning.discussions.models import Notification, Thread
from learning.mail import mail_text
from tests.discussions.conftest import notifications_of, set_email_choice
from tests.discussions.test_threads import start


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Thanks @Sita Sharma!", {1}),
        ("@sita sharma, what do you think?", {1}),
        ("@Ana Maria Lopez and @Ana", {2, 3}),
        ("@Ana Maria Lopez", {2}),  # the longest name wins
        ("@Anabel is not Ana", set()),
        ("mail sita@Sita Sharma.org", set()),  # an @ inside a word is an address
        ("@Sita", set()),
        ("@Olga Outsider", set()),
        ("(@Ana) and @Sita Sharma.", {1, 3}),
    ],
)
def test_find_mentions(text, expected):
    names = {1: "Sita Sharma", 2: "Ana Maria Lopez", 3: "Ana", 4: ""}
    assert services.find_mentions(text, names) == expected


def test_a_mention_notifies_active_members_only(app, world, client_for, sent_mail):
    sita = client_for(world.users["sita"])
    start(
        sita,
        world.a.slug,
        "Hello",
        "Hi @Prakash Thapa, @Olga Outsider, @Bea Only-B, @Rune Removed and @Sita Sharma",
    )
    assert [n.kind for n in notifications_of(app, world.users["prakash"])] == ["mention"]
    for name in ("outsider", "bea", "removed", "sita"):
        assert notifications_of(app, world.users[name]) == [], name
    assert [m["To"] for m in sent_mail] == [world.users["prakash"].email]
    assert "Sita Sharma mentioned you in “Hello”" in sent_mail[0]["Subject"]
    assert "/cohorts/cohort-a/discussion/" in mail_text(sent_mail[0])


def test_mentions_added_by_an_edit_notify_once(app, world, client_for):
    sita = client_for(world.users["sita"])
    start(sita, world.a.slug, "Edit", "Hello")
    with app.app_context():
        post_id = db.session.scalar(select(services.Post.id))
    edit = f"/cohorts/{world.a.slug}/posts/{post_id}/edit"
    sita.post(edit, data={"body": "Hello @Prakash Thapa"})
    sita.post(edit, data={"body": "Hello @Prakash Thapa!"})
    assert [n.kind for n in notifications_of(app, world.users["prakash"])] == ["mention"]


def test_replies_notify_the_starter_and_earlier_repliers_but_not_oneself(
    app, world, client_for, sent_mail
):
    sita, prakash = client_for(world.users["sita"]), client_for(world.users["prakash"])
    carla = client_for(world.users["carla"])
    url = start(sita, world.a.slug, "Thread")
    prakash.post(f"{url}/reply", data={"body": "First reply"})
    prakash.post(f"{url}/reply", data={"body": "Me again"})
    carla.post(f"{url}/reply", data={"body": "Carla here, @Sita Sharma"})
    sita_notes = [n.kind for n in notifications_of(app, world.users["sita"])]
    # Prakash's two replies renew one notice per post; Carla's mention replaces her reply.
    assert sita_notes == ["reply", "reply", "mention"]
    assert [n.kind for n in notifications_of(app, world.users["prakash"])] == ["reply"]
    assert notifications_of(app, world.users["carla"]) == []
    assert notifications_of(app, world.users["fac"]) == []  # never took part
    assert len(sent_mail) == 4


def test_answers_to_a_reflection_do_not_notify_earlier_answerers(app, world, client_for):
    sita, prakash = client_for(world.users["sita"]), client_for(world.users["prakash"])
    lesson = f"/cohorts/{world.a.slug}/lessons/{world.lessons['first']}"
    sita.post(f"{lesson}/reflection", data={"body": "Mine"})
    prakash.post(f"{lesson}/reflection", data={"body": "Mine too"})
    assert notifications_of(app, world.users["sita"]) == []
    with app.app_context():
        thread = db.session.scalar(select(Thread))
        sita_post = db.session.scalar(select(services.Post.id).where(services.Post.position == 1))
    prakash.post(
        f"/cohorts/{world.a.slug}/discussion/{thread.id}/reply",
        data={"body": "To you, Sita", "reply_to": str(sita_post)},
    )
    assert [n.kind for n in notifications_of(app, world.users["sita"])] == ["reply"]


def test_mail_leaves_only_after_commit(app, world):
    with app.app_context():
        sita = db.session.get(User, world.users["sita"].id)
        cohort = cohorts.get_cohort(world.a.slug)
        services.start_thread(sita, cohort, title="Draft", body="@Prakash Thapa hello")
        assert mail.sent == []
        db.session.rollback()
        assert mail.sent == []
        services.start_thread(sita, cohort, title="Sent", body="@Prakash Thapa hello")
        db.session.commit()
        assert len(mail.sent) == 1


def test_email_choices_immediately_digest_never(app, world, client_for, runner, sent_mail):
    set_email_choice(app, world.users["prakash"], "digest")
    set_email_choice(app, world.users["carla"], "never")
    sita = client_for(world.users["sita"])
    url = start(sita, world.a.slug, "Week one", "@Prakash Thapa @Carla Mendes hello")
    sita.post(f"{url}/reply", data={"body": "And @Prakash Thapa again"})
    assert sent_mail == []  # neither wants a mail now

    result = runner.invoke(args=["notify", "digest"])
    assert result.exit_code == 0, result.output
    assert "1 digest(s) sent with 2 notification(s)" in result.output
    assert [m["To"] for m in sent_mail] == [world.users["prakash"].email]
    text = mail_text(sent_mail[0])
    assert text.count("Sita Sharma mentioned you in “Week one” (Cohort A).") == 2
    assert "http://localhost/cohorts/cohort-a/discussion/" in text
    assert all(n.emailed_at for n in notifications_of(app, world.users["prakash"]))
    # Nothing twice.
    result = runner.invoke(args=["notify", "digest"])
    assert "0 digest(s)" in result.output and len(sent_mail) == 1
    assert notifications_of(app, world.users["carla"])[0].emailed_at is None


def test_a_digest_leaves_out_read_notifications(app, world, client_for, runner, sent_mail):
    set_email_choice(app, world.users["prakash"], "digest")
    sita, prakash = client_for(world.users["sita"]), client_for(world.users["prakash"])
    url = start(sita, world.a.slug, "Seen", "@Prakash Thapa look")
    prakash.get(url)  # reading the thread reads its notifications
    result = runner.invoke(args=["notify", "digest"])
    assert "0 digest(s)" in result.output and sent_mail == []


def test_announcements_mail_every_active_member_except_never(app, world, client_for, sent_mail):
    set_email_choice(app, world.users["prakash"], "digest")
    set_email_choice(app, world.users["carla"], "never")
    fac = client_for(world.users["fac"])
    response = fac.post(
        f"/cohorts/{world.a.slug}/announcements/new",
        data={"title": "Live session moved", "body": "Now on **Friday**."},
    )
    assert response.status_code == 302
    recipients = sorted(m["To"] for m in sent_mail)
    expected = sorted(world.users[n].email for n in ("sita", "prakash", "both"))
    assert recipients == expected  # not the author, carla (never), removed, cohort B, outsider
    text = mail_text(sent_mail[0])
    assert "Live session moved" in text and "Now on **Friday**." in text
    html = sent_mail[0].get_body(preferencelist=("html",)).get_content()
    assert "<strong>Friday</strong>" in html
    # Everyone (even carla) has it in the app; no digest repeats it.
    assert [n.kind for n in notifications_of(app, world.users["carla"])] == ["announcement"]
    assert all(n.emailed_at for n in notifications_of(app, world.users["prakash"]))


def test_unread_count_in_the_header_and_marking_read(app, world, client_for):
    sita, prakash = client_for(world.users["sita"]), client_for(world.users["prakash"])
    one = start(sita, world.a.slug, "One", "@Prakash Thapa one")
    start(sita, world.a.slug, "Two", "@Prakash Thapa two")
    start(sita, world.a.slug, "Three", "@Prakash Thapa three")
    home = prakash.get(f"/cohorts/{world.a.slug}/").get_data(as_text=True)
    assert 'Notifications (3<span class="visually-hidden"> unread</span>)' in home
    # Reading a thread reads its notifications.
    assert "Notifications (2" in prakash.get(one).get_data(as_text=True)
    page = prakash.get("/notifications/").get_data(as_text=True)
    assert page.count("badge-new") == 2 and "Sita Sharma mentioned you in “Two”" in page
    note_id = notifications_of(app, world.users["prakash"])[1].id
    prakash.post("/notifications/read", data={"id": str(note_id)})
    assert "Notifications (1" in prakash.get("/notifications/").get_data(as_text=True)
    prakash.post("/notifications/read")
    page = prakash.get("/notifications/").get_data(as_text=True)
    assert "Notifications (" not in page and "badge-new" not in page
    # Nobody marks someone else's notifications read.
    start(prakash, world.a.slug, "Four", "@Sita Sharma four")
    sita_note = notifications_of(app, world.users["sita"])[-1].id
    client_for(world.users["carla"]).post("/notifications/read", data={"id": str(sita_note)})
    assert notifications_of(app, world.users["sita"])[-1].read_at is None


def test_the_header_count_costs_nothing_for_visitors_and_on_error_pages(
    app, world, client_for, count_queries
):
    sita = client_for(world.users["sita"])
    start(sita, world.a.slug, "X", "@Prakash Thapa")
    prakash = client_for(world.users["prakash"])
    with count_queries() as q:
        response = prakash.get("/cohorts/no-such-cohort/discussion/")
    assert response.status_code == 404
    assert "Notifications (" not in response.get_data(as_text=True)
    assert not any("FROM notifications" in s for s in q.statements), q.statements
    with count_queries() as q:
        app.test_client().get("/account/login")
    assert not any("FROM notifications" in s for s in q.statements)
    with count_queries() as q:
        page = prakash.get(f"/cohorts/{world.a.slug}/").get_data(as_text=True)
    assert "Notifications (1" in page
    assert sum("FROM notifications" in s for s in q.statements) == 1


def test_notification_links_lead_to_the_post(app, world, client_for):
    sita, prakash = client_for(world.users["sita"]), client_for(world.users["prakash"])
    with app.app_context():
        author = db.session.get(User, world.users["sita"].id)
        cohort = cohorts.get_cohort(world.a.slug)
        first = services.start_thread(author, cohort, title="Long", body="start")
        for n in range(services.POSTS_PER_PAGE + 1):
            services.reply(author, cohort, first.thread, f"post {n}")
        db.session.commit()
        thread_id = first.thread_id
    prakash.post(
        f"/cohorts/{world.a.slug}/discussion/{thread_id}/reply", data={"body": "Prakash joins"}
    )
    page = sita.get("/notifications/").get_data(as_text=True)
    assert f"/cohorts/cohort-a/discussion/{thread_id}?page=2#post-" in page
    with app.app_context():
        assert db.session.scalar(select(Notification.kind)) == "reply"
