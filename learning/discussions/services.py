"""Discussion operations: threads, posts and their revisions, reflections, announcements,
moderation, mentions and notifications (in the app and by email).

Everything is scoped to one cohort and to active memberships. Functions flush but never
commit, and never touch the request: the view or command commits once.
"""

import re
import secrets
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime

from flask import current_app
from flask_babel import force_locale
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import and_, exists, func, select, update
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import aliased, contains_eager, joinedload
from sqlalchemy.orm.attributes import set_committed_value

from learning import audit, permissions
from learning.accounts.models import User
from learning.cohorts.models import Cohort, Membership
from learning.courses.models import Lesson
from learning.db import db, utcnow
from learning.discussions.models import (
    REPORT_REASONS,
    Notification,
    Post,
    PostRevision,
    Report,
    Thread,
    ThreadRead,
)
from learning.errors import DomainError, format_count
from learning.mail import queue_mail
from learning.markup import RENDERER_VERSION, clean_block, clean_line, render_markdown

MAX_POST_LENGTH = 10_000
MAX_TITLE_LENGTH = 200
MAX_NOTE_LENGTH = 1_000
MAX_REASON_LENGTH = 500
THREADS_PER_PAGE = 25
POSTS_PER_PAGE = 25
NOTIFICATIONS_PER_PAGE = 30
REFLECTIONS_ON_LESSON = 20
REASON_LABELS = {
    "inappropriate": _l("Inappropriate"),
    "offensive": _l("Offensive"),
    "personal-data": _l("Shares personal data"),
    "other": _l("Something else"),
}


class DiscussionError(DomainError):
    pass


def new_form_key() -> str:
    """A per-form idempotency key: a replayed form finds the post it already made."""
    return secrets.token_urlsafe(18)


def page_of(position: int) -> int:
    return (position - 1) // POSTS_PER_PAGE + 1


def post_path(cohort_slug: str, thread_id: int, position: int, post_id: int) -> str:
    page = page_of(position)
    query = f"?page={page}" if page > 1 else ""
    return f"/cohorts/{cohort_slug}/discussion/{thread_id}{query}#post-{post_id}"


# --- Text ----------------------------------------------------------------------------------


def clean_body(text: str) -> str:
    """A post's Markdown source as stored: invisible and control characters dropped."""
    body = clean_block(text).strip()
    if not body:
        raise DiscussionError(_("Write something before posting."))
    if len(body) > MAX_POST_LENGTH:
        raise DiscussionError(
            _(
                "Your text is %(length)s characters long; the limit is %(limit)s. "
                "Shorten it and send it again.",
                length=format_count(len(body)),
                limit=format_count(MAX_POST_LENGTH),
            )
        )
    return body


def clean_title(text: str) -> str:
    title = clean_line(text)
    if not title:
        raise DiscussionError(_("Give the thread a title."))
    if len(title) > MAX_TITLE_LENGTH:
        raise DiscussionError(
            _("Keep the title under %(max)s characters.", max=format_count(MAX_TITLE_LENGTH))
        )
    return title


def _render(post: Post) -> None:
    post.html = render_markdown(post.body, "post")
    post.renderer_version = RENDERER_VERSION


def refresh_rendering(posts: Iterable[Post]) -> int:
    """Render again the cached HTML of posts made by an older renderer (the caller commits)."""
    stale = [p for p in posts if p.renderer_version != RENDERER_VERSION]
    for post in stale:
        _render(post)
    return len(stale)


def excerpt(text: str, length: int = 140) -> str:
    """Plain text to quote a post: Markdown marks dropped, one line, cut at a word."""
    plain = re.sub(r"\[([^\]]*)\]\([^)]*\)", r"\1", text or "")  # a link: its text
    plain = re.sub(r"(?m)^\s*(?:[>#]+|[-*+]|\d+\.)\s+", "", plain)  # quote, heading, list
    plain = " ".join(re.sub(r"[*_`~]", "", plain).split())
    if len(plain) <= length:
        return plain
    return plain[:length].rsplit(" ", 1)[0] + "…"


_WORD = re.compile(r"\w")


def find_mentions(text: str, names: dict[int, str]) -> set[int]:
    """Ids of the people whose `@Display Name` appears in `text`; the longest name wins, so
    "@Ana Maria" mentions Ana Maria, not Ana. An @ inside a word (an email) is not one."""
    candidates = sorted(
        ((uid, name.casefold()) for uid, name in names.items() if name),
        key=lambda item: len(item[1]),
        reverse=True,
    )
    found: set[int] = set()
    for match in re.finditer("@", text):
        start = match.start()
        if start > 0 and _WORD.match(text[start - 1]):
            continue
        for uid, name in candidates:
            end = start + 1 + len(name)
            if text[start + 1 : end].casefold() != name:
                continue
            if end < len(text) and _WORD.match(text[end]):
                continue
            found.add(uid)
            break
    return found


