"""Taking quizzes in a cohort: feedback, retries, attempt limits, snapshots, nothing twice."""

import os
import re
import threading

import pytest
from sqlalchemy import func, select

from learning.db import db
from learning.quizzes.models import QuizAttempt
from tests.quizzes.conftest import sync_tree

WRONG = {"q-ingrid-s-idea": "1", "q-which-are-checks": ["1", "3"], "q-the-decimal": "4"}
RIGHT = {"q-ingrid-s-idea": "2", "q-which-are-checks": ["1", "2"], "q-the-decimal": " 3,5 "}


def _form(client, url):
    page = client.get(url).get_data(as_text=True)
    number = re.search(r'name="number" value="(\d+)"', page).group(1)
    version = re.search(r'name="version" value="(\w+)"', page).group(1)
    return page, {"number": number, "version": version}


def _attempts(app) -> int:
    with app.app_context():
        return db.session.scalar(select(func.count(QuizAttempt.id)))


@pytest.fixture
def learner_in_cohort(make_user, login, cohort_for):
    learner, facilitator = make_user(), make_user(role="facilitator")
    cohort, ids = cohort_for("before", facilitator, {learner: "participant"})
    login(learner)
    return learner, facilitator, cohort, ids


def test_fail_read_feedback_retry_and_pass(app, client, learner_in_cohort):
    _learner, _f, cohort, ids = learner_in_cohort
    url = f"/cohorts/{cohort.slug}/quizzes/{ids['quiz']}"
    page, hidden = _form(client, url)
    assert "Ingrid&#39;s idea" in page and "Question 1 of 3" in page and "3 attempts left" in page

    response = client.post(url, data={**hidden, **WRONG})
    assert response.status_code == 302
    result = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "Attempt 1: 0%" in result and "Not passed yet" in result
    assert "Not the best choice: silence has many causes." in result  # the chosen option
    assert "Yes: she checks her interpretation." in result  # and the correct one
    assert "Try again" in result

    _page, hidden = _form(client, url)
    assert hidden["number"] == "2"
    response = client.post(url, data={**hidden, **RIGHT})
    result = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "Attempt 2: 100%" in result and "Passed" in result
    quiz_page = client.get(url).get_data(as_text=True)
    assert "Your best score: 100%" in quiz_page and "1 attempt left" in quiz_page


def test_options_are_shuffled_but_fixed_for_an_attempt(app, client, learner_in_cohort):
    _l, _f, cohort, ids = learner_in_cohort
    url = f"/cohorts/{cohort.slug}/quizzes/{ids['quiz']}"

    def order():
        page = client.get(url).get_data(as_text=True)
        return re.findall(r'id="(q-[\w-]+)"', page)

    first = order()
    assert len(first) == 7 and order() == first  # 3 + 3 options and a text box


def test_a_replayed_submission_records_one_attempt(app, client, learner_in_cohort):
    _l, _f, cohort, ids = learner_in_cohort
    url = f"/cohorts/{cohort.slug}/quizzes/{ids['quiz']}"
    _page, hidden = _form(client, url)
    first = client.post(url, data={**hidden, **RIGHT})
    second = client.post(url, data={**hidden, **WRONG})
    assert first.headers["Location"] == second.headers["Location"]
    assert _attempts(app) == 1


def test_the_attempt_limit_holds(app, client, learner_in_cohort):
    _l, _f, cohort, ids = learner_in_cohort
    url = f"/cohorts/{cohort.slug}/quizzes/{ids['quiz']}"
    for _ in range(3):
        _page, hidden = _form(client, url)
        client.post(url, data={**hidden, **WRONG})
    page = client.get(url).get_data(as_text=True)
    assert "used all your attempts" in page and 'name="number"' not in page
    response = client.post(url, data={"number": "4", "version": "x", **RIGHT})
    assert response.status_code == 400 and "used all your attempts" in response.get_data(
        as_text=True
    )
    assert _attempts(app) == 3


@pytest.mark.parametrize(
    "tampered",
    [{"q-ingrid-s-idea": "99"}, {"q-ingrid-s-idea": ["1", "2"]}, {"q-which-are-checks": "x"}],
)
def test_tampered_options_record_nothing(app, client, learner_in_cohort, tampered):
    _l, _f, cohort, ids = learner_in_cohort
    url = f"/cohorts/{cohort.slug}/quizzes/{ids['quiz']}"
    _page, hidden = _form(client, url)
    response = client.post(url, data={**hidden, **RIGHT, **tampered})
    assert response.status_code == 400
    assert "did not match this quiz" in response.get_data(as_text=True)
    assert _attempts(app) == 0


def test_unreleased_and_foreign_quizzes_answer_404(app, client, make_user, login, cohort_for,
                                                    learner_in_cohort):  # fmt: skip
    _l, _f, cohort, ids = learner_in_cohort
    later = f"/cohorts/{cohort.slug}/quizzes/{ids['later_quiz']}"
    assert client.get(later).status_code == 404
    assert client.post(later, data={"number": "1", "version": "x"}).status_code == 404
    other, other_ids = cohort_for("before", make_user(role="facilitator"), {}, name="Other")
    assert client.get(f"/cohorts/{other.slug}/quizzes/{other_ids['quiz']}").status_code == 404
    assert _attempts(app) == 0


