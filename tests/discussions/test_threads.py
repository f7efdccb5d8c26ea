"""Threads and posts: the list, starting, replying with a quote, pagination, editing with
revisions, soft deletion, cached Markdown, and nothing created twice or lost."""

import re
from datetime import timedelta

from sqlalchemy import func, select, update

from learning.db import db, utcnow
from learning.discussions import services
from learning.discussions.models import Post, PostRevision, Thread
from learning.extensions import limiter


def start(
    client,
    slug: str,
    title: str = "A question",
    body: str = "What do you think?",
    key: str | None = None,
) -> str:
    data = {"title": title, "body": body}
    if key:
        data["key"] = key
    response = client.post(f"/cohorts/{slug}/discussion/new", data=data)
    assert response.status_code == 302, response.get_data(as_text=True)
    return response.headers["Location"].split("#")[0]


def thread_id_of(url: str) -> int:
    return int(re.search(r"/discussion/(\d+)", url).group(1))


def count(app, model, *where) -> int:
    with app.app_context():
        return db.session.scalar(select(func.count()).select_from(model).where(*where))


def test_start_a_thread_and_reply_quoting_a_post(app, world, client_for):
    sita, prakash = client_for(world.users["sita"]), client_for(world.users["prakash"])
    url = start(sita, world.a.slug, "Greetings", "Hello from **Kathmandu**")
    page = prakash.get(url).get_data(as_text=True)
    assert "<h1>Greetings</h1>" in page and "<strong>Kathmandu</strong>" in page
    first = re.search(r'id="post-(\d+)"', page).group(1)

    form = prakash.get(f"{url}?reply_to={first}").get_data(as_text=True)
    assert "Replying to Sita Sharma" in form and f'value="{first}"' in form
    response = prakash.post(f"{url}/reply", data={"body": "Hello back!", "reply_to": first})
    assert response.status_code == 302
    assert re.fullmatch(rf"{url}#post-\d+", response.headers["Location"])
    page = sita.get(url).get_data(as_text=True)
    assert "In reply to" in page and "“Hello from Kathmandu”" in page
    assert page.index("Hello from") < page.index("Hello back!")


def test_thread_list_pinned_first_then_latest_activity_with_unread_markers(app, world, client_for):
    sita, prakash = client_for(world.users["sita"]), client_for(world.users["prakash"])
    fac = client_for(world.users["fac"])
    old = start(sita, world.a.slug, "Old thread")
    newer = start(sita, world.a.slug, "Newer thread")
    pinned = start(prakash, world.a.slug, "House rules")
    with app.app_context():
        db.session.execute(
            update(Thread)
            .where(Thread.id == thread_id_of(pinned))
            .values(last_post_at=utcnow() - timedelta(days=9))
        )
        db.session.commit()
    assert fac.post(f"{pinned}/pin").status_code == 302
    prakash.post(f"{old}/reply", data={"body": "Bumping the old one"})

    listing = sita.get(f"/cohorts/{world.a.slug}/discussion/").get_data(as_text=True)
    titles = re.findall(r'<a href="/cohorts/cohort-a/discussion/\d+">([^<]+)</a>', listing)
    assert titles == ["House rules", "Old thread", "Newer thread"]
    assert "Pinned" in listing
    # Sita started two threads (read); the pinned one and Prakash's reply are new to her.
    assert listing.count("badge-new") == 2
    assert re.search(r"Old thread</a>\s*<span class=\"badge badge-new\">1 new", listing)
    sita.get(old)
    sita.get(pinned)
    listing = sita.get(f"/cohorts/{world.a.slug}/discussion/").get_data(as_text=True)
    assert "badge-new" not in listing
    assert newer  # started, read by its author


