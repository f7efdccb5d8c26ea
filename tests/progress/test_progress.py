"""Completing lessons, the dashboards, certificates and reminders."""

import shutil
import subprocess
from datetime import timedelta

import pytest
from sqlalchemy import func, select

from learning.accounts.models import Organisation
from learning.audit import AuditEvent
from learning.cohorts.models import Membership, ModuleSchedule
from learning.db import db, utcnow
from learning.progress import services
from learning.progress.models import Certificate, LessonCompletion, ReminderSent
from learning.quizzes.models import TaskSubmission
from tests.quizzes.test_quiz_flow import RIGHT, _form


def _count(app, model):
    with app.app_context():
        return db.session.scalar(select(func.count()).select_from(model))


def _open_everything(app, cohort):
    with app.app_context():
        for plan in db.session.scalars(
            select(ModuleSchedule).where(ModuleSchedule.cohort_id == cohort.id)
        ):
            plan.opens_at = utcnow() - timedelta(days=1)
        db.session.commit()


def _complete_course(app, client, login, learner, facilitator, cohort, ids):
    login(learner)
    for name in ("first", "task", "third"):
        client.post(f"/cohorts/{cohort.slug}/lessons/{ids[name]}/complete")
    for quiz in ("quiz", "later_quiz"):
        url = f"/cohorts/{cohort.slug}/quizzes/{ids[quiz]}"
        _page, hidden = _form(client, url)
        client.post(url, data={**hidden, **RIGHT})
    client.post(f"/cohorts/{cohort.slug}/lessons/{ids['task']}/task", data={"body": "My plan"})
    login(facilitator)
    with app.app_context():
        submission_id = db.session.scalar(select(TaskSubmission.id))
    client.post(
        f"/cohorts/{cohort.slug}/tasks/{submission_id}/review", data={"decision": "accepted"}
    )


def test_marking_complete_once_and_only_where_allowed(app, client, make_user, login, cohort_for):
    learner = make_user()
    cohort, ids = cohort_for("before", make_user(role="facilitator"), {learner: "participant"})
    other, _ = cohort_for("before", make_user(role="facilitator"), {}, name="Other")
    login(learner)
    url = f"/cohorts/{cohort.slug}/lessons/{ids['first']}/complete"
    assert client.post(url).status_code == 302
    assert client.post(url).status_code == 302  # twice: still one fact
    assert _count(app, LessonCompletion) == 1
    page = client.get(f"/cohorts/{cohort.slug}/lessons/{ids['first']}").get_data(as_text=True)
    assert "You have completed this lesson." in page
    assert client.post(f"/cohorts/{cohort.slug}/lessons/{ids['third']}/complete").status_code == 404
    assert client.post(f"/cohorts/{other.slug}/lessons/{ids['first']}/complete").status_code == 404
    assert _count(app, LessonCompletion) == 1


def test_completing_the_course_earns_a_verifiable_certificate(app, client, make_user, login,
                                                              cohort_for, tmp_path):  # fmt: skip
    learner, facilitator = make_user(name="सीता शर्मा"), make_user(role="facilitator")
    cohort, ids = cohort_for("before", facilitator, {learner: "participant"})
    _open_everything(app, cohort)
    _complete_course(app, client, login, learner, facilitator, cohort, ids)
    with app.app_context():
        certificate = db.session.scalar(select(Certificate))
        assert certificate is not None and certificate.name == "सीता शर्मा"
        code = certificate.code
    assert len(code.replace("-", "")) == 24
    login(learner)
    assert "Your certificate" in client.get("/learning").get_data(as_text=True)
    assert "सीता शर्मा" in client.get(f"/cohorts/{cohort.slug}/certificate").get_data(as_text=True)
    pdf = client.get(f"/cohorts/{cohort.slug}/certificate.pdf")
    assert pdf.mimetype == "application/pdf" and pdf.data.startswith(b"%PDF")
    if shutil.which("pdffonts"):
        # The Devanagari name is set in a font that has the script, not in boxes.
        path = tmp_path / "certificate.pdf"
        path.write_bytes(pdf.data)
        fonts = subprocess.run(["pdffonts", str(path)], capture_output=True, text=True).stdout
        assert "Devanagari" in fonts, fonts

    client.post("/account/logout")
    public = client.get(f"/certificates/{code}").get_data(as_text=True)
    assert "This certificate is valid." in public and "सीता शर्मा" in public
    assert learner.email not in public
    forged = client.get("/certificates/AAAA-BBBB-CCCC-DDDD-EEEE-FFFF")
    assert forged.status_code == 404 and "No certificate has the code" in forged.get_data(
        as_text=True
    )

    login(make_user(role="admin"))
    client.post(f"/certificates/{code}/revoke", data={"reason": "Issued in error"})
    client.post("/account/logout")
    assert "was revoked" in client.get(f"/certificates/{code}").get_data(as_text=True)
    login(facilitator)
    assert client.post(f"/certificates/{code}/revoke").status_code == 404


def test_others_cannot_download_a_certificate(app, client, make_user, login, cohort_for):
    learner, other = make_user(), make_user()
    cohort, _ids = cohort_for("before", make_user(role="facilitator"),
                              {learner: "participant", other: "participant"})  # fmt: skip
    login(other)
    assert client.get(f"/cohorts/{cohort.slug}/certificate.pdf").status_code == 404


