"""Moderation: pin, lock, hide with a reason the author sees, reports into the queue with the
facilitators notified; every action audited; members cannot moderate."""

from sqlalchemy import select

from learning.audit import AuditEvent
from learning.db import db
from learning.discussions.models import Notification, Post, Report
from tests.discussions.conftest import notifications_of
from tests.discussions.test_threads import start


def post_ids(app) -> list[int]:
    with app.app_context():
        return list(db.session.scalars(select(Post.id).order_by(Post.id)))


def audit_actions(app) -> list[str]:
    with app.app_context():
        return list(db.session.scalars(select(AuditEvent.action).order_by(AuditEvent.id)))


def test_pin_and_lock_are_for_facilitators_and_audited(app, world, client_for):
    sita, fac = client_for(world.users["sita"]), client_for(world.users["fac"])
    url = start(sita, world.a.slug, "Rules")
    for action in ("pin", "lock"):
        assert sita.post(f"{url}/{action}").status_code == 404
        assert client_for(world.users["carla"]).post(f"{url}/{action}").status_code == 404
        assert client_for(world.users["fac_b"]).post(f"{url}/{action}").status_code == 404
    assert fac.post(f"{url}/pin").status_code == 302
    assert fac.post(f"{url}/lock").status_code == 302

    page = sita.get(url).get_data(as_text=True)
    assert "Locked" in page and "Pinned" in page and 'id="reply"' not in page
    response = sita.post(f"{url}/reply", data={"body": "Can I still?"})
    assert response.status_code == 400
    assert "This thread is locked" in response.get_data(as_text=True)
    assert "Can I still?" in response.get_data(as_text=True)
    # A facilitator may still post a closing word.
    assert fac.post(f"{url}/reply", data={"body": "Closing this."}).status_code == 302

    assert fac.post(f"{url}/lock").status_code == 302
    assert sita.post(f"{url}/reply", data={"body": "Open again"}).status_code == 302
    assert audit_actions(app)[-3:] == ["thread.pin", "thread.lock", "thread.unlock"]


def test_hide_with_a_reason_the_author_sees_and_others_do_not(app, world, client_for):
    sita, prakash = client_for(world.users["sita"]), client_for(world.users["prakash"])
    fac = client_for(world.users["fac"])
    url = start(sita, world.a.slug, "Names", "My host's phone is 555-0100")
    post_id = post_ids(app)[0]
    hide = f"/cohorts/{world.a.slug}/posts/{post_id}/hide"
    assert prakash.get(hide).status_code == 404
    assert prakash.post(hide, data={"reason": "x"}).status_code == 404
    response = fac.post(hide, data={"reason": ""})
    assert response.status_code == 400 and "Give a reason" in response.get_data(as_text=True)
    assert fac.post(hide, data={"reason": "Shares a phone number"}).status_code == 302

    other = prakash.get(url).get_data(as_text=True)
    assert "Hidden by a facilitator." in other
    assert "555-0100" not in other and "Shares a phone number" not in other
    own = sita.get(url).get_data(as_text=True)
    assert "Reason: Shares a phone number" in own and "555-0100" in own
    assert "Shares a phone number" in fac.get(url).get_data(as_text=True)

    # The author is told; replying to a hidden post is refused.
    assert [n.kind for n in notifications_of(app, world.users["sita"])] == ["hidden"]
    response = prakash.post(f"{url}/reply", data={"body": "Quote", "reply_to": str(post_id)})
    assert response.status_code == 400 and "hidden or deleted" in response.get_data(as_text=True)

    assert fac.post(f"/cohorts/{world.a.slug}/posts/{post_id}/unhide").status_code == 302
    assert "555-0100" in prakash.get(url).get_data(as_text=True)
    assert audit_actions(app)[-2:] == ["post.hide", "post.unhide"]
    with app.app_context():
        event = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "post.hide"))
        assert event.details["reason"] == "Shares a phone number"
        assert event.target_id == post_id and event.cohort_id == world.a.id