# --- Reading -------------------------------------------------------------------------------


@dataclass
class ThreadState:
    thread: Thread
    last_read: int
    has_posted: bool

    @property
    def pages(self) -> int:
        return max(1, page_of(self.thread.post_count))


def _has_posted(user_id: int):
    return (
        exists()
        .where(Post.thread_id == Thread.id, Post.author_id == user_id)
        .correlate(Thread)
        .label("has_posted")
    )


def get_thread(cohort: Cohort, thread_id: int, viewer: User) -> ThreadState | None:
    """The thread if it is in this cohort, with how far the viewer read it (one query)."""
    row = db.session.execute(
        select(Thread, ThreadRead.last_position, _has_posted(viewer.id))
        .outerjoin(
            ThreadRead, and_(ThreadRead.thread_id == Thread.id, ThreadRead.user_id == viewer.id)
        )
        .options(
            joinedload(Thread.lesson).load_only(
                Lesson.id, Lesson.title, Lesson.reflection, Lesson.reflection_mode
            )
        )
        .where(Thread.id == thread_id, Thread.cohort_id == cohort.id)
    ).first()
    if row is None:
        return None
    thread, last_read, has_posted = row
    return ThreadState(thread, last_read or 0, bool(has_posted))


def reflection_mode(thread: Thread) -> str:
    """ "post-first" for reflection threads of such lessons, else "open"."""
    if thread.kind == "reflection" and thread.lesson is not None:
        return thread.lesson.reflection_mode or "open"
    return "open"


def has_posted(user: User, thread: Thread) -> bool:
    return (
        db.session.scalar(
            select(Post.id).where(Post.thread_id == thread.id, Post.author_id == user.id).limit(1)
        )
        is not None
    )


def thread_posts(thread: Thread, page: int) -> list[Post]:
    """One page of posts in order, with their authors and the posts they answer (one query)."""
    first = (page - 1) * POSTS_PER_PAGE + 1
    quoted = aliased(Post)
    return list(
        db.session.scalars(
            select(Post)
            .options(
                joinedload(Post.author),
                joinedload(Post.reply_to.of_type(quoted)).joinedload(quoted.author),
            )
            .where(
                Post.thread_id == thread.id,
                Post.position >= first,
                Post.position < first + POSTS_PER_PAGE,
            )
            .order_by(Post.position)
        ).unique()
    )


def mark_thread_read(user: User, state: ThreadState, up_to: int) -> None:
    """Remember the highest post position the user has seen (one upsert, only if it grew)."""
    if up_to <= state.last_read:
        return
    now = utcnow()
    insert = pg_insert if db.session.get_bind().dialect.name == "postgresql" else sqlite_insert
    statement = insert(ThreadRead).values(
        user_id=user.id, thread_id=state.thread.id, last_position=up_to, read_at=now
    )
    statement = statement.on_conflict_do_update(
        index_elements=[ThreadRead.user_id, ThreadRead.thread_id],
        set_={
            "last_position": func.max(statement.excluded.last_position, ThreadRead.last_position)
            if insert is sqlite_insert
            else func.greatest(statement.excluded.last_position, ThreadRead.last_position),
            "read_at": now,
        },
    )
    db.session.execute(statement)
    state.last_read = up_to


@dataclass
class ThreadRow:
    thread: Thread
    unread: int

    @property
    def is_new(self) -> bool:
        return self.unread > 0


def list_threads(cohort: Cohort, viewer: User, page: int) -> tuple[list[ThreadRow], bool]:
    """A page of the cohort's threads, pinned first then by latest activity, with how many
    posts each has that the viewer has not seen; and whether a next page exists."""
    rows = db.session.execute(
        select(Thread, ThreadRead.last_position)
        .outerjoin(
            ThreadRead, and_(ThreadRead.thread_id == Thread.id, ThreadRead.user_id == viewer.id)
        )
        .options(joinedload(Thread.author), joinedload(Thread.last_author))
        .where(Thread.cohort_id == cohort.id, Thread.post_count > 0)
        .order_by(Thread.is_pinned.desc(), Thread.last_post_at.desc(), Thread.id.desc())
        .offset((page - 1) * THREADS_PER_PAGE)
        .limit(THREADS_PER_PAGE + 1)
    ).all()
    items = [
        ThreadRow(thread, max(0, thread.post_count - (last or 0)))
        for thread, last in rows[:THREADS_PER_PAGE]
    ]
    return items, len(rows) > THREADS_PER_PAGE


def get_post(cohort: Cohort, post_id: int) -> Post | None:
    """A post of a thread in this cohort, with its thread and author."""
    return db.session.scalar(
        select(Post)
        .join(Thread, Post.thread_id == Thread.id)
        .options(joinedload(Post.thread), joinedload(Post.author))
        .where(Post.id == post_id, Thread.cohort_id == cohort.id)
    )


