"""Export of one's own data, and erasure that keeps discussions readable, pseudonymised."""

import json

from sqlalchemy import func, select

from learning.accounts.models import LoginSession, User
from learning.db import db
from learning.discussions.models import Post
from learning.quizzes.models import SelfAssessmentResponse
from tests.conftest import PASSWORD
from tests.quizzes.conftest import cohort_for, trees  # noqa: F401 - fixtures


def _setup(app, client, make_user, login, cohort_for):  # noqa: F811
    sita, other = make_user(name="Sita Sharma"), make_user(name="Other Person")
    cohort, _ids = cohort_for("before", make_user(role="facilitator"),
                              {sita: "participant", other: "participant"})  # fmt: skip
    login(sita)
    client.post(
        f"/cohorts/{cohort.slug}/self-assessment/start",
        data={"item-reciprocity": "3", "item-learning-goals": "My private goal"},
    )
    client.post(f"/cohorts/{cohort.slug}/discussion/new",
                data={"title": "Hello", "body": "Namaste, everyone"})  # fmt: skip
    return sita, other, cohort


def test_export_holds_my_data_and_nobody_elses(app, client, make_user, login, cohort_for):  # noqa: F811
    sita, other, _cohort = _setup(app, client, make_user, login, cohort_for)
    response = client.get("/account/export.json")
    assert response.mimetype == "application/json"
    assert "attachment" in response.headers["Content-Disposition"]
    data = json.loads(response.data)
    assert data["profile"]["email"] == sita.email and data["profile"]["name"] == "Sita Sharma"
    assert data["self_assessments"][0]["answers"]["learning-goals"] == "My private goal"
    assert [p["text"] for p in data["posts"]] == ["Namaste, everyone"]
    assert data["cohorts"][0]["role"] == "participant"
    assert other.email not in response.get_data(as_text=True)


def test_erasure_removes_the_person_and_keeps_posts_pseudonymised(
    app,
    client,
    make_user,
    login,
    cohort_for,  # noqa: F811
):
    sita, _other, cohort = _setup(app, client, make_user, login, cohort_for)
    refused = client.post("/account/erase", data={"password": "wrong password", "confirm": "y"})
    assert refused.status_code == 400 and "not correct" in refused.get_data(as_text=True)
    unconfirmed = client.post("/account/erase", data={"password": PASSWORD})
    assert unconfirmed.status_code == 400
    response = client.post("/account/erase", data={"password": PASSWORD, "confirm": "y"})
    assert response.status_code == 302
    with app.app_context():
        user = db.session.get(User, sita.id)
        assert (user.display_name, user.is_active) == ("Former member", False)
        assert sita.email != user.email
        assert db.session.scalar(select(func.count(SelfAssessmentResponse.id))) == 0
        assert db.session.scalar(select(func.count(LoginSession.id)).where(
            LoginSession.user_id == sita.id, LoginSession.revoked_at.is_(None))) == 0  # fmt: skip
        assert db.session.scalar(select(Post.body)) == "Namaste, everyone"
    # Logged out, cannot log in again, and the email can be used for a new account.
    assert client.get("/account/").status_code == 302
    assert (
        client.post("/account/login", data={"email": sita.email, "password": PASSWORD}).status_code
        == 200
    )
    make_user(email=sita.email)
    login(_other)
    page = client.get(f"/cohorts/{cohort.slug}/discussion/").get_data(as_text=True)
    assert "Sita Sharma" not in page