def test_reports_reach_the_queue_and_notify_the_facilitators(app, world, client_for):
    sita, prakash = client_for(world.users["sita"]), client_for(world.users["prakash"])
    carla, fac = client_for(world.users["carla"]), client_for(world.users["fac"])
    start(sita, world.a.slug, "Opinion", "Something hurtful")
    post_id = post_ids(app)[0]
    report = f"/cohorts/{world.a.slug}/posts/{post_id}/report"
    form = prakash.get(report).get_data(as_text=True)
    assert "Shares personal data" in form and "Something hurtful" in form
    response = prakash.post(report, data={"reason": "nonsense"})
    assert response.status_code == 400
    assert (
        prakash.post(report, data={"reason": "offensive", "note": "It targets a group"}).status_code
        == 302
    )
    response = prakash.post(report, data={"reason": "other"})
    assert response.status_code == 400 and "already" in response.get_data(as_text=True)
    assert carla.post(report, data={"reason": "personal-data"}).status_code == 302
    # Nobody reports their own post: the permission module says no, like a missing page.
    assert sita.post(report, data={"reason": "other"}).status_code == 404

    # The facilitator is notified once for the post, in the app and by email.
    notes = notifications_of(app, world.users["fac"])
    assert [n.kind for n in notes] == ["report"]
    assert "(1" in fac.get("/notifications/").get_data(as_text=True)
    queue = fac.get(f"/cohorts/{world.a.slug}/moderation")
    page = queue.get_data(as_text=True)
    assert queue.status_code == 200
    assert "Offensive" in page and "It targets a group" in page and "Shares personal data" in page
    assert "Prakash Thapa" in page and "Something hurtful" in page
    # Opening the queue reads the report notices.
    assert notifications_of(app, world.users["fac"])[0].read_at is not None

    # Members and other cohorts' facilitators have no queue.
    for name in ("sita", "carla", "fac_b", "outsider"):
        assert (
            client_for(world.users[name]).get(f"/cohorts/{world.a.slug}/moderation").status_code
            == 404
        )

    # Hiding resolves the reports.
    fac.post(f"/cohorts/{world.a.slug}/posts/{post_id}/hide", data={"reason": "Hurtful"})
    with app.app_context():
        resolutions = db.session.scalars(select(Report.resolution)).all()
    assert resolutions == ["hidden", "hidden"]
    page = fac.get(f"/cohorts/{world.a.slug}/moderation").get_data(as_text=True)
    assert "No open reports." in page and "Reason: Hurtful" in page


def test_dismissing_reports_keeps_the_post_and_is_audited(app, world, client_for):
    sita, prakash = client_for(world.users["sita"]), client_for(world.users["prakash"])
    fac = client_for(world.users["fac"])
    url = start(sita, world.a.slug, "Fine", "A fair point")
    post_id = post_ids(app)[0]
    prakash.post(f"/cohorts/{world.a.slug}/posts/{post_id}/report", data={"reason": "other"})
    assert (
        prakash.post(f"/cohorts/{world.a.slug}/posts/{post_id}/dismiss-reports").status_code == 404
    )
    assert fac.post(f"/cohorts/{world.a.slug}/posts/{post_id}/dismiss-reports").status_code == 302
    assert "A fair point" in prakash.get(url).get_data(as_text=True)
    assert audit_actions(app)[-1] == "reports.dismiss"
    # Reporting again after the decision opens the report again.
    response = prakash.post(
        f"/cohorts/{world.a.slug}/posts/{post_id}/report", data={"reason": "offensive"}
    )
    assert response.status_code == 302
    assert "Offensive" in fac.get(f"/cohorts/{world.a.slug}/moderation").get_data(as_text=True)


def test_announcements_are_for_facilitators_and_audited(app, world, client_for):
    sita, fac = client_for(world.users["sita"]), client_for(world.users["fac"])
    assert sita.get(f"/cohorts/{world.a.slug}/announcements/new").status_code == 404
    response = sita.post(
        f"/cohorts/{world.a.slug}/announcements/new", data={"title": "Fake", "body": "News"}
    )
    assert response.status_code == 404
    response = fac.post(
        f"/cohorts/{world.a.slug}/announcements/new",
        data={"title": "Week 2", "body": "Module 2 opens *Monday*."},
    )
    assert response.status_code == 302
    home = sita.get(f"/cohorts/{world.a.slug}/").get_data(as_text=True)
    assert "Announcements" in home and "Week 2" in home and "<em>Monday</em>" in home
    assert audit_actions(app)[-1] == "announcement.create"
    # The other cohort does not see it.
    both = client_for(world.users["both"])
    assert "Week 2" not in both.get(f"/cohorts/{world.b.slug}/").get_data(as_text=True)


def test_hidden_announcements_leave_the_cohort_home(app, world, client_for):
    fac, sita = client_for(world.users["fac"]), client_for(world.users["sita"])
    fac.post(f"/cohorts/{world.a.slug}/announcements/new", data={"title": "Oops", "body": "Typo"})
    post_id = post_ids(app)[0]
    fac.post(f"/cohorts/{world.a.slug}/posts/{post_id}/hide", data={"reason": "Sent by mistake"})
    assert "Oops" not in sita.get(f"/cohorts/{world.a.slug}/").get_data(as_text=True)
    with app.app_context():
        # The facilitator hid their own post: no notice to themselves.
        assert db.session.scalar(select(Notification).where(Notification.kind == "hidden")) is None
