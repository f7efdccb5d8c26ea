"""Bad input through the real routes: the XSS payload suite against posts, titles and names;
an expired CSRF token gives the text back; budgets of queries and bytes."""

import re

import pytest
from sqlalchemy import select

from learning.accounts.models import User
from learning.cohorts import services as cohorts
from learning.db import db
from learning.discussions import services
from learning.discussions.models import Post
from tests.discussions.test_threads import start
from tests.test_markup import XSS_PAYLOADS, assert_inert

ARTICLE = re.compile(r"<article class=\"post.*?</article>", re.S)


@pytest.fixture
def fast_posting(app, monkeypatch):
    monkeypatch.setitem(app.config, "RATELIMIT_POSTS", "1000 per minute")


def test_xss_payloads_posted_through_the_routes_come_out_inert(
    app, world, client_for, fast_posting
):
    sita, prakash = client_for(world.users["sita"]), client_for(world.users["prakash"])
    url = start(sita, world.a.slug, "Payloads", "Start")
    for payload in XSS_PAYLOADS:
        response = prakash.post(f"{url}/reply", data={"body": f"Look:\n\n{payload}\n\n- {payload}"})
        assert response.status_code == 302, payload
    with app.app_context():
        ids = db.session.scalars(select(Post.id).where(Post.position > 1)).all()
    # Quoting each payload post, and editing one, goes through the same sanitiser.
    for post_id, payload in zip(ids, XSS_PAYLOADS, strict=True):
        sita.post(f"{url}/reply", data={"body": payload, "reply_to": str(post_id)})
    prakash.post(f"/cohorts/{world.a.slug}/posts/{ids[0]}/edit", data={"body": XSS_PAYLOADS[1]})
    seen = 0
    for page in range(1, 4):
        html = sita.get(f"{url}?page={page}").get_data(as_text=True)
        for article in ARTICLE.findall(html):
            assert_inert(article)
            seen += 1
        assert "<script>alert" not in html and "<img src=x" not in html
    assert seen == 1 + 2 * len(XSS_PAYLOADS)


def test_payloads_in_titles_reflections_and_names_are_escaped(
    app, world, client_for, make_user, fast_posting
):
    with app.app_context():
        evil = db.session.get(User, make_user(name="<img src=x onerror=alert(1)>").id)
        cohorts.add_member(cohorts.get_cohort(world.a.slug), evil, "participant")
        db.session.commit()
        evil_user = db.session.get(User, evil.id)
        db.session.expunge(evil_user)
    attacker = client_for(evil_user)
    lesson = f"/cohorts/{world.a.slug}/lessons/{world.lessons['first']}"
    for payload in XSS_PAYLOADS:
        start(attacker, world.a.slug, payload[:200], f"@Sita Sharma {payload}")
        attacker.post(f"{lesson}/reflection", data={"body": payload})
    sita = client_for(world.users["sita"])
    for url in (f"/cohorts/{world.a.slug}/discussion/", "/notifications/", lesson):
        html = sita.get(url).get_data(as_text=True)
        assert "<img src=x" not in html and "<script>alert" not in html, url
        for article in ARTICLE.findall(html):
            assert_inert(article)
    assert "&lt;img src=x onerror=alert(1)&gt;" in sita.get("/notifications/").get_data(
        as_text=True
    )


def test_an_expired_csrf_token_gives_the_text_back(app, world, client_for):
    sita, fac = client_for(world.users["sita"]), client_for(world.users["fac"])
    url = start(sita, world.a.slug, "CSRF")
    app.config["WTF_CSRF_ENABLED"] = True
    try:
        text = "A long answer I spent twenty minutes on."
        response = sita.post(
            f"{url}/reply", data={"body": text, "key": "k-1", "csrf_token": "expired"}
        )
        assert response.status_code == 400
        page = response.get_data(as_text=True)
        assert "nothing was saved" in page and text in page
        assert 'name="key" value="k-1"' in page and f'action="{url}/reply"' in page
        token = re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)
        # Sending it again from that page works, once.
        for _ in range(2):
            again = sita.post(
                f"{url}/reply", data={"body": text, "key": "k-1", "csrf_token": token}
            )
            assert again.status_code == 302
        response = sita.post(
            f"/cohorts/{world.a.slug}/discussion/new", data={"title": "My title", "body": "My body"}
        )
        page = response.get_data(as_text=True)
        assert response.status_code == 400 and "My title" in page and "My body" in page
        # A bare button without its token gets the plain error page.
        response = fac.post(f"{url}/pin")
        assert response.status_code == 400 and "The form may have expired" in response.get_data(
            as_text=True
        )
    finally:
        app.config["WTF_CSRF_ENABLED"] = False
    with app.app_context():
        assert db.session.scalar(select(Post.body).where(Post.position == 2)) == text
        assert len(db.session.scalars(select(Post)).all()) == 2