def test_thread_list_and_thread_paginate(app, world, client_for):
    sita = client_for(world.users["sita"])
    with app.app_context():
        author = db.session.get(type(world.users["sita"]), world.users["sita"].id)
        cohort = db.session.get(type(world.a), world.a.id)
        for n in range(services.THREADS_PER_PAGE + 2):
            services.start_thread(author, cohort, title=f"Thread {n}", body="x")
        first = services.start_thread(author, cohort, title="Long", body="post 1")
        for n in range(2, services.POSTS_PER_PAGE + 4):
            services.reply(author, cohort, first.thread, f"post {n}")
        db.session.commit()
        long_id = first.thread_id
    listing = sita.get(f"/cohorts/{world.a.slug}/discussion/").get_data(as_text=True)
    assert listing.count('class="thread-row') == services.THREADS_PER_PAGE
    assert 'rel="next"' in listing
    second = sita.get(f"/cohorts/{world.a.slug}/discussion/?page=2").get_data(as_text=True)
    assert second.count('class="thread-row') == 3 and 'rel="prev"' in second
    assert sita.get(f"/cohorts/{world.a.slug}/discussion/?page=x").status_code == 200

    url = f"/cohorts/{world.a.slug}/discussion/{long_id}"
    page1 = sita.get(url).get_data(as_text=True)
    assert page1.count('<article class="post') == services.POSTS_PER_PAGE and "Page 1 of 2" in page1
    page2 = sita.get(f"{url}?page=2").get_data(as_text=True)
    assert page2.count('<article class="post') == 3 and "<p>post 28</p>" in page2
    assert sita.get(f"{url}?page=3").status_code == 404


def test_edit_keeps_earlier_versions_and_marks_the_post_edited(app, world, client_for):
    sita = client_for(world.users["sita"])
    url = start(sita, world.a.slug, "Typos", "Helo everyone")
    with app.app_context():
        post_id = db.session.scalar(select(Post.id))
    edit = f"/cohorts/{world.a.slug}/posts/{post_id}/edit"
    assert "Helo everyone" in sita.get(edit).get_data(as_text=True)
    assert sita.post(edit, data={"body": "Hello everyone"}).status_code == 302
    assert sita.post(edit, data={"body": "Hello, everyone"}).status_code == 302
    page = sita.get(url).get_data(as_text=True)
    assert "Hello, everyone" in page and "edited" in page and "Helo" not in page
    with app.app_context():
        bodies = db.session.scalars(select(PostRevision.body).order_by(PostRevision.id)).all()
    assert bodies == ["Helo everyone", "Hello everyone"]
    history = sita.get(f"/cohorts/{world.a.slug}/posts/{post_id}/history").get_data(as_text=True)
    assert "Helo everyone" in history
    # Facilitators see the history; other members do not.
    fac, prakash = client_for(world.users["fac"]), client_for(world.users["prakash"])
    assert fac.get(f"/cohorts/{world.a.slug}/posts/{post_id}/history").status_code == 200
    assert prakash.get(f"/cohorts/{world.a.slug}/posts/{post_id}/history").status_code == 404


def test_nobody_edits_or_deletes_anothers_post_not_even_a_facilitator(app, world, client_for):
    sita = client_for(world.users["sita"])
    start(sita, world.a.slug, "Mine", "My words")
    with app.app_context():
        post_id = db.session.scalar(select(Post.id))
    for name in ("fac", "prakash"):
        other = client_for(world.users[name])
        base = f"/cohorts/{world.a.slug}/posts/{post_id}"
        assert other.get(f"{base}/edit").status_code == 404
        assert other.post(f"{base}/edit", data={"body": "Changed"}).status_code == 404
        assert other.post(f"{base}/delete").status_code == 404
    with app.app_context():
        assert db.session.scalar(select(Post.body)) == "My words"


def test_delete_is_soft_and_shows_deleted(app, world, client_for):
    sita, prakash = client_for(world.users["sita"]), client_for(world.users["prakash"])
    url = start(sita, world.a.slug, "Oops", "Something I regret")
    prakash.post(f"{url}/reply", data={"body": "A reply stays"})
    with app.app_context():
        post_id = db.session.scalar(select(Post.id).where(Post.position == 1))
    confirm = sita.get(f"/cohorts/{world.a.slug}/posts/{post_id}/delete")
    assert "Delete the post" in confirm.get_data(as_text=True)
    assert sita.post(f"/cohorts/{world.a.slug}/posts/{post_id}/delete").status_code == 302
    page = prakash.get(url).get_data(as_text=True)
    assert "This post was deleted by its author." in page
    assert "Something I regret" not in page and "A reply stays" in page
    assert count(app, Post) == 2  # kept in the database
    # A deleted post can no longer be edited, deleted again or replied to.
    assert sita.get(f"/cohorts/{world.a.slug}/posts/{post_id}/edit").status_code == 404
    response = prakash.post(f"{url}/reply", data={"body": "Quoting", "reply_to": post_id})
    assert response.status_code == 400
    assert "hidden or deleted" in response.get_data(as_text=True)


