"""Applied tasks reviewed by a facilitator; the self-assessment before and after."""

from sqlalchemy import select

from learning.db import db
from learning.quizzes.models import SelfAssessmentResponse, TaskSubmission


def _setup(make_user, login, cohort_for):
    learner, facilitator = make_user(name="Sita Sharma"), make_user(role="facilitator")
    cohort, ids = cohort_for("before", facilitator, {learner: "participant"})
    return learner, facilitator, cohort, ids


def test_task_review_cycle(app, client, make_user, login, cohort_for, sent_mail):
    learner, facilitator, cohort, ids = _setup(make_user, login, cohort_for)
    lesson_url = f"/cohorts/{cohort.slug}/lessons/{ids['task']}"
    login(learner)
    assert "Write your 90-day plan." in client.get(lesson_url).get_data(as_text=True)
    client.post(
        f"{lesson_url}/task", data={"body": "My plan: **listen** first. <script>x</script>"}
    )
    client.post(
        f"{lesson_url}/task", data={"body": "My plan: **listen** first. <script>x</script>"}
    )
    with app.app_context():
        rows = db.session.scalars(select(TaskSubmission)).all()
        assert len(rows) == 1  # sent twice, recorded once
        assert "<strong>listen</strong>" in rows[0].html and "<script" not in rows[0].html
    assert "waiting for review" in client.get(lesson_url).get_data(as_text=True)

    login(facilitator)
    page = client.get(f"/cohorts/{cohort.slug}/tasks").get_data(as_text=True)
    assert "Sita Sharma" in page and "<strong>listen</strong>" in page
    submission_id = rows[0].id
    refused = client.post(f"/cohorts/{cohort.slug}/tasks/{submission_id}/review",
                          data={"decision": "revision_requested", "comment": ""})  # fmt: skip
    assert "Say what to revise" in client.get(refused.headers["Location"]).get_data(as_text=True)
    client.post(
        f"/cohorts/{cohort.slug}/tasks/{submission_id}/review",
        data={"decision": "revision_requested", "comment": "Add one contribution."},
    )
    assert sent_mail[-1]["To"] == learner.email

    login(learner)
    page = client.get(lesson_url).get_data(as_text=True)
    assert "please revise" in page and "Add one contribution." in page
    client.post(f"{lesson_url}/task", data={"body": "Plan v2 with a contribution."})
    login(facilitator)
    with app.app_context():
        latest = db.session.scalars(
            select(TaskSubmission).order_by(TaskSubmission.id.desc())
        ).first()
    client.post(f"/cohorts/{cohort.slug}/tasks/{latest.id}/review", data={"decision": "accepted"})
    login(learner)
    page = client.get(lesson_url).get_data(as_text=True)
    assert "accepted" in page and "Send for review" not in page
    assert client.post(f"{lesson_url}/task", data={"body": "again"}).status_code == 302
    with app.app_context():
        assert db.session.query(TaskSubmission).count() == 2


def test_tasks_of_other_cohorts_and_empty_answers(app, client, make_user, login, cohort_for):
    learner, _facilitator, cohort, ids = _setup(make_user, login, cohort_for)
    other, _other_ids = cohort_for("before", make_user(role="facilitator"), {}, name="Other")
    login(learner)
    assert client.post(f"/cohorts/{other.slug}/lessons/{ids['task']}/task",
                       data={"body": "x"}).status_code == 404  # fmt: skip
    response = client.post(f"/cohorts/{cohort.slug}/lessons/{ids['task']}/task", data={"body": " "})
    assert "Write your answer" in client.get(response.headers["Location"]).get_data(as_text=True)
    assert client.get(f"/cohorts/{cohort.slug}/tasks").status_code == 404
    with app.app_context():
        assert db.session.query(TaskSubmission).count() == 0


def test_self_assessment_before_and_after_across_courses(app, client, make_user, login, cohort_for):
    learner = make_user()
    before, _ = cohort_for("before", make_user(role="facilitator"), {learner: "participant"})
    after, _ = cohort_for("after", make_user(role="facilitator"), {learner: "participant"})
    login(learner)
    client.post(f"/cohorts/{before.slug}/self-assessment/start", data={
        "item-reciprocity": "2", "item-listening": "1",
        "item-learning-goals": "1. Learn how decisions are made.\n2. Share our youth method.",
    })  # fmt: skip
    page = client.get(f"/cohorts/{after.slug}/self-assessment/end").get_data(as_text=True)
    assert "What you wrote before" in page and "Share our youth method." in page
    client.post(f"/cohorts/{after.slug}/self-assessment/end",
                data={"item-reciprocity": "4", "item-listening": "5"})  # fmt: skip
    page = client.get(f"/cohorts/{after.slug}/self-assessment/end").get_data(as_text=True)
    assert "<svg" in page and "How your answers changed" in page
    assert "before 2 (A little), after 4 (Mostly)" in page
    assert "before 1 (Not yet), after 5 (Fully)" in page


def test_self_assessment_refuses_bad_ratings(app, client, make_user, login, cohort_for):
    learner = make_user()
    cohort, _ = cohort_for("before", make_user(role="facilitator"), {learner: "participant"})
    login(learner)
    response = client.post(
        f"/cohorts/{cohort.slug}/self-assessment/start",
        data={"item-reciprocity": "9", "item-learning-goals": "kept"},
    )
    page = response.get_data(as_text=True)
    assert response.status_code == 400 and "from 1 to 5" in page and "kept" in page
    assert client.get(f"/cohorts/{cohort.slug}/self-assessment/middle").status_code == 404
    with app.app_context():
        assert db.session.query(SelfAssessmentResponse).count() == 0


def test_facilitators_see_aggregates_only_from_five(app, client, make_user, login, cohort_for):
    facilitator = make_user(role="facilitator")
    learners = [make_user() for _ in range(5)]
    cohort, _ = cohort_for("before", facilitator, {u: "participant" for u in learners})
    url = f"/cohorts/{cohort.slug}/self-assessment-summary"
    for n, learner in enumerate(learners):
        login(learner)
        client.post(
            f"/cohorts/{cohort.slug}/self-assessment/start",
            data={"item-reciprocity": str(n + 1), "item-learning-goals": f"secret {n}"},
        )
        if n == 3:
            login(facilitator)
            assert "Not enough answers" in client.get(url).get_data(as_text=True)
    login(facilitator)
    page = client.get(url).get_data(as_text=True)
    assert "5 respondents" in page and "3.0" in page
    assert "secret" not in page
    assert client.get(f"/cohorts/{cohort.slug}/self-assessment/start").status_code == 404
