"""Isolation on every channel: thread lists, threads, posts, reflections, notifications,
unread counts, mentions and digests stay inside one cohort and active memberships. A user
in two cohorts sees each separately; a removed member loses all of it."""

from sqlalchemy import select

from learning.accounts.models import User
from learning.db import db
from learning.discussions.models import Post, Thread
from tests.discussions.conftest import notifications_of, remove, set_email_choice
from tests.discussions.test_threads import start, thread_id_of


def pages_of(world, url_a: str, post_a: int) -> dict[str, str]:
    a = world.a.slug
    return {
        "thread list": f"/cohorts/{a}/discussion/",
        "new thread": f"/cohorts/{a}/discussion/new",
        "thread": url_a,
        "edit": f"/cohorts/{a}/posts/{post_a}/edit",
        "report": f"/cohorts/{a}/posts/{post_a}/report",
        "history": f"/cohorts/{a}/posts/{post_a}/history",
        "hide": f"/cohorts/{a}/posts/{post_a}/hide",
        "moderation": f"/cohorts/{a}/moderation",
        "announce": f"/cohorts/{a}/announcements/new",
        "lesson": f"/cohorts/{a}/lessons/{world.lessons['first']}",
    }


def test_a_member_of_two_cohorts_sees_each_separately(app, world, client_for):
    both, sita, bea = (client_for(world.users[n]) for n in ("both", "sita", "bea"))
    url_a = start(sita, world.a.slug, "Only in A", "A's business, @Ama Mensah")
    url_b = start(bea, world.b.slug, "Only in B", "B's business, @Ama Mensah")
    # Notifications from both cohorts, each labelled with its cohort.
    page = both.get("/notifications/").get_data(as_text=True)
    assert "(Cohort A)" in page and "(Cohort B)" in page
    assert "Notifications (2" in page
    list_a = both.get(f"/cohorts/{world.a.slug}/discussion/").get_data(as_text=True)
    list_b = both.get(f"/cohorts/{world.b.slug}/discussion/").get_data(as_text=True)
    assert "Only in A" in list_a and "Only in B" not in list_a
    assert "Only in B" in list_b and "Only in A" not in list_b
    assert both.get(url_a).status_code == 200 and both.get(url_b).status_code == 200
    # Thread ids do not cross slugs.
    assert both.get(f"/cohorts/{world.b.slug}/discussion/{thread_id_of(url_a)}").status_code == 404
    # Sita (A only) and Bea (B only) never reach the other cohort.
    assert sita.get(url_b).status_code == 404 and bea.get(url_a).status_code == 404
    assert sita.get(f"/cohorts/{world.b.slug}/discussion/").status_code == 404


def test_a_removed_member_loses_every_channel(app, world, client_for, runner, sent_mail):
    set_email_choice(app, world.users["prakash"], "digest")
    sita, prakash = client_for(world.users["sita"]), client_for(world.users["prakash"])
    url_a = start(sita, world.a.slug, "Before removal", "Hello @Prakash Thapa")
    prakash.post(f"{url_a}/reply", data={"body": "Prakash was here"})
    lesson = f"/cohorts/{world.a.slug}/lessons/{world.lessons['first']}"
    sita.post(f"{lesson}/reflection", data={"body": "A reflection"})
    with app.app_context():
        post_a = db.session.scalar(select(Post.id).order_by(Post.id))
    assert "Notifications (1" in prakash.get("/notifications/").get_data(as_text=True)

    remove(app, world.users["fac"], world.a, world.users["prakash"])

    for name, url in pages_of(world, url_a, post_a).items():
        assert prakash.get(url).status_code == 404, name
    assert prakash.post(f"{url_a}/reply", data={"body": "Still here?"}).status_code == 404
    assert prakash.post(f"{lesson}/reflection", data={"body": "Still here?"}).status_code == 404
    # The old notification is gone from the list, the count and the digest.
    page = prakash.get("/notifications/").get_data(as_text=True)
    assert "Before removal" not in page and "Notifications (" not in page
    result = runner.invoke(args=["notify", "digest"])
    assert "0 digest(s)" in result.output and "1 skipped" in result.output
    assert world.users["prakash"].email not in [m["To"] for m in sent_mail]

    # New mentions, replies and announcements do not reach them.
    sita.post(f"{url_a}/reply", data={"body": "Are you there @Prakash Thapa?"})
    client_for(world.users["fac"]).post(
        f"/cohorts/{world.a.slug}/announcements/new", data={"title": "News", "body": "For members"}
    )
    assert [n.kind for n in notifications_of(app, world.users["prakash"])] == ["mention"]
    assert world.users["prakash"].email not in [m["To"] for m in sent_mail]
    # Their posts stay, attributed.
    assert "Prakash was here" in sita.get(url_a).get_data(as_text=True)


