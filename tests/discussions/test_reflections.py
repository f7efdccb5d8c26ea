"""Reflections: the lesson page shows the prompt and a form; one thread per cohort and lesson,
created by the first answer; post-first hides the others' answers until one has posted."""

from sqlalchemy import func, select, update

from learning.courses.models import Lesson
from learning.db import db
from learning.discussions import services
from learning.discussions.models import Post, Thread


def lesson_url(world, slug_key: str, cohort=None) -> str:
    cohort = cohort or world.a
    return f"/cohorts/{cohort.slug}/lessons/{world.lessons[slug_key]}"


def reflect(client, world, slug_key: str, body: str, cohort=None, key: str | None = None):
    data = {"body": body, **({"key": key} if key else {})}
    return client.post(lesson_url(world, slug_key, cohort) + "/reflection", data=data)


def threads(app) -> list[Thread]:
    with app.app_context():
        rows = db.session.scalars(select(Thread)).all()
        db.session.expunge_all()
        return list(rows)


def test_the_lesson_page_shows_the_prompt_and_a_form_without_creating_a_thread(
    app, world, client_for
):
    sita = client_for(world.users["sita"])
    page = sita.get(lesson_url(world, "first")).get_data(as_text=True)
    assert "What surprised you most?" in page
    assert 'action="/cohorts/cohort-a/lessons/' in page and "Post your reflection" in page
    assert "No answers yet" in page
    assert threads(app) == []  # GET never creates the thread
    # A lesson without a prompt shows no reflection at all.
    third = sita.get(lesson_url(world, "fourth"))
    assert "reflection-heading" not in third.get_data(as_text=True)


def test_first_answer_creates_the_one_thread_and_returns_to_the_lesson(app, world, client_for):
    sita, prakash = client_for(world.users["sita"]), client_for(world.users["prakash"])
    response = reflect(sita, world, "first", "The *food*.")
    assert response.status_code == 302
    assert response.headers["Location"] == lesson_url(world, "first") + "#reflection"
    assert reflect(prakash, world, "first", "The weather.").status_code == 302
    rows = threads(app)
    assert len(rows) == 1 and rows[0].kind == "reflection" and rows[0].title == "First"
    assert rows[0].lesson_id == world.lessons["first"] and rows[0].post_count == 2
    page = sita.get(lesson_url(world, "first")).get_data(as_text=True)
    assert "<em>food</em>" in page and "The weather." in page
    # The reflection thread is in the cohort's list, with the prompt on its page.
    listing = sita.get(f"/cohorts/{world.a.slug}/discussion/").get_data(as_text=True)
    assert "First" in listing and "Reflection" in listing
    thread_page = sita.get(f"/cohorts/{world.a.slug}/discussion/{rows[0].id}")
    assert "What surprised you most?" in thread_page.get_data(as_text=True)


def test_the_same_lesson_in_two_cohorts_has_two_separate_threads(app, world, client_for):
    both = client_for(world.users["both"])
    reflect(both, world, "first", "In A")
    reflect(both, world, "first", "In B", cohort=world.b)
    rows = threads(app)
    assert sorted(t.cohort_id for t in rows) == sorted([world.a.id, world.b.id])
    bea = client_for(world.users["bea"])
    page_b = bea.get(lesson_url(world, "first", world.b)).get_data(as_text=True)
    assert "In B" in page_b and "In A" not in page_b


def test_the_thread_is_unique_per_cohort_and_lesson(app, world):
    with app.app_context():
        cohort = db.session.get(type(world.a), world.a.id)
        lesson = db.session.get(services.Lesson, world.lessons["first"])
        one = services._reflection_thread_for_writing(cohort, lesson)
        two = services._reflection_thread_for_writing(cohort, lesson)
        assert one.id == two.id
        db.session.add(
            Thread(cohort_id=cohort.id, kind="reflection", lesson_id=lesson.id, title="Duplicate")
        )
        try:
            db.session.flush()
            raise AssertionError("the unique constraint did not hold")
        except Exception as error:  # noqa: BLE001 - IntegrityError, driver-specific subclass
            assert "unique" in str(error).lower() or "duplicate" in str(error).lower()
        db.session.rollback()