@pytest.fixture
def dashboard_world(app, make_user, cohort_for):
    with app.app_context():
        nepal = Organisation(name="Kathmandu Health", country="Nepal")
        norway = Organisation(name="Fjordvik Council", country="Norway")
        db.session.add_all([nepal, norway])
        db.session.commit()
        orgs = (nepal.id, norway.id)
    facilitator = make_user(role="facilitator")
    learners = [make_user(name=f"Nepal {n}", organisation_id=orgs[0]) for n in range(3)]
    learners += [make_user(name='=HYPERLINK("http://evil")', organisation_id=orgs[1])]
    contact = make_user(name="Contact", organisation_id=orgs[0])
    members = {u: "participant" for u in learners} | {contact: "contact"}
    cohort, ids = cohort_for("before", facilitator, members)
    with app.app_context():
        # Module 1 was due yesterday: everyone who has not finished it is behind.
        plan = db.session.scalars(select(ModuleSchedule).order_by(ModuleSchedule.opens_at)).first()
        plan.due_at = utcnow() - timedelta(hours=1)
        db.session.add(LessonCompletion(user_id=learners[0].id, cohort_id=cohort.id,
                                        lesson_id=ids["first"]))  # fmt: skip
        db.session.commit()
    return facilitator, learners, contact, cohort, ids, orgs


def test_dashboard_filters_sorting_and_csv(app, client, login, dashboard_world):
    facilitator, learners, _contact, cohort, _ids, orgs = dashboard_world
    login(facilitator)
    page = client.get(f"/cohorts/{cohort.slug}/progress").get_data(as_text=True)
    assert "Nepal 0" in page and "behind: 4" in page and "<svg" in page
    filtered = client.get(f"/cohorts/{cohort.slug}/progress?organisation={orgs[1]}&behind=1")
    text = filtered.get_data(as_text=True)
    assert "Nepal 0" not in text and "HYPERLINK" in text
    csv = client.get(f"/cohorts/{cohort.slug}/progress.csv?behind=1").data.decode("utf-8-sig")
    assert "'=HYPERLINK" in csv and "\n=HYPERLINK" not in csv
    assert csv.count("\n") == 6  # header and five learners (the contact learns too)
    by_percent = client.get(f"/cohorts/{cohort.slug}/progress?sort=percent").get_data(as_text=True)
    assert by_percent.index("Nepal 1") < by_percent.index("Nepal 0")
    with app.app_context():
        assert db.session.scalar(select(AuditEvent.action).where(
            AuditEvent.action == "progress.export")) == "progress.export"  # fmt: skip


def test_learners_and_contacts_cannot_reach_the_dashboard(app, client, login, dashboard_world):
    _f, learners, contact, cohort, _ids, _orgs = dashboard_world
    for user in (learners[0], contact):
        login(user)
        assert client.get(f"/cohorts/{cohort.slug}/progress").status_code == 404
        assert client.get(f"/cohorts/{cohort.slug}/progress.csv").status_code == 404


def test_contact_sees_own_organisation_only_and_is_audited(app, client, login, dashboard_world):
    _f, learners, contact, cohort, _ids, _orgs = dashboard_world
    login(contact)
    page = client.get("/organisation/progress").get_data(as_text=True)
    assert "Nepal 0" in page and "Nepal 2" in page and "HYPERLINK" not in page
    assert learners[0].email not in page
    assert client.get(f"/cohorts/{cohort.slug}/progress/{learners[0].id}").status_code == 200
    assert client.get(f"/cohorts/{cohort.slug}/progress/{learners[3].id}").status_code == 404
    with app.app_context():
        actions = db.session.scalars(select(AuditEvent.action)).all()
    assert "organisation.progress.view" in actions and "progress.view" in actions
    login(learners[1])
    assert client.get("/organisation/progress").status_code == 404
    assert client.get(f"/cohorts/{cohort.slug}/progress/{learners[0].id}").status_code == 404


def test_my_learning(app, client, login, dashboard_world):
    _f, learners, _c, cohort, _ids, _o = dashboard_world
    login(learners[0])
    page = client.get("/learning").get_data(as_text=True)
    assert "Before the exchange" in page and cohort.name in page
    assert "17% complete" in page and "Overdue" in page and "Continue: Plan" in page


def test_dashboard_query_counts_do_not_grow_with_learners(
    app, client, login, make_user, dashboard_world, count_queries
):
    facilitator, learners, _c, cohort, _ids, _o = dashboard_world
    login(facilitator)
    with count_queries() as few:
        client.get(f"/cohorts/{cohort.slug}/progress")
    with app.app_context():
        for _ in range(20):
            user = make_user()
            db.session.add(Membership(cohort_id=cohort.id, user_id=user.id, role="participant"))
        db.session.commit()
    with count_queries() as many:
        assert client.get(f"/cohorts/{cohort.slug}/progress").status_code == 200
    assert many.count == few.count <= 10, many.statements
    login(learners[0])
    with count_queries() as mine:
        assert client.get("/learning").status_code == 200
    assert mine.count <= 10, mine.statements


def test_reminders_once_per_item_with_opt_out(app, runner, client, login, dashboard_world,
                                              sent_mail):  # fmt: skip
    _f, learners, contact, cohort, _ids, _o = dashboard_world
    login(learners[1])
    client.post(
        "/account/", data={"display_name": "Nepal 1", "language": "en", "timezone": "UTC"}
    )  # fmt: skip - no email_reminders: opt out
    with app.app_context():
        count = services.send_reminders()
        db.session.commit()
    assert count == 4  # learners 0, 2, 3 and the contact; learner 1 opted out
    assert learners[1].email not in [m["To"] for m in sent_mail]
    assert all("Overdue" in m["Subject"] for m in sent_mail)
    with app.app_context():
        assert services.send_reminders() == 0  # once per item
        db.session.commit()
        assert db.session.scalar(select(func.count(ReminderSent.id))) == 4
    result = runner.invoke(args=["notify", "reminders"])
    assert result.exit_code == 0 and "0 reminders" in result.output