def test_html_is_cached_with_the_renderer_version_and_renewed_lazily(app, world, client_for):
    sita = client_for(world.users["sita"])
    url = start(sita, world.a.slug, "Cache", "*cached*")
    with app.app_context():
        post = db.session.scalar(select(Post))
        assert post.body == "*cached*" and post.html == "<p><em>cached</em></p>"
        assert post.renderer_version == services.RENDERER_VERSION
        post.html, post.renderer_version = "<p>stale</p>", "0"
        db.session.commit()
    assert "<em>cached</em>" in sita.get(url).get_data(as_text=True)
    with app.app_context():
        post = db.session.scalar(select(Post))
        assert post.renderer_version == services.RENDERER_VERSION
        assert post.html == "<p><em>cached</em></p>"


def test_a_double_submitted_post_creates_one_post(app, world, client_for):
    sita = client_for(world.users["sita"])
    first = start(sita, world.a.slug, "Twice", "Sent twice", key="form-key-1")
    again = start(sita, world.a.slug, "Twice", "Sent twice", key="form-key-1")
    assert first == again
    assert count(app, Thread) == 1 and count(app, Post) == 1
    for _ in range(2):
        response = sita.post(f"{first}/reply", data={"body": "Reply", "key": "form-key-2"})
        assert response.status_code == 302
    assert count(app, Post) == 2
    # The same key in another thread is refused, not silently attached.
    other = start(sita, world.a.slug, "Other")
    response = sita.post(f"{other}/reply", data={"body": "Reply", "key": "form-key-2"})
    assert response.status_code == 400
    assert "already used" in response.get_data(as_text=True)


def test_concurrent_replay_meets_the_unique_constraint(app, world):
    """Two requests that both passed the replay check: the constraint makes one post."""
    with app.app_context():
        author = db.session.get(type(world.users["sita"]), world.users["sita"].id)
        cohort = db.session.get(type(world.a), world.a.id)
        first = services.start_thread(author, cohort, title="Race", body="one", key="same")
        db.session.commit()
        thread = db.session.get(Thread, first.thread_id)
        post, created = services._add_post(author, thread, "one", "same")
        assert not created and post.id == first.id
        db.session.commit()
        assert db.session.scalar(select(func.count()).select_from(Post)) == 1
        assert db.session.get(Thread, first.thread_id).post_count == 1


def test_an_over_long_post_is_refused_with_the_text_kept(app, world, client_for):
    sita = client_for(world.users["sita"])
    text = "Long story. " * 1000  # 12,000 characters
    response = sita.post(
        f"/cohorts/{world.a.slug}/discussion/new", data={"title": "Long", "body": text}
    )
    assert response.status_code == 400
    page = response.get_data(as_text=True)
    assert "the limit is 10,000" in page
    assert text.strip() in page  # the textarea gives it back
    assert 'value="Long"' in page
    assert count(app, Post) == 0
    url = start(sita, world.a.slug)
    response = sita.post(f"{url}/reply", data={"body": text})
    assert response.status_code == 400 and "the limit is 10,000" in response.get_data(as_text=True)
    assert text.strip() in response.get_data(as_text=True)


def test_empty_and_invisible_only_input_is_refused(app, world, client_for):
    sita = client_for(world.users["sita"])
    response = sita.post(
        f"/cohorts/{world.a.slug}/discussion/new", data={"title": "\u200b\u202e", "body": "Body"}
    )
    assert response.status_code == 400 and "Give the thread a title." in response.get_data(
        as_text=True
    )
    url = start(sita, world.a.slug)
    response = sita.post(f"{url}/reply", data={"body": "  \u200b\u2060 "})
    assert response.status_code == 400 and "Write something" in response.get_data(as_text=True)