# --- Writing -------------------------------------------------------------------------------


def _replayed(author: User, key: str | None) -> Post | None:
    if not key:
        return None
    return db.session.scalar(
        select(Post).where(Post.author_id == author.id, Post.idempotency_key == key[:64])
    )


def _same_place(post: Post, cohort: Cohort, thread_id: int | None = None) -> Post:
    """A replayed form answers with its post only where that form was: same cohort, and the
    same thread when there is one."""
    if post.thread.cohort_id != cohort.id or thread_id not in (None, post.thread_id):
        raise DiscussionError(_("This form was already used. Reload the page and write again."))
    return post


def _add_post(
    author: User, thread: Thread, body: str, key: str | None, reply_to: Post | None = None
) -> tuple[Post, bool]:
    """Append a post: its position comes from one atomic increment of the thread's counter,
    and the (author, key) constraint turns a concurrent replay into the existing post, which
    is returned instead, with False (it may belong to another thread: callers check)."""
    now = utcnow()
    try:
        with db.session.begin_nested():
            position = db.session.execute(
                update(Thread)
                .where(Thread.id == thread.id)
                .values(post_count=Thread.post_count + 1, last_post_at=now,
                        last_author_id=author.id)
                .returning(Thread.post_count)
                .execution_options(synchronize_session=False)
            ).scalar_one()  # fmt: skip
            post = Post(
                thread_id=thread.id, position=position, author_id=author.id, body=body,
                reply_to_id=reply_to.id if reply_to else None,
                idempotency_key=key[:64] if key else None, created_at=now,
            )  # fmt: skip
            _render(post)
            db.session.add(post)
            db.session.flush()
    except IntegrityError:
        existing = _replayed(author, key)
        if existing is None:
            raise
        return existing, False
    # The UPDATE above changed the row; tell the session without another statement.
    set_committed_value(thread, "post_count", position)
    set_committed_value(thread, "last_post_at", now)
    set_committed_value(thread, "last_author_id", author.id)
    set_committed_value(post, "thread", thread)
    set_committed_value(post, "author", author)
    set_committed_value(post, "reply_to", reply_to)
    _read_own(author, thread, position)
    return post, True


def _read_own(author: User, thread: Thread, position: int) -> None:
    """One's own post is read: it must not show as new to its author."""
    mark_thread_read(author, ThreadState(thread, 0, True), position)


def start_thread(
    author: User, cohort: Cohort, *, title: str, body: str, key: str | None = None,
    kind: str = "discussion",
) -> Post:  # fmt: skip
    """A new thread with its first post; returns the post (a replay returns the first one)."""
    existing = _replayed(author, key)
    if existing is not None:
        return _same_place(existing, cohort)
    title, body = clean_title(title), clean_body(body)
    thread = Thread(cohort_id=cohort.id, kind=kind, title=title, author_id=author.id)
    db.session.add(thread)
    db.session.flush()
    post, created = _add_post(author, thread, body, key)
    if not created:  # a concurrent replay made the thread already
        db.session.delete(thread)
        return _same_place(post, cohort)
    _notify_about_post(author, cohort, thread, post)
    return post


def _reply_target(thread: Thread, reply_to_id: int | None) -> Post | None:
    if not reply_to_id:
        return None
    target = db.session.get(Post, reply_to_id)
    if target is None or target.thread_id != thread.id:
        raise DiscussionError(_("The post you are replying to is not in this thread."))
    if target.is_hidden or target.is_deleted:
        raise DiscussionError(_("That post was hidden or deleted: you cannot reply to it."))
    return target


def reply(
    author: User, cohort: Cohort, thread: Thread, body: str, *, key: str | None = None,
    reply_to_id: int | None = None, moderator: bool = False,
) -> Post:  # fmt: skip
    """Add a post to a thread of the cohort. Locked threads take posts from moderators only."""
    existing = _replayed(author, key)
    if existing is not None:
        return _same_place(existing, cohort, thread.id)
    if thread.cohort_id != cohort.id:
        raise DiscussionError(_("This thread is not in this cohort."))
    if thread.is_locked and not moderator:
        raise DiscussionError(_("This thread is locked: no new posts can be added."))
    body = clean_body(body)
    target = _reply_target(thread, reply_to_id)
    post, created = _add_post(author, thread, body, key, target)
    if not created:  # a concurrent replay
        return _same_place(post, cohort, thread.id)
    _notify_about_post(author, cohort, thread, post)
    return post