def test_expired_csrf_brings_the_answers_back(app, client, learner_in_cohort):
    _l, _f, cohort, ids = learner_in_cohort
    url = f"/cohorts/{cohort.slug}/quizzes/{ids['quiz']}"
    _page, hidden = _form(client, url)
    app.config["WTF_CSRF_ENABLED"] = True
    try:
        response = client.post(url, data={**hidden, **RIGHT, "csrf_token": "expired"})
    finally:
        app.config["WTF_CSRF_ENABLED"] = False
    page = response.get_data(as_text=True)
    assert response.status_code == 400 and "still selected" in page
    assert re.search(r'value="2" checked', page)
    assert 'value=" 3,5 "' in page
    assert _attempts(app) == 0


def test_past_attempts_keep_their_snapshot(app, client, trees, learner_in_cohort):
    _l, _f, cohort, ids = learner_in_cohort
    url = f"/cohorts/{cohort.slug}/quizzes/{ids['quiz']}"
    _page, hidden = _form(client, url)
    response = client.post(url, data={**hidden, **RIGHT})
    result_url = response.headers["Location"]
    # The author rewrites the feedback and syncs again.
    quiz_file = trees / "before" / "01-basics" / "quiz.md"
    quiz_file.write_text(quiz_file.read_text().replace(
        "Yes: she checks her interpretation.", "Rewritten feedback."))  # fmt: skip
    sync_tree(app, trees)
    result = client.get(result_url).get_data(as_text=True)
    assert "Yes: she checks her interpretation." in result and "Rewritten" not in result
    assert "Attempt 1: 100%" in result


def test_show_answers_after_pass_hides_feedback_until_passed(app, client, tmp_path, make_user,
                                                             login, cohort_for, trees):  # fmt: skip
    quiz_file = trees / "before" / "01-basics" / "quiz.md"
    quiz_file.write_text(
        quiz_file.read_text().replace("shuffle: true", "shuffle: true\nshow_answers: after_pass")
    )
    sync_tree(app, trees)
    learner = make_user()
    cohort, ids = cohort_for("before", make_user(role="facilitator"), {learner: "participant"})
    login(learner)
    url = f"/cohorts/{cohort.slug}/quizzes/{ids['quiz']}"
    _page, hidden = _form(client, url)
    result = client.get(client.post(url, data={**hidden, **WRONG}).headers["Location"])
    page = result.get_data(as_text=True)
    assert "shown once you pass" in page and "silence has many causes" not in page


def test_facilitator_report_item_analysis_and_csv(app, client, make_user, login, cohort_for):
    facilitator = make_user(role="facilitator")
    learners = [make_user() for _ in range(6)]
    cohort, ids = cohort_for("before", facilitator, {u: "participant" for u in learners})
    url = f"/cohorts/{cohort.slug}/quizzes/{ids['quiz']}"
    for n, learner in enumerate(learners):
        login(learner)
        _page, hidden = _form(client, url)
        client.post(url, data={**hidden, **(RIGHT if n % 2 else WRONG)})
    login(facilitator)
    page = client.get(f"{url}/report").get_data(as_text=True)
    assert "6 learners" in page and "Facility" in page and "50%" in page
    assert "unused distractor: Email the director" in page
    csv = client.get(f"{url}/report.csv")
    assert csv.mimetype == "text/csv" and csv.data.startswith("\ufeff".encode())
    login(learners[0])
    assert client.get(f"{url}/report").status_code == 404


@pytest.mark.skipif(not os.environ.get("TEST_DATABASE_URL"), reason="needs PostgreSQL")
def test_ten_parallel_submissions_record_one_attempt(app, make_user, cohort_for):
    learner = make_user()
    cohort, ids = cohort_for("before", make_user(role="facilitator"), {learner: "participant"})
    url = f"/cohorts/{cohort.slug}/quizzes/{ids['quiz']}"
    clients = []
    for _ in range(10):
        c = app.test_client()
        c.post("/account/login", data={"email": learner.email, "password": "correct horse battery"})
        clients.append(c)
    _page, hidden = _form(clients[0], url)
    barrier, codes = threading.Barrier(10), []

    def submit(c):
        barrier.wait()
        codes.append(c.post(url, data={**hidden, **RIGHT}).status_code)

    threads = [threading.Thread(target=submit, args=(c,)) for c in clients]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert codes == [302] * 10
    assert _attempts(app) == 1


def test_an_ended_session_keeps_the_answers_through_a_new_login(app, client, learner_in_cohort):
    learner, _f, cohort, ids = learner_in_cohort
    url = f"/cohorts/{cohort.slug}/quizzes/{ids['quiz']}"
    _page, hidden = _form(client, url)
    client.post("/account/logout")  # the session ends while the learner is answering
    response = client.post(url, data={**hidden, **RIGHT})
    assert response.status_code == 302 and "/account/login" in response.headers["Location"]
    next_url = re.search(r"next=([^&]+)", response.headers["Location"]).group(1)
    from urllib.parse import unquote

    back = client.post("/account/login", data={"email": learner.email,
                                               "password": "correct horse battery",
                                               "next": unquote(next_url)})  # fmt: skip
    page = client.get(back.headers["Location"]).get_data(as_text=True)
    assert "your answers are filled in" in page
    assert re.search(r'value="2" checked', page) and 'value=" 3,5 "' in page
    assert _attempts(app) == 0
    # A forged restore link is ignored.
    forged = client.get(f"{url}?restore=forged").get_data(as_text=True)
    assert "filled in" not in forged
