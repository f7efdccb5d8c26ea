"""Facilitators create and run cohorts; invitees join; everyone sees their schedule."""

import io
import re
from datetime import timedelta

import icalendar
from sqlalchemy import func, select

from learning.accounts.models import Organisation, User
from learning.audit import AuditEvent
from learning.cohorts.models import Cohort, Invitation, LiveSession, Membership, ModuleSchedule
from learning.db import db, utcnow
from learning.mail import mail_text
from tests.conftest import PASSWORD


def _count(app, model, *where) -> int:
    with app.app_context():
        return db.session.scalar(select(func.count()).select_from(model).where(*where))


def _link_in(message) -> str:
    return re.search(r"http://localhost(/invitations/[\w-]+)", mail_text(message)).group(1)


def test_facilitator_creates_a_cohort_with_a_default_schedule(
    app, client, make_user, login, course
):
    login(make_user(role="facilitator"))
    today = utcnow().date()
    response = client.post("/cohorts/new", data={
        "name": "Before you go, spring", "course": course, "starts_on": today.isoformat(),
        "ends_on": (today + timedelta(days=30)).isoformat(), "timezone": "Africa/Nairobi",
    })  # fmt: skip
    assert response.status_code == 302, response.get_data(as_text=True)
    assert response.headers["Location"] == "/cohorts/before-you-go-spring/schedule"
    with app.app_context():
        plans = db.session.scalars(select(ModuleSchedule).order_by(ModuleSchedule.opens_at)).all()
        # Module 2 opens one week after module 1, at midnight in Nairobi (21:00 UTC the day before).
        assert plans[1].opens_at - plans[0].opens_at == timedelta(weeks=1)
        assert plans[0].opens_at.hour == 21
        assert db.session.scalar(select(Membership.role)) == "facilitator"
        assert db.session.scalar(select(AuditEvent.action)) == "cohort.create"


def test_cohort_dates_in_the_wrong_order_are_refused(app, client, make_user, login, course):
    login(make_user(role="facilitator"))
    response = client.post("/cohorts/new", data={
        "name": "Backwards", "course": course, "starts_on": "2027-03-01", "ends_on": "2027-02-01",
        "timezone": "UTC",
    })  # fmt: skip
    assert response.status_code == 400
    assert "on or after the start date" in response.get_data(as_text=True)
    assert _count(app, Cohort) == 0


def test_unknown_time_zone_is_refused(app, client, make_user, login, course):
    login(make_user(role="facilitator"))
    response = client.post("/cohorts/new", data={
        "name": "Mars", "course": course, "starts_on": "2027-03-01", "ends_on": "2027-04-01",
        "timezone": "Mars/Olympus",
    })  # fmt: skip
    assert response.status_code == 400 and _count(app, Cohort) == 0


def test_learners_cannot_create_cohorts(client, make_user, login, course):
    login(make_user())
    assert client.get("/cohorts/new").status_code == 404
    assert client.post("/cohorts/new", data={"name": "x"}).status_code == 404


def test_editing_the_schedule(app, client, make_user, login, make_cohort):
    facilitator = make_user(role="facilitator")
    cohort = make_cohort(facilitator)
    login(facilitator)
    with app.app_context():
        module_ids = db.session.scalars(select(ModuleSchedule.module_id)).all()
    data = {f"opens-{module_ids[0]}": "2027-01-04", f"due-{module_ids[0]}": "2027-01-10",
            f"opens-{module_ids[1]}": "2027-01-11", f"due-{module_ids[1]}": ""}  # fmt: skip
    assert client.post(f"/cohorts/{cohort.slug}/schedule", data=data).status_code == 302
    bad = {**data, f"due-{module_ids[1]}": "2027-01-01"}
    response = client.post(f"/cohorts/{cohort.slug}/schedule", data=bad)
    assert response.status_code == 400
    assert "before the opening date" in response.get_data(as_text=True)
    with app.app_context():
        plan = db.session.scalar(
            select(ModuleSchedule).where(ModuleSchedule.module_id == module_ids[1])
        )
        assert plan.due_at is None and plan.opens_at.date().isoformat() == "2027-01-11"


