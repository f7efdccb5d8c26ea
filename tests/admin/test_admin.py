"""Admin pages: organisations, partnerships, users, the audit log; admins only."""

from sqlalchemy import select

from learning.accounts.models import Organisation, User
from learning.audit import AuditEvent
from learning.cohorts.models import Partnership
from learning.db import db
from tests.conftest import PASSWORD


def test_organisations_and_partnerships(app, client, make_user, login):
    login(make_user(role="admin"))
    for name, country in (("Kathmandu Health", "Nepal"), ("Fjordvik Council", "Norway")):
        response = client.post(
            "/admin/organisations",
            data={"org-name": name, "org-country": country, "org-submit": "1"},
        )
        assert response.status_code == 302
    duplicate = client.post(
        "/admin/organisations",
        data={"org-name": "Kathmandu Health", "org-country": "Nepal", "org-submit": "1"},
    )
    assert duplicate.status_code == 400 and "exists already" in duplicate.get_data(as_text=True)
    with app.app_context():
        ids = db.session.scalars(select(Organisation.id)).all()
    lonely = client.post(
        "/admin/organisations", data={"p-name": "Solo", "p-organisations": ids[:1]}
    )
    assert lonely.status_code == 400 and "two or more" in lonely.get_data(as_text=True)
    assert (
        client.post(
            "/admin/organisations", data={"p-name": "Kathmandu-Fjordvik", "p-organisations": ids}
        ).status_code
        == 302
    )
    with app.app_context():
        partnership = db.session.scalar(select(Partnership))
        assert len(partnership.organisations) == 2
        actions = db.session.scalars(select(AuditEvent.action)).all()
    assert {"organisation.create", "partnership.create"} <= set(actions)
    assert "organisation.create" in client.get("/admin/audit").get_data(as_text=True)


def test_deactivate_and_make_facilitator(app, client, make_user, login):
    admin, user = make_user(role="admin"), make_user()
    login(admin)
    client.post(f"/admin/users/{user.id}", data={"global_role": "facilitator"})
    client.post(f"/admin/users/{user.id}", data={"is_active": "0"})
    refused = client.post(f"/admin/users/{admin.id}", data={"is_active": "0"})
    assert "cannot deactivate your own" in client.get(refused.headers["Location"]).get_data(
        as_text=True
    )
    with app.app_context():
        stored = db.session.get(User, user.id)
        assert (stored.global_role, stored.is_active) == ("facilitator", False)
    other = app.test_client()
    assert (
        other.post("/account/login", data={"email": user.email, "password": PASSWORD}).status_code
        == 200
    )


def test_admin_pages_are_for_admins_only(client, make_user, login):
    login(make_user(role="facilitator"))
    for url in ("/admin/", "/admin/organisations", "/admin/users", "/admin/audit"):
        assert client.get(url).status_code == 404
    assert client.post("/admin/users/1", data={"global_role": "admin"}).status_code == 404