def test_a_signed_out_writer_still_gets_the_text_back(app, world, client):
    app.config["WTF_CSRF_ENABLED"] = True
    try:
        response = client.post(
            f"/cohorts/{world.a.slug}/discussion/1/reply",
            data={"body": "Written before the session ended"},
        )
    finally:
        app.config["WTF_CSRF_ENABLED"] = False
    page = response.get_data(as_text=True)
    assert response.status_code == 400
    assert "You were signed out" in page and "Written before the session ended" in page


# --- Budgets -------------------------------------------------------------------------------


def _busy_cohort(app, world, threads: int = 30, posts: int = 50) -> int:
    """Many threads, one of them with `posts` posts by several people, replies quoting
    earlier posts, and an unread mention of Prakash in it. Returns that thread's id."""
    with app.app_context():
        cohort = cohorts.get_cohort(world.a.slug)
        people = [db.session.get(User, world.users[n].id) for n in ("sita", "carla", "fac")]
        for n in range(threads):
            services.start_thread(people[n % 3], cohort, title=f"Thread {n}", body="Hello")
        first = services.start_thread(people[0], cohort, title="Busy", body="Let us talk.")
        previous = first
        for n in range(2, posts + 1):
            body = f"Post {n}: a *thoughtful* answer with a [link](https://example.org/{n})."
            if n == posts:
                body += " @Prakash Thapa what do you think?"
            previous = services.reply(
                people[n % 3],
                cohort,
                first.thread,
                body,
                reply_to_id=previous.id if n % 2 else None,
            )
        services.set_pinned(people[2], first.thread, True)
        db.session.commit()
        return first.thread_id


def test_thread_list_and_a_50_post_thread_stay_within_8_queries(
    app, world, client_for, count_queries
):
    thread_id = _busy_cohort(app, world)
    prakash = client_for(world.users["prakash"])
    prakash.get(f"/cohorts/{world.a.slug}/discussion/{thread_id}?page=1")  # some read state
    with count_queries() as q:
        listing = prakash.get(f"/cohorts/{world.a.slug}/discussion/")
    assert listing.status_code == 200 and "Notifications (1" in listing.get_data(as_text=True)
    assert q.count <= 8, "\n\n".join(q.statements)
    list_queries = q.count

    counts = []
    for page in (2, 1):  # page 2 holds the unread mention: reading it marks it read
        with count_queries() as q:
            response = prakash.get(f"/cohorts/{world.a.slug}/discussion/{thread_id}?page={page}")
        html = response.get_data(as_text=True)
        assert response.status_code == 200
        assert html.count('<article class="post') == services.POSTS_PER_PAGE
        assert q.count <= 8, "\n\n".join(q.statements)
        counts.append(q.count)
    assert "Notifications (" not in html  # read now
    # A small thread costs the same: no query per post.
    small = start(client_for(world.users["sita"]), world.a.slug, "Small", "@Prakash Thapa hi")
    with count_queries() as q:
        prakash.get(small)
    assert q.count <= counts[0]
    print(f"queries: thread list {list_queries}, thread pages {counts}, small thread {q.count}")


def test_a_thread_page_weighs_under_40_kb_with_its_css(app, world, client_for):
    with app.app_context():
        cohort = cohorts.get_cohort(world.a.slug)
        people = [db.session.get(User, world.users[n].id) for n in ("sita", "prakash", "carla")]
        sentence = "In my host organisation decisions were made in a **different** way. "
        first = services.start_thread(people[0], cohort, title="Weight", body=sentence * 5)
        for n in range(services.POSTS_PER_PAGE + 5):
            services.reply(
                people[n % 3],
                cohort,
                first.thread,
                sentence * 5,
                reply_to_id=first.id if n % 4 == 0 else None,
            )
        db.session.commit()
        thread_id = first.thread_id
    client = client_for(world.users["prakash"])
    response = client.get(f"/cohorts/{world.a.slug}/discussion/{thread_id}")
    html = response.get_data()
    assert html.decode().count('<article class="post') == services.POSTS_PER_PAGE
    total = len(html)
    for asset in re.findall(r'(?:href|src)="(/static/[^"]+)"', html.decode()):
        with client.get(asset) as static:
            total += len(static.get_data())
    print(f"thread page: {len(html)} bytes of HTML, {total} bytes with CSS and JS")
    assert total < 40 * 1024, total