def test_live_sessions_show_in_each_members_time_zone(app, client, make_user, login, make_cohort):
    facilitator = make_user(role="facilitator")
    learner = make_user(timezone="Asia/Kathmandu")
    cohort = make_cohort(facilitator, {learner: "participant"})
    login(facilitator)
    response = client.post(f"/cohorts/{cohort.slug}/sessions", data={
        "title": "Welcome call", "starts_at": "2027-01-05T12:00", "duration": "60",
        "join_url": "https://meet.example.org/x",
    })  # fmt: skip
    assert response.status_code == 302
    login(learner)
    page = client.get(f"/cohorts/{cohort.slug}/").get_data(as_text=True)
    assert "Welcome call" in page and "5:45:00" in page  # 12:00 UTC is 17:45 in Kathmandu
    assert "https://meet.example.org/x" in page


def test_bad_live_session_is_refused(app, client, make_user, login, make_cohort):
    facilitator = make_user(role="facilitator")
    cohort = make_cohort(facilitator)
    login(facilitator)
    response = client.post(f"/cohorts/{cohort.slug}/sessions", data={
        "title": "x", "starts_at": "2027-01-05T12:00", "duration": "60",
        "join_url": "javascript:alert(1)",
    })  # fmt: skip
    assert response.status_code == 400 and _count(app, LiveSession) == 0


def test_invite_one_person_who_signs_up_and_lands_on_the_cohort(
    app, client, make_user, login, make_cohort, sent_mail
):
    facilitator = make_user(role="facilitator")
    cohort = make_cohort(facilitator)
    with app.app_context():
        org = Organisation(name="Kathmandu Health", country="Nepal")
        db.session.add(org)
        db.session.commit()
        org_id = org.id
    login(facilitator)
    response = client.post(f"/cohorts/{cohort.slug}/invite", data={
        "email": "Sita@Example.org", "name": "Sita Sharma", "role": "participant",
        "organisation": org_id,
    })  # fmt: skip
    assert response.status_code == 302
    assert sent_mail[0]["To"] == "sita@example.org"
    link = _link_in(sent_mail[0])
    client.post("/account/logout")

    page = client.get(link).get_data(as_text=True)
    assert "sita@example.org" in page and 'value="Sita Sharma"' in page
    assert 'name="organisation"' not in page  # preset by the invitation
    response = client.post(link, data={
        "display_name": "Sita Sharma", "password": PASSWORD, "confirm": PASSWORD,
        "language": "en", "timezone": "Asia/Kathmandu",
    })  # fmt: skip
    assert response.status_code == 302
    assert response.headers["Location"] == f"/cohorts/{cohort.slug}/"
    assert "Welcome to" in client.get(response.headers["Location"]).get_data(as_text=True)
    with app.app_context():
        user = db.session.scalar(select(User).where(User.email == "sita@example.org"))
        assert user.organisation_id == org_id and user.timezone == "Asia/Kathmandu"
    # Used: the link now explains itself, and nothing changes.
    again = client.get(link)
    assert again.status_code == 410 and "accepted already" in again.get_data(as_text=True)


def test_existing_user_logs_in_and_accepts(app, client, make_user, login, make_cohort, sent_mail):
    facilitator, learner = make_user(role="facilitator"), make_user(email="kari@example.org")
    cohort = make_cohort(facilitator)
    login(facilitator)
    client.post(
        f"/cohorts/{cohort.slug}/invite",
        data={"email": "kari@example.org", "name": "Kari", "role": "contact", "organisation": 0},
    )
    link = _link_in(sent_mail[0])
    client.post("/account/logout")
    assert "Log in to join" in client.get(link).get_data(as_text=True)
    login(learner, next_url=link)
    assert client.post(link).status_code == 302
    with app.app_context():
        assert (
            db.session.scalar(select(Membership.role).where(Membership.user_id == learner.id))
            == "contact"
        )


def test_another_account_cannot_use_someone_elses_invitation(
    app, client, make_user, login, make_cohort, sent_mail
):
    facilitator, other = make_user(role="facilitator"), make_user()
    cohort = make_cohort(facilitator)
    login(facilitator)
    client.post(
        f"/cohorts/{cohort.slug}/invite",
        data={
            "email": "kari@example.org",
            "name": "Kari",
            "role": "participant",
            "organisation": 0,
        },
    )
    link = _link_in(sent_mail[0])
    login(other)
    client.post(link)
    assert _count(app, Membership, Membership.user_id == other.id) == 0