def edit_post(editor: User, cohort: Cohort, post: Post, body: str, *, moderator: bool) -> bool:
    """The author rewrites their post: the earlier version is kept; newly mentioned members
    are notified. Returns False when nothing changed."""
    if post.author_id != editor.id or post.is_deleted:
        raise DiscussionError(_("Only the author can edit this post."))
    if post.thread.is_locked and not moderator:
        raise DiscussionError(_("This thread is locked: posts can no longer be edited."))
    body = clean_body(body)
    if body == post.body:
        return False
    now = utcnow()
    db.session.add(
        PostRevision(post_id=post.id, body=post.body,
                     written_at=post.edited_at or post.created_at, replaced_at=now)
    )  # fmt: skip
    post.body, post.edited_at = body, now
    _render(post)
    _notify_mentions(editor, cohort, post.thread, post)
    return True


def delete_post(author: User, post: Post) -> None:
    """Soft delete: the thread shows that a post was deleted; its text is no longer shown."""
    if post.author_id != author.id or post.is_deleted:
        raise DiscussionError(_("Only the author can delete this post."))
    post.deleted_at = utcnow()


def revisions(post: Post) -> list[PostRevision]:
    return list(
        db.session.scalars(
            select(PostRevision).where(PostRevision.post_id == post.id).order_by(PostRevision.id)
        )
    )


# --- Reflections ---------------------------------------------------------------------------


@dataclass
class ReflectionContext:
    """What the lesson page shows of the lesson's reflection thread."""

    lesson: Lesson
    prompt: str
    mode: str
    thread: Thread | None
    posts: list[Post] | None  # None: hidden until the viewer posts (post-first)
    post_count: int
    has_posted: bool
    may_post: bool
    form_key: str
    more: int = 0


def reflection_thread(cohort: Cohort, lesson: Lesson) -> Thread | None:
    return db.session.scalar(
        select(Thread).where(Thread.cohort_id == cohort.id, Thread.lesson_id == lesson.id)
    )


def reflection_context(user, cohort, lesson) -> ReflectionContext | None:
    """What the lesson page shows of the lesson's reflection thread, or None."""
    if not (lesson.reflection or "").strip():
        return None
    # One query: the latest answers with the thread, and whether the viewer has answered.
    # Answers the viewer may not see yet (post-first) are loaded but never shown.
    own = aliased(Post)
    quoted = aliased(Post)
    has_answered = (
        exists().where(own.thread_id == Thread.id, own.author_id == user.id).label("has_posted")
    )
    rows = db.session.execute(
        select(Post, has_answered)
        .join(Thread, Post.thread_id == Thread.id)
        .options(
            contains_eager(Post.thread),
            joinedload(Post.author),
            joinedload(Post.reply_to.of_type(quoted)).joinedload(quoted.author),
        )
        .where(Thread.cohort_id == cohort.id, Thread.lesson_id == lesson.id)
        .order_by(Post.position.desc())
        .limit(REFLECTIONS_ON_LESSON)
    ).all()
    thread = rows[0][0].thread if rows else None
    has_posted = bool(rows and rows[0][1])
    mode = lesson.reflection_mode or "open"
    visible = permissions.can_see_reflections(user, cohort, mode, has_posted)
    count = thread.post_count if thread else 0
    posts: list[Post] | None = None
    if visible:
        posts = [post for post, _ in reversed(rows)]  # oldest first; the thread has them all
        refresh_rendering(posts)
    return ReflectionContext(
        lesson=lesson, prompt=lesson.reflection.strip(), mode=mode, thread=thread, posts=posts,
        post_count=count, has_posted=has_posted, may_post=permissions.can_post(user, cohort),
        form_key=new_form_key(), more=max(0, count - REFLECTIONS_ON_LESSON),
    )  # fmt: skip


def _reflection_thread_for_writing(cohort: Cohort, lesson: Lesson) -> Thread:
    """The lesson's reflection thread, created by the first post; two first posts at once
    meet the (cohort, lesson) constraint and share one thread."""
    thread = reflection_thread(cohort, lesson)
    if thread is not None:
        return thread
    try:
        with db.session.begin_nested():
            title = clean_line(lesson.title)[:MAX_TITLE_LENGTH] or "Reflection"
            thread = Thread(cohort_id=cohort.id, kind="reflection", lesson_id=lesson.id,
                            title=title)  # fmt: skip
            db.session.add(thread)
            db.session.flush()
    except IntegrityError:
        thread = reflection_thread(cohort, lesson)
        if thread is None:
            raise
    return thread


def reflect(
    author: User, cohort: Cohort, lesson: Lesson, body: str, *, key: str | None = None,
    reply_to_id: int | None = None, moderator: bool = False,
) -> Post:  # fmt: skip
    """Post to the lesson's reflection thread (creating it with the first answer)."""
    if not (lesson.reflection or "").strip():
        raise DiscussionError(_("This lesson has no reflection."))
    existing = _replayed(author, key)
    if existing is not None:
        if existing.thread.lesson_id != lesson.id:
            raise DiscussionError(_("This form was already used. Reload the page and write again."))
        return _same_place(existing, cohort)
    body = clean_body(body)
    thread = _reflection_thread_for_writing(cohort, lesson)
    if thread.author_id is None:
        thread.author_id = author.id
    return reply(author, cohort, thread, body, key=key, reply_to_id=reply_to_id,
                 moderator=moderator)  # fmt: skip