def test_zero_width_and_rtl_controls_are_stripped_from_titles_and_posts(app, world, client_for):
    sita = client_for(world.users["sita"])
    url = start(
        sita, world.a.slug, "Inv\u200boice\u202egnp.exe", "safe\u202etxt.exe zero\u200bwidth"
    )
    page = sita.get(url).get_data(as_text=True)
    assert "\u202e" not in page and "\u200b" not in page
    assert "<h1>Invoicegnp.exe</h1>" in page and "safetxt.exe zerowidth" in page


def test_posting_is_rate_limited_and_the_text_comes_back(app, world, client_for):
    limiter.reset()
    sita = client_for(world.users["sita"])
    url = start(sita, world.a.slug)
    for n in range(9):
        assert sita.post(f"{url}/reply", data={"body": f"flood {n}"}).status_code == 302
    response = sita.post(f"{url}/reply", data={"body": "one too many"})
    assert response.status_code == 429
    page = response.get_data(as_text=True)
    assert "posting very quickly" in page and "one too many" in page
    assert response.headers["Retry-After"] == "60"
    # Someone else is not slowed down.
    prakash = client_for(world.users["prakash"])
    assert prakash.post(f"{url}/reply", data={"body": "calm"}).status_code == 302
    limiter.reset()


def test_a_thread_of_another_cohort_is_not_found_under_this_slug(app, world, client_for):
    both = client_for(world.users["both"])
    url_b = start(both, world.b.slug, "In B")
    thread_b = thread_id_of(url_b)
    # The member of both cohorts uses A's slug with B's thread id: 404 everywhere.
    assert both.get(f"/cohorts/{world.a.slug}/discussion/{thread_b}").status_code == 404
    response = both.post(
        f"/cohorts/{world.a.slug}/discussion/{thread_b}/reply", data={"body": "cross-posting"}
    )
    assert response.status_code == 404
    with app.app_context():
        post_b = db.session.scalar(select(Post.id))
    for action in ("edit", "delete", "report", "history"):
        assert both.get(f"/cohorts/{world.a.slug}/posts/{post_b}/{action}").status_code == 404
    assert count(app, Post) == 1


def test_replying_to_a_post_of_another_thread_is_refused(app, world, client_for):
    sita = client_for(world.users["sita"])
    one, two = start(sita, world.a.slug, "One"), start(sita, world.a.slug, "Two")
    with app.app_context():
        post_one = db.session.scalar(select(Post.id).where(Post.thread_id == thread_id_of(one)))
    response = sita.post(f"{two}/reply", data={"body": "x", "reply_to": str(post_one)})
    assert response.status_code == 400
    assert "not in this thread" in response.get_data(as_text=True)


def test_archived_cohort_can_be_read_but_not_written(app, world, client_for):
    sita = client_for(world.users["sita"])
    url = start(sita, world.a.slug)
    with app.app_context():
        db.session.execute(
            update(type(world.a)).where(type(world.a).id == world.a.id).values(status="archived")
        )
        db.session.commit()
    page = sita.get(url)
    assert page.status_code == 200 and 'id="reply"' not in page.get_data(as_text=True)
    assert sita.post(f"{url}/reply", data={"body": "late"}).status_code == 404
    assert sita.get(f"/cohorts/{world.a.slug}/discussion/new").status_code == 404


def test_a_form_key_replayed_in_another_cohort_is_refused(app, world, client_for):
    both = client_for(world.users["both"])
    start(both, world.b.slug, "In B", "Sent in B", key="shared-key")
    response = both.post(
        f"/cohorts/{world.a.slug}/discussion/new",
        data={"title": "In A", "body": "Sent in A", "key": "shared-key"},
    )
    assert response.status_code == 400 and "already used" in response.get_data(as_text=True)
    assert "Sent in A" in response.get_data(as_text=True)
    assert count(app, Thread) == 1