def test_post_first_hides_others_answers_until_one_has_posted(app, world, client_for):
    sita, prakash = client_for(world.users["sita"]), client_for(world.users["prakash"])
    fac = client_for(world.users["fac"])
    assert reflect(sita, world, "second", "Sita's own story").status_code == 302

    page = prakash.get(lesson_url(world, "second")).get_data(as_text=True)
    assert "Sita's own story" not in page
    assert "Write your own answer first" in page and "1 answer so far." in page
    thread_id = threads(app)[0].id
    thread_page = prakash.get(f"/cohorts/{world.a.slug}/discussion/{thread_id}")
    assert thread_page.status_code == 200
    assert "Sita's own story" not in thread_page.get_data(as_text=True)
    with app.app_context():
        sita_post = db.session.scalar(select(Post.id))
    # Nor through a post's own pages.
    assert prakash.get(f"/cohorts/{world.a.slug}/posts/{sita_post}/report").status_code == 404

    # Facilitators always see the answers.
    assert "Sita's own story" in fac.get(lesson_url(world, "second")).get_data(as_text=True)

    assert reflect(prakash, world, "second", "Prakash's story").status_code == 302
    page = prakash.get(lesson_url(world, "second")).get_data(as_text=True)
    assert "Sita's own story" in page and "Prakash's story" in page
    assert prakash.get(f"/cohorts/{world.a.slug}/posts/{sita_post}/report").status_code == 200


def test_a_reflection_is_refused_for_closed_modules_and_lessons_without_prompt(
    app, world, client_for
):
    sita = client_for(world.users["sita"])
    assert reflect(sita, world, "third", "Too early").status_code == 404  # module 2 not open
    assert reflect(sita, world, "fourth", "No prompt").status_code == 404
    outsider = client_for(world.users["outsider"])
    assert reflect(outsider, world, "first", "Let me in").status_code == 404
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(Post)) == 0


def test_an_over_long_reflection_comes_back_with_its_text(app, world, client_for):
    sita = client_for(world.users["sita"])
    text = "x" * 10_001
    response = reflect(sita, world, "first", text)
    assert response.status_code == 400
    page = response.get_data(as_text=True)
    assert "the limit is 10,000" in page and text in page and "What surprised you most?" in page
    assert threads(app) == []


def test_a_double_submitted_reflection_creates_one_post(app, world, client_for):
    sita = client_for(world.users["sita"])
    page = sita.get(lesson_url(world, "first")).get_data(as_text=True)
    key = page.split('name="key" value="')[1].split('"')[0]
    assert reflect(sita, world, "first", "Once", key=key).status_code == 302
    assert reflect(sita, world, "first", "Once", key=key).status_code == 302
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(Post)) == 1


def test_a_reflection_thread_of_an_unopened_module_is_closed_to_participants(
    app, world, client_for
):
    with app.app_context():
        db.session.execute(
            update(Lesson).where(Lesson.slug == "third").values(reflection="Later prompt")
        )
        db.session.commit()
    fac, sita = client_for(world.users["fac"]), client_for(world.users["sita"])
    # The facilitator may read (and answer) ahead; module 2 opens in four days.
    assert reflect(fac, world, "third", "A note for later.").status_code == 302
    thread_id = next(t.id for t in threads(app) if t.lesson_id == world.lessons["third"])
    url = f"/cohorts/{world.a.slug}/discussion/{thread_id}"
    assert fac.get(url).status_code == 200
    assert sita.get(url).status_code == 404
    assert sita.post(f"{url}/reply", data={"body": "x"}).status_code == 404
    listing = sita.get(f"/cohorts/{world.a.slug}/discussion/").get_data(as_text=True)
    assert "A note for later." not in listing