def test_expired_and_revoked_invitations_get_a_clear_page(
    app, client, make_user, login, make_cohort, sent_mail
):
    facilitator = make_user(role="facilitator")
    cohort = make_cohort(facilitator)
    login(facilitator)
    for email in ("a@example.org", "b@example.org"):
        client.post(
            f"/cohorts/{cohort.slug}/invite",
            data={"email": email, "name": "X", "role": "participant", "organisation": 0},
        )
    expired_link, revoked_link = _link_in(sent_mail[0]), _link_in(sent_mail[1])
    with app.app_context():
        first, second = db.session.scalars(select(Invitation).order_by(Invitation.id)).all()
        first.expires_at = utcnow() - timedelta(minutes=1)
        db.session.commit()
        second_id = second.id
    client.post(f"/cohorts/{cohort.slug}/invitations/{second_id}/revoke")
    client.post("/account/logout")
    assert "has expired" in client.get(expired_link).get_data(as_text=True)
    assert "withdrawn" in client.get(revoked_link).get_data(as_text=True)
    response = client.post(expired_link, data={"display_name": "X", "password": PASSWORD,
        "confirm": PASSWORD, "language": "en", "timezone": "UTC"})  # fmt: skip
    assert response.status_code == 410
    assert _count(app, User, User.email == "a@example.org") == 0
    assert client.get("/invitations/forged-token").status_code == 410


def test_resend_replaces_the_link(app, client, make_user, login, make_cohort, sent_mail):
    facilitator = make_user(role="facilitator")
    cohort = make_cohort(facilitator)
    login(facilitator)
    client.post(
        f"/cohorts/{cohort.slug}/invite",
        data={"email": "a@example.org", "name": "A", "role": "participant", "organisation": 0},
    )
    with app.app_context():
        invitation_id = db.session.scalar(select(Invitation.id))
    client.post(f"/cohorts/{cohort.slug}/invitations/{invitation_id}/resend")
    assert len(sent_mail) == 2
    assert client.get(_link_in(sent_mail[0])).status_code == 410  # the old link
    client.post("/account/logout")
    assert client.get(_link_in(sent_mail[1])).status_code == 200


CSV = (
    "\ufeffemail;name;organisation;role\r\n"
    "sita@example.org;Sita Sharma;;participant\r\n"
    "abebe@example.org;አበበ ከበደ;;\r\n"
)


def test_csv_upload_previews_then_sends_all(app, client, make_user, login, make_cohort, sent_mail):
    facilitator = make_user(role="facilitator")
    cohort = make_cohort(facilitator)
    login(facilitator)
    preview = client.post(
        f"/cohorts/{cohort.slug}/invite/csv",
        data={"file": (io.BytesIO(CSV.encode()), "people.csv")},
        content_type="multipart/form-data",
    )
    page = preview.get_data(as_text=True)
    assert preview.status_code == 200 and "2 people to invite" in page and "አበበ ከበደ" in page
    assert _count(app, Invitation) == 0 and sent_mail == []
    content = re.search(r'name="content" type="hidden" value="([^"]*)"', page)
    assert content
    response = client.post(
        f"/cohorts/{cohort.slug}/invite/csv", data={"content": CSV.lstrip("\ufeff")}
    )
    assert response.status_code == 302
    assert _count(app, Invitation) == 2 and len(sent_mail) == 2


def test_csv_with_one_bad_row_imports_nothing(
    app, client, make_user, login, make_cohort, sent_mail
):
    facilitator = make_user(role="facilitator")
    cohort = make_cohort(facilitator)
    login(facilitator)
    bad = CSV + "broken-email;Someone;;\r\n"
    for data in ({"file": (io.BytesIO(bad.encode()), "people.csv")}, {"content": bad}):
        response = client.post(f"/cohorts/{cohort.slug}/invite/csv", data=data,
                               content_type="multipart/form-data")  # fmt: skip
        page = response.get_data(as_text=True)
        assert response.status_code == 400 and "Line 4" in page and "Nothing was sent" in page
    assert _count(app, Invitation) == 0 and sent_mail == []