def test_rejoining_does_not_bring_back_old_notifications(app, world, client_for, runner):
    set_email_choice(app, world.users["prakash"], "digest")
    sita, prakash = client_for(world.users["sita"]), client_for(world.users["prakash"])
    start(sita, world.a.slug, "Old news", "Hello @Prakash Thapa")
    remove(app, world.users["fac"], world.a, world.users["prakash"])
    with app.app_context():
        from learning.cohorts import services as cohorts

        cohorts.add_member(
            cohorts.get_cohort(world.a.slug),
            db.session.get(User, world.users["prakash"].id),
            "participant",
        )
        db.session.commit()
    page = prakash.get("/notifications/").get_data(as_text=True)
    assert "Old news" not in page and "Notifications (" not in page
    result = runner.invoke(args=["notify", "digest"])
    assert "0 digest(s)" in result.output


def test_the_digest_of_a_member_of_two_cohorts_drops_the_one_they_left(
    app, world, client_for, runner, sent_mail
):
    set_email_choice(app, world.users["both"], "digest")
    sita, bea = client_for(world.users["sita"]), client_for(world.users["bea"])
    start(sita, world.a.slug, "From A", "Hi @Ama Mensah")
    start(bea, world.b.slug, "From B", "Hi @Ama Mensah, a secret of cohort B")
    remove(app, world.users["fac_b"], world.b, world.users["both"])
    result = runner.invoke(args=["notify", "digest"])
    assert "1 digest(s) sent with 1 notification(s)" in result.output
    text = sent_mail[0].get_body(preferencelist=("plain",)).get_content()
    html = sent_mail[0].get_body(preferencelist=("html",)).get_content()
    assert "From A" in text and "From B" not in text and "Cohort B" not in text
    assert "From B" not in html and "cohort-b" not in html


def test_outsiders_and_other_cohorts_reach_nothing(app, world, client_for):
    sita = client_for(world.users["sita"])
    url_a = start(sita, world.a.slug, "Private", "Inside A only")
    with app.app_context():
        post_a = db.session.scalar(select(Post.id))
        thread = db.session.scalar(select(Thread))
    for name in ("outsider", "bea", "fac_b", "removed"):
        client = client_for(world.users[name])
        for page, url in pages_of(world, url_a, post_a).items():
            assert client.get(url).status_code == 404, (name, page)
        for action in ("pin", "lock", "reply"):
            assert client.post(f"{url_a}/{action}", data={"body": "x"}).status_code == 404
        for action in ("hide", "unhide", "report", "delete", "dismiss-reports"):
            response = client.post(
                f"/cohorts/{world.a.slug}/posts/{post_a}/{action}", data={"reason": "other"}
            )
            assert response.status_code == 404, (name, action)
    with app.app_context():
        assert db.session.get(Thread, thread.id).is_pinned is False
        assert db.session.get(Post, post_a).hidden_at is None


def test_anonymous_visitors_are_sent_to_log_in(client, world):
    for url in (
        "/notifications/",
        f"/cohorts/{world.a.slug}/discussion/",
        f"/cohorts/{world.a.slug}/moderation",
    ):
        response = client.get(url)
        assert response.status_code == 302 and "/account/login" in response.headers["Location"]