# --- Announcements -------------------------------------------------------------------------


@dataclass
class Announcement:
    thread: Thread
    post: Post


def announcements_for(cohort, limit: int = 3) -> list[Announcement]:
    """The cohort's latest announcements with their text, newest first (one query)."""
    rows = db.session.execute(
        select(Thread, Post)
        .join(Post, and_(Post.thread_id == Thread.id, Post.position == 1))
        .options(joinedload(Post.author))
        .where(
            Thread.cohort_id == cohort.id,
            Thread.kind == "announcement",
            Post.deleted_at.is_(None),
            Post.hidden_at.is_(None),
        )
        .order_by(Thread.created_at.desc(), Thread.id.desc())
        .limit(limit)
    ).all()
    return [Announcement(thread, post) for thread, post in rows]


def announce(author: User, cohort: Cohort, *, title: str, body: str, key: str | None) -> Post:
    """A facilitator's announcement: a thread members can answer, in everyone's
    notifications, and emailed to every active member who has not turned email off."""
    existing = _replayed(author, key)
    if existing is not None:
        return _same_place(existing, cohort)
    post = start_thread(author, cohort, title=title, body=body, key=key, kind="announcement")
    audit.record(author, "announcement.create", post.thread, cohort_id=cohort.id,
                 title=post.thread.title)  # fmt: skip
    return post


# --- Notifications -------------------------------------------------------------------------


def _active_members(cohort: Cohort) -> list[tuple[User, str]]:
    rows = db.session.execute(
        select(User, Membership.role)
        .join(Membership, Membership.user_id == User.id)
        .where(
            Membership.cohort_id == cohort.id,
            Membership.removed_at.is_(None),
            User.is_active.is_(True),
        )
    ).all()
    return [(user, role) for user, role in rows]


def _thread_posters(thread: Thread) -> set[int]:
    ids = set(
        db.session.scalars(select(Post.author_id).where(Post.thread_id == thread.id).distinct())
    )
    if thread.author_id:
        ids.add(thread.author_id)
    return ids


def _base_url() -> str:
    return current_app.config["BASE_URL"]


def notification_text(kind: str, actor: str | None, title: str, cohort: str) -> str:
    """One sentence saying what happened, for the list, the mail and the digest, in the
    current language (mails ask for English: see _mail_notification)."""
    values = {"actor": actor or _("Someone"), "title": title, "cohort": cohort}
    if kind == "mention":
        return _("%(actor)s mentioned you in “%(title)s” (%(cohort)s).", **values)
    if kind == "reply":
        return _("%(actor)s replied in “%(title)s” (%(cohort)s).", **values)
    if kind == "announcement":
        return _("Announcement from %(actor)s: “%(title)s” (%(cohort)s).", **values)
    if kind == "report":
        return _("A post in “%(title)s” was reported for moderation (%(cohort)s).", **values)
    if kind == "hidden":
        return _("A facilitator hid your post in “%(title)s” (%(cohort)s).", **values)
    raise KeyError(kind)


def _link(notification: Notification, cohort: Cohort, post: Post | None) -> str:
    if notification.kind == "report":
        return f"{_base_url()}/cohorts/{cohort.slug}/moderation"
    if post is None:
        return f"{_base_url()}/cohorts/{cohort.slug}/discussion/{notification.thread_id}"
    return _base_url() + post_path(cohort.slug, post.thread_id, post.position, post.id)


def _notify(
    recipients: Iterable[User], kind: str, cohort: Cohort, thread: Thread, post: Post,
    actor: User | None, *, always_email: bool = False,
) -> list[Notification]:  # fmt: skip
    """Create (or renew) one notification per recipient; email at once those who asked for
    it (all but "never" for announcements). Mail leaves only when the caller commits."""
    recipients = {u.id: u for u in recipients if u.is_active}
    if not recipients:
        return []
    existing = {
        n.user_id: n
        for n in db.session.scalars(
            select(Notification).where(
                Notification.post_id == post.id,
                Notification.kind == kind,
                Notification.user_id.in_(recipients),
            )
        )
    }
    now = utcnow()
    made = []
    for user_id, user in recipients.items():
        note = existing.get(user_id)
        if note is None:
            note = Notification(user_id=user_id, cohort_id=cohort.id, kind=kind,
                                thread_id=thread.id, post_id=post.id)  # fmt: skip
            db.session.add(note)
        note.actor_id = actor.id if actor else None
        note.created_at, note.read_at, note.emailed_at = now, None, None
        choice = user.email_notifications
        if choice == "immediately" or (always_email and choice != "never"):
            _mail_notification(user, note, kind, cohort, thread, post, actor)
            note.emailed_at = now
        made.append(note)
    db.session.flush()
    return made