def test_join_link_cap_expiry_off_and_rotate(app, client, make_user, login, make_cohort):
    facilitator = make_user(role="facilitator")
    cohort = make_cohort(facilitator)
    login(facilitator)
    client.post(f"/cohorts/{cohort.slug}/link", data={"max_uses": "1", "is_enabled": "y"})
    page = client.get(f"/cohorts/{cohort.slug}/link").get_data(as_text=True)
    join_path = re.search(r"http://localhost(/join/[\w-]+)", page).group(1)

    first, second = make_user(), make_user()
    login(first)
    assert client.post(join_path).status_code == 302
    login(second)
    response = client.post(join_path)
    assert response.status_code == 410 and "used as often as allowed" in response.get_data(
        as_text=True
    )

    login(facilitator)
    client.post(f"/cohorts/{cohort.slug}/link", data={"max_uses": "", "is_enabled": "y",
                                                      "rotate": "1"})  # fmt: skip
    login(second)
    assert client.get(join_path).status_code == 410  # the old link no longer works
    login(facilitator)
    client.post(f"/cohorts/{cohort.slug}/link", data={"max_uses": ""})  # turned off
    page = client.get(f"/cohorts/{cohort.slug}/link").get_data(as_text=True)
    new_path = re.search(r"http://localhost(/join/[\w-]+)", page).group(1)
    login(second)
    assert "not active" in client.get(new_path).get_data(as_text=True)
    assert _count(app, Membership, Membership.user_id == second.id) == 0


def test_new_person_signs_up_through_the_join_link(app, client, make_user, login, make_cohort):
    facilitator = make_user(role="facilitator")
    cohort = make_cohort(facilitator)
    login(facilitator)
    client.post(f"/cohorts/{cohort.slug}/link", data={"is_enabled": "y"})
    page = client.get(f"/cohorts/{cohort.slug}/link").get_data(as_text=True)
    join_path = re.search(r"http://localhost(/join/[\w-]+)", page).group(1)
    client.post("/account/logout")
    response = client.post(join_path, data={
        "email": "new@example.org", "display_name": "Nguyễn Thị Hương", "password": PASSWORD,
        "confirm": PASSWORD, "language": "en", "timezone": "Asia/Ho_Chi_Minh", "organisation": 0,
    })  # fmt: skip
    assert (
        response.status_code == 302 and response.headers["Location"] == f"/cohorts/{cohort.slug}/"
    )
    assert _count(app, Membership, Membership.role == "participant") == 1


def test_change_role_and_remove_member(app, client, make_user, login, make_cohort):
    facilitator, learner = make_user(role="facilitator"), make_user()
    cohort = make_cohort(facilitator, {learner: "participant"})
    login(facilitator)
    with app.app_context():
        ids = dict(db.session.execute(select(Membership.user_id, Membership.id)).all())
    client.post(f"/cohorts/{cohort.slug}/members/{ids[learner.id]}/role", data={"role": "contact"})
    client.post(f"/cohorts/{cohort.slug}/members/{ids[learner.id]}/remove")
    # The last facilitator cannot leave the cohort without one.
    response = client.post(f"/cohorts/{cohort.slug}/members/{ids[facilitator.id]}/remove")
    assert "at least one facilitator" in client.get(response.headers["Location"]).get_data(
        as_text=True
    )
    with app.app_context():
        removed = db.session.get(Membership, ids[learner.id])
        assert removed.role == "contact" and removed.removed_at is not None
        actions = db.session.scalars(select(AuditEvent.action)).all()
        assert {"member.role", "member.remove"} <= set(actions)
    login(learner)
    assert client.get(f"/cohorts/{cohort.slug}/").status_code == 404


def test_participants_read_released_modules_only(app, client, make_user, login, make_cohort):
    learner = make_user()
    cohort = make_cohort(make_user(role="facilitator"), {learner: "participant"})
    with app.app_context():
        from learning.courses.models import Lesson

        ids = {row.slug: row.id for row in db.session.scalars(select(Lesson))}
    login(learner)
    page = client.get(f"/cohorts/{cohort.slug}/lessons/{ids['second']}").get_data(as_text=True)
    assert "<h1>Second</h1>" in page
    assert "Third" not in page  # the next module is not open: no link to it
    assert client.get(f"/cohorts/{cohort.slug}/lessons/{ids['third']}").status_code == 404
    home = client.get(f"/cohorts/{cohort.slug}/").get_data(as_text=True)
    assert "Opens" in home and "Later" in home


def test_cohort_pages_stay_within_a_query_budget(
    app, client, make_user, login, make_cohort, count_queries
):
    learners = [make_user() for _ in range(12)]
    cohort = make_cohort(make_user(role="facilitator"), {u: "participant" for u in learners})
    login(learners[0])
    with app.app_context():
        from learning.courses.models import Lesson

        lesson_id = db.session.scalar(select(Lesson.id).where(Lesson.slug == "first"))
    for url, budget in ((f"/cohorts/{cohort.slug}/", 11), (f"/cohorts/{cohort.slug}/members", 6),
                        (f"/cohorts/{cohort.slug}/lessons/{lesson_id}", 8)):  # fmt: skip
        with count_queries() as queries:
            assert client.get(url).status_code == 200
        assert queries.count <= budget, (url, queries.statements)


