"""The role x action matrix: two cohorts, two partnerships, a user in both cohorts, a removed
member and a user in no cohort. Nobody reaches another cohort's data."""

import pytest
from sqlalchemy import select

from learning import permissions
from learning.accounts.models import Organisation, User
from learning.cohorts import services
from learning.cohorts.models import Membership, Partnership
from learning.courses.models import Lesson
from learning.db import db

ACTIONS = {
    "home A": "/cohorts/{a}/",
    "open lesson A": "/cohorts/{a}/lessons/{open}",
    "closed lesson A": "/cohorts/{a}/lessons/{closed}",
    "members A": "/cohorts/{a}/members",
    "schedule A": "/cohorts/{a}/schedule",
    "invite A": "/cohorts/{a}/invite",
    "settings A": "/cohorts/{a}/settings",
    "home B": "/cohorts/{b}/",
    "open lesson B": "/cohorts/{b}/lessons/{open}",
    "schedule B": "/cohorts/{b}/schedule",
    "preview course": "/courses/exchange/",
    "admin": "/admin/",
}
OK, NO = 200, 404
# Expected status per user for each action, in the order of ACTIONS.
MATRIX = {
    "admin":     [OK, OK, OK, OK, OK, OK, OK, OK, OK, OK, OK, OK],
    "fac_a":     [OK, OK, OK, OK, OK, OK, OK, NO, NO, NO, OK, NO],
    "fac_b":     [NO, NO, NO, NO, NO, NO, NO, OK, OK, OK, OK, NO],
    "both":      [OK, OK, NO, OK, NO, NO, NO, OK, OK, NO, NO, NO],
    "part_a":    [OK, OK, NO, OK, NO, NO, NO, NO, NO, NO, NO, NO],
    "contact_a": [OK, OK, OK, OK, NO, NO, NO, NO, NO, NO, NO, NO],
    "removed":   [NO, NO, NO, NO, NO, NO, NO, NO, NO, NO, NO, NO],
    "outsider":  [NO, NO, NO, NO, NO, NO, NO, NO, NO, NO, NO, NO],
}  # fmt: skip


@pytest.fixture
def world(app, make_user, make_cohort):
    with app.app_context():
        norway = Organisation(name="Fjordvik Youth Council", country="Norway")
        nepal = Organisation(name="Kathmandu Health", country="Nepal")
        kenya = Organisation(name="Nairobi Water", country="Kenya")
        db.session.add_all([norway, nepal, kenya])
        db.session.flush()
        p1 = Partnership(name="Fjordvik-Kathmandu", organisations=[norway, nepal])
        p2 = Partnership(name="Bergen-Nairobi", organisations=[norway, kenya])
        db.session.add_all([p1, p2])
        db.session.commit()
        orgs = {"norway": norway.id, "nepal": nepal.id, "kenya": kenya.id}
    users = {
        "admin": make_user(role="admin"),
        "fac_a": make_user(role="facilitator"),
        "fac_b": make_user(role="facilitator"),
        "both": make_user(organisation_id=orgs["kenya"]),
        "part_a": make_user(organisation_id=orgs["nepal"]),
        "contact_a": make_user(organisation_id=orgs["nepal"]),
        "removed": make_user(organisation_id=orgs["nepal"]),
        "outsider": make_user(),
    }
    a = make_cohort(users["fac_a"], {users["both"]: "participant", users["part_a"]: "participant",
                                     users["contact_a"]: "contact",
                                     users["removed"]: "participant"}, name="Cohort A")  # fmt: skip
    b = make_cohort(users["fac_b"], {users["both"]: "participant"}, name="Cohort B")
    with app.app_context():
        membership = db.session.scalar(
            select(Membership).where(Membership.user_id == users["removed"].id)
        )
        services.remove_member(db.session.get(User, users["fac_a"].id), membership)
        db.session.commit()
        lessons = {row.slug: row.id for row in db.session.scalars(select(Lesson))}
    return users, {"a": a.slug, "b": b.slug, "open": lessons["first"],
                   "closed": lessons["third"]}  # fmt: skip


def test_matrix(app, world):
    users, ids = world
    failures = []
    for name, expected in MATRIX.items():
        client = app.test_client()
        client.post("/account/login", data={"email": users[name].email,
                                             "password": "correct horse battery"})  # fmt: skip
        for (action, url), want in zip(ACTIONS.items(), expected, strict=True):
            got = client.get(url.format(**ids)).status_code
            if got != want:
                failures.append(f"{name} / {action}: {got}, expected {want}")
    assert failures == []


def test_anonymous_visitors_are_sent_to_log_in(client, world):
    _users, ids = world
    for url in ACTIONS.values():
        response = client.get(url.format(**ids))
        assert response.status_code == 302 and "/account/login" in response.headers["Location"]


def test_member_emails_only_for_facilitators(app, world):
    users, ids = world
    for name, sees in (("fac_a", True), ("part_a", False), ("contact_a", False), ("both", False)):
        client = app.test_client()
        client.post("/account/login", data={"email": users[name].email,
                                             "password": "correct horse battery"})  # fmt: skip
        page = client.get(f"/cohorts/{ids['a']}/members").get_data(as_text=True)
        assert (users["part_a"].email in page) is sees, name
        assert users["part_a"].display_name in page


def test_the_lesson_of_one_cohort_is_not_reachable_through_another(app, world, make_cohort):
    """The same lesson id under cohort B's slug is B's business: A-only members get 404."""
    users, ids = world
    client = app.test_client()
    client.post("/account/login", data={"email": users["part_a"].email,
                                         "password": "correct horse battery"})  # fmt: skip
    assert client.get(f"/cohorts/{ids['b']}/lessons/{ids['open']}").status_code == 404
    assert client.get(f"/cohorts/{ids['b']}/members").status_code == 404


def test_progress_visibility_predicates(app, world):
    users, ids = world
    with app.app_context(), app.test_request_context():
        cohort = services.get_cohort(ids["a"])
        get = lambda key: db.session.get(User, users[key].id)  # noqa: E731
        contact, part_a, both = get("contact_a"), get("part_a"), get("both")
        assert permissions.can_view_progress_of(contact, cohort, part_a, "participant")
        assert not permissions.can_view_progress_of(contact, cohort, both, "participant")
        assert not permissions.can_view_progress_of(part_a, cohort, both, "participant")
        assert permissions.can_view_progress_of(both, cohort, both, "participant")
        assert permissions.can_view_progress_of(get("fac_a"), cohort, both, "participant")
        assert not permissions.can_view_progress_of(get("fac_b"), cohort, both, "participant")
        # A removed member no longer reaches the cohort, so not their progress there either.
        assert not permissions.can_view_cohort(get("removed"), cohort)
        assert permissions.can_view_organisation_report(contact)
        assert not permissions.can_view_organisation_report(part_a)
        assert not permissions.can_take_part(get("removed"), cohort)
        assert not permissions.can_take_part(get("outsider"), cohort)


def test_draft_cohorts_are_hidden_from_learners(app, make_user, make_cohort, login, client):
    learner = make_user()
    cohort = make_cohort(make_user(role="facilitator"), {learner: "participant"}, status="draft")
    login(learner)
    assert client.get(f"/cohorts/{cohort.slug}/").status_code == 404