def _mail_notification(
    user: User, note: Notification, kind: str, cohort: Cohort, thread: Thread, post: Post,
    actor: User | None,
) -> None:  # fmt: skip
    # Mails stay in English for now (mail templates are not translated yet), whoever posts.
    with force_locale("en"):
        text = notification_text(
            kind, actor.display_name if actor else None, thread.title, cohort.name
        )
    template = "discussion_announcement" if kind == "announcement" else "discussion_notification"
    queue_mail(
        db.session, user.email, text.rstrip("."), template,
        user=user, text=text, link=_link(note, cohort, post), cohort=cohort, thread=thread,
        post=post, kind=kind, settings_link=f"{_base_url()}/account/",
    )  # fmt: skip


def _notify_about_post(author: User, cohort: Cohort, thread: Thread, post: Post) -> None:
    """Mentions, replies and announcements of a new post, to active members only."""
    members = _active_members(cohort)
    by_id = {user.id: user for user, _role in members}
    mentioned = _notify_mentions(author, cohort, thread, post, members=by_id)
    if thread.kind == "announcement" and post.position == 1:
        everyone = [u for uid, u in by_id.items() if uid != author.id and uid not in mentioned]
        _notify(everyone, "announcement", cohort, thread, post, author, always_email=True)
        return
    if thread.kind == "reflection":
        # Answers to a prompt are not replies to anyone; only a quoted author hears of it.
        interested = {post.reply_to.author_id} if post.reply_to is not None else set()
    else:
        interested = _thread_posters(thread)
        if post.reply_to is not None:
            interested.add(post.reply_to.author_id)
    interested -= {author.id, *mentioned}
    _notify([by_id[uid] for uid in interested if uid in by_id], "reply", cohort, thread, post,
            author)  # fmt: skip


def _notify_mentions(
    author: User, cohort: Cohort, thread: Thread, post: Post,
    members: dict[int, User] | None = None,
) -> set[int]:  # fmt: skip
    """Notify the active members named as @Display Name (never the author, never anyone
    outside the cohort). Returns who was mentioned."""
    if "@" not in post.body:
        return set()
    if members is None:
        members = {user.id: user for user, _role in _active_members(cohort)}
    names = {uid: clean_line(user.display_name) for uid, user in members.items()}
    mentioned = find_mentions(post.body, names) - {author.id}
    if not mentioned:
        return set()
    already = set(
        db.session.scalars(
            select(Notification.user_id).where(
                Notification.post_id == post.id, Notification.kind == "mention"
            )
        )
    )
    _notify([members[uid] for uid in mentioned - already], "mention", cohort, thread, post,
            author)  # fmt: skip
    return mentioned


def _visible_notifications(user: User, *columns):
    """A user's notifications from cohorts they are an active member of, and only those
    made since they (re)joined: a removed member's old cohort never shows again."""
    return (
        select(*(columns or (Notification,)))
        .join(
            Membership,
            and_(
                Membership.cohort_id == Notification.cohort_id,
                Membership.user_id == Notification.user_id,
                Membership.removed_at.is_(None),
                Membership.joined_at <= Notification.created_at,
            ),
        )
        .where(Notification.user_id == user.id)
    )


def unread_notification_count(user) -> int:
    """Unread notifications for the header (one query; none for visitors)."""
    if not user.is_authenticated:
        return 0
    query = _visible_notifications(user, func.count(Notification.id))
    return db.session.scalar(query.where(Notification.read_at.is_(None))) or 0


@dataclass
class NotificationItem:
    notification: Notification
    text: str
    link: str

    @property
    def is_unread(self) -> bool:
        return self.notification.read_at is None


def notifications_for(user: User, page: int) -> tuple[list[NotificationItem], bool]:
    quoted_post = aliased(Post)
    rows = db.session.execute(
        _visible_notifications(user)
        .add_columns(quoted_post.position)
        .outerjoin(quoted_post, quoted_post.id == Notification.post_id)
        .options(
            joinedload(Notification.actor),
            joinedload(Notification.thread),
            joinedload(Notification.cohort),
        )  # fmt: skip
        .order_by(Notification.created_at.desc(), Notification.id.desc())
        .offset((page - 1) * NOTIFICATIONS_PER_PAGE)
        .limit(NOTIFICATIONS_PER_PAGE + 1)
    ).all()
    items = []
    for note, position in rows[:NOTIFICATIONS_PER_PAGE]:
        actor = note.actor.display_name if note.actor else None
        text = notification_text(note.kind, actor, note.thread.title, note.cohort.name)
        if note.kind == "report":
            link = f"/cohorts/{note.cohort.slug}/moderation"
        elif position is None:
            link = f"/cohorts/{note.cohort.slug}/discussion/{note.thread_id}"
        else:
            link = post_path(note.cohort.slug, note.thread_id, position, note.post_id)
        items.append(NotificationItem(note, text, link))
    return items, len(rows) > NOTIFICATIONS_PER_PAGE