def test_calendar_feed_is_private_valid_and_revocable(app, client, make_user, login, make_cohort):
    facilitator, learner = make_user(role="facilitator"), make_user()
    cohort = make_cohort(facilitator, {learner: "participant"})
    login(facilitator)
    client.post(f"/cohorts/{cohort.slug}/sessions", data={
        "title": "Welcome, everyone; bring questions", "starts_at": "2027-01-05T12:00",
        "duration": "90", "join_url": "https://meet.example.org/x"})  # fmt: skip
    login(learner)
    page = client.post("/account/calendar", data={"action": "new"}).get_data(as_text=True)
    feed_path = re.search(r"http://localhost(/calendar/[\w-]+\.ics)", page).group(1)
    client.post("/account/logout")

    response = client.get(feed_path)
    assert response.status_code == 200 and response.mimetype == "text/calendar"
    calendar = icalendar.Calendar.from_ical(response.data)
    events = {str(e["SUMMARY"]): e for e in calendar.walk("VEVENT")}
    call = events[f"Welcome, everyone; bring questions ({cohort.name})"]
    assert call.decoded("DTSTART").isoformat() == "2027-01-05T12:00:00+00:00"
    assert call.decoded("DTEND") - call.decoded("DTSTART") == timedelta(minutes=90)
    assert any(name.startswith("Due: Basics") for name in events)
    assert b"\r\n" in response.data

    login(learner)
    client.post("/account/calendar", data={"action": "revoke"})
    assert client.get(feed_path).status_code == 404


def test_archived_cohort_is_read_only_for_joining(app, client, make_user, login, make_cohort):
    facilitator = make_user(role="facilitator")
    cohort = make_cohort(facilitator)
    login(facilitator)
    client.post(f"/cohorts/{cohort.slug}/link", data={"is_enabled": "y"})
    page = client.get(f"/cohorts/{cohort.slug}/link").get_data(as_text=True)
    join_path = re.search(r"http://localhost(/join/[\w-]+)", page).group(1)
    client.post(f"/cohorts/{cohort.slug}/status", data={"status": "archived"})
    login(make_user())
    assert client.post(join_path).status_code == 410


def test_sign_up_without_an_organisation_or_with_a_forged_one(
    app, client, make_user, login, make_cohort, sent_mail
):
    facilitator = make_user(role="facilitator")
    cohort = make_cohort(facilitator)
    login(facilitator)
    for email in ("a@example.org", "b@example.org"):
        client.post(
            f"/cohorts/{cohort.slug}/invite",
            data={"email": email, "name": "X", "role": "participant", "organisation": 0},
        )
    client.post("/account/logout")
    form = {"display_name": "X", "password": PASSWORD, "confirm": PASSWORD, "language": "en",
            "timezone": "UTC"}  # fmt: skip
    assert (
        client.post(_link_in(sent_mail[0]), data={**form, "organisation": "0"}).status_code == 302
    )
    client.post("/account/logout")
    forged = client.post(_link_in(sent_mail[1]), data={**form, "organisation": "99999"})
    assert forged.status_code == 400 and _count(app, User, User.email == "b@example.org") == 0


def test_links_between_lessons_lead_learners_into_their_cohort(
    app, client, make_user, login, make_cohort
):
    learner, outsider = make_user(), make_user()
    cohort = make_cohort(make_user(role="facilitator"), {learner: "participant"})
    with app.app_context():
        from learning.courses.models import Lesson

        ids = {row.slug: row.id for row in db.session.scalars(select(Lesson))}
    login(learner)
    # Lesson "first" links to "second" as written by the author: /lessons/<stable id>.
    page = client.get(f"/cohorts/{cohort.slug}/lessons/{ids['first']}").get_data(as_text=True)
    assert 'href="/lessons/exchange/basics/second"' in page
    response = client.get("/lessons/exchange/basics/second")
    assert response.headers["Location"] == f"/cohorts/{cohort.slug}/lessons/{ids['second']}"
    assert client.get("/lessons/exchange/later/third").status_code == 404  # not open yet
    login(outsider)
    assert client.get("/lessons/exchange/basics/second").status_code == 404