def mark_notifications_read(
    user: User, *, thread: Thread | None = None, up_to: int | None = None,
    cohort_reports: Cohort | None = None, ids: list[int] | None = None,
) -> int:  # fmt: skip
    """Mark the user's unread notifications read: all; those of one thread about posts up
    to a position (the ones seen); the report notices of one cohort; or the given ids.
    Returns how many changed."""
    statement = update(Notification).where(
        Notification.user_id == user.id, Notification.read_at.is_(None)
    )
    if thread is not None:
        seen = select(Post.id).where(Post.thread_id == thread.id)
        if up_to is not None:
            seen = seen.where(Post.position <= up_to)
        statement = statement.where(
            Notification.thread_id == thread.id,
            Notification.kind != "report",
            Notification.post_id.in_(seen),
        )
    if cohort_reports is not None:
        statement = statement.where(Notification.cohort_id == cohort_reports.id,
                                    Notification.kind == "report")  # fmt: skip
    if ids is not None:
        statement = statement.where(Notification.id.in_(ids))
    result = db.session.execute(
        statement.values(read_at=utcnow()).execution_options(synchronize_session=False)
    )
    return result.rowcount or 0


@dataclass
class DigestReport:
    users: int = 0
    notifications: int = 0
    skipped: int = 0


def send_digests() -> DigestReport:
    """One mail per digest reader with their unread, unsent notifications from cohorts they
    are still an active member of. Every unsent notification of theirs is marked done,
    including those of a cohort they left: those are never mailed."""
    report = DigestReport()
    pending = db.session.scalars(
        select(Notification)
        .join(User, User.id == Notification.user_id)
        .options(
            joinedload(Notification.user),
            joinedload(Notification.actor),
            joinedload(Notification.thread),
            joinedload(Notification.cohort),
            joinedload(Notification.post),
        )  # fmt: skip
        .where(
            User.email_notifications == "digest",
            User.is_active.is_(True),
            Notification.emailed_at.is_(None),
        )
        .order_by(Notification.user_id, Notification.created_at, Notification.id)
    ).all()
    if not pending:
        return report
    joined = {
        (m.user_id, m.cohort_id): m.joined_at
        for m in db.session.scalars(
            select(Membership).where(
                Membership.user_id.in_({n.user_id for n in pending}),
                Membership.removed_at.is_(None),
            )
        )
    }
    now = utcnow()
    by_user: dict[int, list[Notification]] = defaultdict(list)
    for note in pending:
        since = joined.get((note.user_id, note.cohort_id))
        note.emailed_at = now
        if since is None or note.created_at < since:
            report.skipped += 1
        elif note.read_at is None:
            by_user[note.user_id].append(note)
    for notes in by_user.values():
        user = notes[0].user
        count = len(notes)
        queue_mail(
            db.session, user.email,
            f"Exchange Learning: {count} new notification{'s' if count != 1 else ''}",
            "discussion_digest", user=user, lines=[_digest_line(note) for note in notes],
            notifications_link=f"{_base_url()}/notifications/",
            settings_link=f"{_base_url()}/account/",
        )  # fmt: skip
        report.users += 1
        report.notifications += count
    db.session.flush()
    return report


@dataclass
class DigestLine:
    text: str
    link: str
    created_at: datetime


def _digest_line(note: Notification) -> DigestLine:
    actor = note.actor.display_name if note.actor else None
    with force_locale("en"):  # as in _mail_notification
        text = notification_text(note.kind, actor, note.thread.title, note.cohort.name)
    return DigestLine(
        text=text,
        link=_link(note, note.cohort, note.post),
        created_at=note.created_at,
    )


# --- Moderation ----------------------------------------------------------------------------


def set_pinned(actor: User, thread: Thread, pinned: bool) -> None:
    thread.is_pinned = pinned
    audit.record(actor, "thread.pin" if pinned else "thread.unpin", thread,
                 cohort_id=thread.cohort_id, title=thread.title)  # fmt: skip


def set_locked(actor: User, thread: Thread, locked: bool) -> None:
    thread.locked_at = utcnow() if locked else None
    audit.record(actor, "thread.lock" if locked else "thread.unlock", thread,
                 cohort_id=thread.cohort_id, title=thread.title)  # fmt: skip


def _resolve_reports(actor: User, post: Post, resolution: str) -> int:
    result = db.session.execute(
        update(Report)
        .where(Report.post_id == post.id, Report.resolved_at.is_(None))
        .values(resolved_at=utcnow(), resolved_by_id=actor.id, resolution=resolution)
        .execution_options(synchronize_session=False)
    )
    return result.rowcount or 0


def hide_post(actor: User, cohort: Cohort, post: Post, reason: str) -> None:
    """Hide a post from members with a reason its author sees; open reports are resolved."""
    reason = clean_line(reason)
    if not reason:
        raise DiscussionError(_("Give a reason: the author will see it."))
    if len(reason) > MAX_REASON_LENGTH:
        raise DiscussionError(
            _("Keep the reason under %(max)s characters.", max=format_count(MAX_REASON_LENGTH))
        )
    if post.is_deleted:
        raise DiscussionError(_("This post is deleted already."))
    post.hidden_at, post.hidden_reason, post.hidden_by_id = utcnow(), reason, actor.id
    resolved = _resolve_reports(actor, post, "hidden")
    audit.record(actor, "post.hide", post, cohort_id=cohort.id, reason=reason,
                 author_id=post.author_id, reports_resolved=resolved)  # fmt: skip
    if post.author_id != actor.id:
        author_membership = db.session.scalar(
            select(Membership.id).where(
                Membership.cohort_id == cohort.id,
                Membership.user_id == post.author_id,
                Membership.removed_at.is_(None),
            )
        )
        if author_membership is not None:
            _notify([post.author], "hidden", cohort, post.thread, post, None)


def unhide_post(actor: User, cohort: Cohort, post: Post) -> None:
    if not post.is_hidden:
        raise DiscussionError(_("This post is not hidden."))
    audit.record(actor, "post.unhide", post, cohort_id=cohort.id,
                 earlier_reason=post.hidden_reason)  # fmt: skip
    post.hidden_at, post.hidden_reason, post.hidden_by_id = None, "", None


def dismiss_reports(actor: User, cohort: Cohort, post: Post) -> int:
    resolved = _resolve_reports(actor, post, "dismissed")
    audit.record(actor, "reports.dismiss", post, cohort_id=cohort.id, reports=resolved)
    return resolved


def report_post(reporter: User, cohort: Cohort, post: Post, reason: str, note: str) -> Report:
    """A member flags a post; the cohort's facilitators are notified. Reporting again after
    a facilitator's decision opens the report again."""
    if reason not in REPORT_REASONS:
        raise DiscussionError(_("Choose a reason for the report."))
    note = clean_block(note or "").strip()
    if len(note) > MAX_NOTE_LENGTH:
        raise DiscussionError(
            _("Keep the note under %(max)s characters.", max=format_count(MAX_NOTE_LENGTH))
        )
    if post.author_id == reporter.id:
        raise DiscussionError(_("This is your own post: you can edit or delete it instead."))
    if post.is_deleted:
        raise DiscussionError(_("This post is deleted already."))
    report = db.session.scalar(
        select(Report).where(Report.post_id == post.id, Report.reporter_id == reporter.id)
    )
    if report is not None and report.resolved_at is None:
        raise DiscussionError(
            _("You have reported this post already; the facilitators will look at it.")
        )
    if report is None:
        report = Report(post_id=post.id, cohort_id=cohort.id, reporter_id=reporter.id)
        db.session.add(report)
    report.reason, report.note, report.created_at = reason, note, utcnow()
    report.resolved_at, report.resolved_by_id, report.resolution = None, None, ""
    db.session.flush()
    facilitators = [u for u, role in _active_members(cohort)
                    if role == "facilitator" and u.id != reporter.id]  # fmt: skip
    _notify(facilitators, "report", cohort, post.thread, post, None)
    return report


@dataclass
class ReportedPost:
    post: Post
    reports: list[Report] = field(default_factory=list)


def moderation_queue(cohort: Cohort) -> list[ReportedPost]:
    """Posts with open reports, oldest report first, each with all its open reports."""
    reports = db.session.scalars(
        select(Report)
        .options(
            joinedload(Report.reporter),
            joinedload(Report.post).joinedload(Post.author),
            joinedload(Report.post).joinedload(Post.thread),
        )
        .where(Report.cohort_id == cohort.id, Report.resolved_at.is_(None))
        .order_by(Report.created_at, Report.id)
    ).all()
    queue: dict[int, ReportedPost] = {}
    for report in reports:
        queue.setdefault(report.post_id, ReportedPost(report.post)).reports.append(report)
    refresh_rendering(item.post for item in queue.values())
    return list(queue.values())


def hidden_posts(cohort: Cohort, limit: int = 50) -> list[Post]:
    return list(
        db.session.scalars(
            select(Post)
            .join(Thread, Post.thread_id == Thread.id)
            .options(joinedload(Post.author), joinedload(Post.thread))
            .where(Thread.cohort_id == cohort.id, Post.hidden_at.is_not(None))
            .order_by(Post.hidden_at.desc())
            .limit(limit)
        )
    )
