"""Progress operations: marking lessons complete, the facts behind every dashboard (gathered
for many learners and cohorts in a fixed number of queries), certificates and reminders."""

import base64
import secrets
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import case, func, select
from sqlalchemy.exc import IntegrityError

from learning import audit
from learning.accounts.models import User
from learning.cohorts.models import Cohort, Membership, ModuleSchedule
from learning.cohorts.services import cohorts_of, local_midnight, members
from learning.courses.models import Lesson, Module, Quiz
from learning.db import db, utcnow
from learning.errors import DomainError
from learning.mail import queue_mail
from learning.progress import rules
from learning.progress.models import Certificate, LessonCompletion, ReminderSent
from learning.quizzes.models import QuizAttempt, TaskSubmission


class ProgressError(DomainError):
    pass


# --- Facts ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class Plan:
    """A cohort's items in reading order, and its modules (id, title)."""

    items: list[rules.Item]
    modules: list[tuple[int, str]]


def plans_for(cohorts: Iterable[Cohort]) -> dict[int, Plan]:
    """Plans of many cohorts in two queries."""
    cohorts = list(cohorts)
    if not cohorts:
        return {}
    course_ids = {c.course_id for c in cohorts}
    cohort_ids = [c.id for c in cohorts]
    module_rows = db.session.execute(
        select(Module, Quiz, ModuleSchedule)
        .outerjoin(Quiz, (Quiz.module_id == Module.id) & Quiz.archived_at.is_(None))
        .outerjoin(
            ModuleSchedule,
            (ModuleSchedule.module_id == Module.id) & ModuleSchedule.cohort_id.in_(cohort_ids),
        )
        .where(Module.course_id.in_(course_ids), Module.archived_at.is_(None))
        .order_by(Module.position)
    ).all()
    lesson_rows = db.session.execute(
        select(Lesson.id, Lesson.module_id, Lesson.title, Lesson.task, Lesson.course_id)
        .join(Module, Lesson.module_id == Module.id)
        .where(Lesson.course_id.in_(course_ids), Lesson.archived_at.is_(None))
        .order_by(Module.position, Lesson.position)
    ).all()
    plans = {}
    for cohort in cohorts:
        seen: dict[int, tuple] = {}
        for module, quiz, plan in module_rows:
            if module.course_id != cohort.course_id:
                continue
            if plan is not None and plan.cohort_id == cohort.id:
                seen[module.id] = (module, quiz, plan.opens_at, plan.due_at)
            elif module.id not in seen:
                start = local_midnight(cohort.starts_on, cohort.timezone)
                seen[module.id] = (module, quiz, start, None)
        modules = sorted(seen.values(), key=lambda row: row[0].position)
        items = rules.build_items(
            [(m.id, m.title, opens, due) for m, _q, opens, due in modules],
            [(lid, mid, title, bool(task)) for lid, mid, title, task, cid in lesson_rows
             if cid == cohort.course_id],
            {m.id: (q.id, q.title) for m, q, _o, _d in modules if q is not None},
        )  # fmt: skip
        plans[cohort.id] = Plan(items, [(m.id, m.title) for m, *_rest in modules])
    return plans


def facts_for(cohort_ids: Iterable[int], user_ids: Iterable[int] | None = None):
    """Facts per (cohort id, user id), in three queries whatever the numbers."""
    cohort_ids = list(cohort_ids)
    facts: dict[tuple[int, int], rules.Facts] = defaultdict(rules.Facts)
    if not cohort_ids:
        return facts

    def scoped(query, model):
        query = query.where(model.cohort_id.in_(cohort_ids))
        return query.where(model.user_id.in_(list(user_ids))) if user_ids is not None else query

    for cohort_id, user_id, lesson_id, at in db.session.execute(
        scoped(select(LessonCompletion.cohort_id, LessonCompletion.user_id,
                      LessonCompletion.lesson_id, LessonCompletion.completed_at), LessonCompletion)
    ):  # fmt: skip
        entry = facts[(cohort_id, user_id)]
        entry.completed_lessons.add(lesson_id)
        entry.saw(at)
    for cohort_id, user_id, quiz_id, best, passed, count, last in db.session.execute(
        scoped(
            select(QuizAttempt.cohort_id, QuizAttempt.user_id, QuizAttempt.quiz_id,
                   func.max(QuizAttempt.percent), func.max(case((QuizAttempt.passed, 1),
                                                                  else_=0)),
                   func.count(QuizAttempt.id), func.max(QuizAttempt.submitted_at))
            .group_by(QuizAttempt.cohort_id, QuizAttempt.user_id, QuizAttempt.quiz_id),
            QuizAttempt,
        )
    ):  # fmt: skip
        entry = facts[(cohort_id, user_id)]
        entry.best_percent[quiz_id] = best
        entry.attempts[quiz_id] = count
        if passed:
            entry.passed_quizzes.add(quiz_id)
        entry.saw(last)
    for cohort_id, user_id, lesson_id, status, at in db.session.execute(
        scoped(select(TaskSubmission.cohort_id, TaskSubmission.user_id, TaskSubmission.lesson_id,
                      TaskSubmission.status, TaskSubmission.submitted_at), TaskSubmission)
        .order_by(TaskSubmission.submitted_at, TaskSubmission.id)
    ):  # fmt: skip
        entry = facts[(cohort_id, user_id)]
        entry.task_status[lesson_id] = status  # the latest submission wins
        entry.saw(at)
    return facts


# --- Marking lessons complete --------------------------------------------------------------


def is_lesson_complete(user: User, cohort: Cohort, lesson: Lesson) -> bool:
    return (
        db.session.scalar(
            select(LessonCompletion.id).where(
                LessonCompletion.user_id == user.id,
                LessonCompletion.cohort_id == cohort.id,
                LessonCompletion.lesson_id == lesson.id,
            )
        )
        is not None
    )


def mark_complete(user: User, cohort: Cohort, lesson: Lesson) -> bool:
    """Record the completion once; True when it is new. Progress only moves forward: there is
    no way to un-complete, so a stale tab cannot undo anything."""
    if is_lesson_complete(user, cohort, lesson):
        return False
    db.session.add(LessonCompletion(user_id=user.id, cohort_id=cohort.id, lesson_id=lesson.id))
    try:
        db.session.flush()
    except IntegrityError:
        # The same lesson completed in another tab a moment ago.
        db.session.rollback()
        return False
    return True


# --- Dashboards ----------------------------------------------------------------------------


@dataclass(frozen=True)
class LearnerRow:
    membership: Membership
    facts: rules.Facts
    percent: int
    behind: list[rules.Item]
    statuses: list[str]


@dataclass(frozen=True)
class CohortProgress:
    plan: Plan
    rows: list[LearnerRow]
    module_chart: list[tuple[str, float]]
    organisations: list[tuple[int, str]]


SORTS = ("name", "percent", "activity", "behind")


def cohort_progress(
    cohort: Cohort, *, organisation_id: int | None = None, behind_only: bool = False,
    sort: str = "name", learner_ids: set[int] | None = None, now: datetime | None = None,
) -> CohortProgress:  # fmt: skip
    """The facilitator's matrix: learners (participants and contacts) x items."""
    now = now or utcnow()
    plan = plans_for([cohort])[cohort.id]
    learners = [m for m in members(cohort) if m.role in ("participant", "contact")]
    organisations = sorted(
        {(m.user.organisation.id, m.user.organisation.name) for m in learners
         if m.user.organisation}, key=lambda o: o[1],
    )  # fmt: skip
    if organisation_id:
        learners = [m for m in learners if m.user.organisation_id == organisation_id]
    if learner_ids is not None:
        learners = [m for m in learners if m.user_id in learner_ids]
    facts = facts_for([cohort.id], [m.user_id for m in learners])
    rows = []
    for membership in learners:
        learner_facts = facts[(cohort.id, membership.user_id)]
        row = LearnerRow(
            membership=membership,
            facts=learner_facts,
            percent=rules.percent_complete(plan.items, learner_facts),
            behind=rules.behind(plan.items, learner_facts, now),
            statuses=[rules.status(item, learner_facts, now) for item in plan.items],
        )
        if not behind_only or row.behind:
            rows.append(row)
    keys = {
        "name": lambda r: r.membership.user.display_name.casefold(),
        "percent": lambda r: (r.percent, r.membership.user.display_name.casefold()),
        "activity": lambda r: (r.facts.last_activity is not None, r.facts.last_activity or now),
        "behind": lambda r: (-len(r.behind), r.membership.user.display_name.casefold()),
    }
    rows.sort(key=keys.get(sort, keys["name"]))
    chart = rules.module_percentages(plan.modules, plan.items, [r.facts for r in rows])
    return CohortProgress(plan, rows, chart, organisations)


@dataclass(frozen=True)
class CohortSummary:
    cohort: Cohort
    role: str
    plan: Plan
    facts: rules.Facts
    percent: int
    next_item: rules.Item | None
    upcoming: list[rules.Item]
    overdue: list[rules.Item]
    certificate: Certificate | None


def my_learning(user: User, now: datetime | None = None) -> list[CohortSummary]:
    """Every cohort of the learner with percent, where to resume, what is due and overdue."""
    now = now or utcnow()
    memberships = [(c, m) for c, m in cohorts_of(user) if c.status != "draft"]
    plans = plans_for([c for c, _m in memberships])
    facts = facts_for([c.id for c, _m in memberships], [user.id])
    certificates = {
        cert.cohort_id: cert
        for cert in db.session.scalars(select(Certificate).where(Certificate.user_id == user.id))
    }
    soon = now + timedelta(days=14)
    summaries = []
    for cohort, membership in memberships:
        plan, learner = plans[cohort.id], facts[(cohort.id, user.id)]
        open_items = [i for i in plan.items if not rules.is_done(i, learner)]
        summaries.append(
            CohortSummary(
                cohort=cohort,
                role=membership.role,
                plan=plan,
                facts=learner,
                percent=rules.percent_complete(plan.items, learner),
                next_item=rules.next_item(plan.items, learner, now),
                upcoming=[i for i in open_items if i.due_at and now <= i.due_at <= soon],
                overdue=rules.behind(plan.items, learner, now),
                certificate=certificates.get(cohort.id),
            )
        )
    return summaries


def organisation_report(organisation_id: int) -> list[dict]:
    """The organisation's participants across all cohorts: percent and quiz pass status only,
    never answers, posts or emails."""
    rows = db.session.execute(
        select(Membership, Cohort, User)
        .join(Cohort, Membership.cohort_id == Cohort.id)
        .join(User, Membership.user_id == User.id)
        .where(
            User.organisation_id == organisation_id,
            Membership.role == "participant",
            Membership.removed_at.is_(None),
            Cohort.status != "draft",
        )
        .order_by(User.display_name, Cohort.starts_on)
    ).all()
    cohorts = {cohort.id: cohort for _m, cohort, _u in rows}
    plans = plans_for(cohorts.values())
    facts = facts_for(cohorts, [user.id for _m, _c, user in rows])
    report = []
    for _membership, cohort, user in rows:
        plan, learner = plans[cohort.id], facts[(cohort.id, user.id)]
        quizzes = [i for i in plan.items if i.kind == "quiz"]
        report.append(
            {
                "name": user.display_name,
                "cohort": cohort,
                "percent": rules.percent_complete(plan.items, learner),
                "quizzes_passed": sum(q.id in learner.passed_quizzes for q in quizzes),
                "quizzes": len(quizzes),
            }
        )
    return report


# --- Certificates --------------------------------------------------------------------------


def _new_code() -> str:
    raw = base64.b32encode(secrets.token_bytes(15)).decode()
    return "-".join(raw[i : i + 4] for i in range(0, 24, 4))


def certificate_for(user: User, cohort: Cohort) -> Certificate | None:
    return db.session.scalar(
        select(Certificate).where(
            Certificate.user_id == user.id, Certificate.cohort_id == cohort.id
        )
    )


def award_if_complete(user: User, cohort: Cohort) -> Certificate | None:
    """Issue the certificate when the learner has just completed the course (once)."""
    existing = certificate_for(user, cohort)
    if existing is not None:
        return existing
    plan = plans_for([cohort])[cohort.id]
    facts = facts_for([cohort.id], [user.id])[(cohort.id, user.id)]
    if not rules.course_complete(plan.items, facts):
        return None
    certificate = Certificate(
        code=_new_code(), user_id=user.id, cohort_id=cohort.id, course_id=cohort.course_id,
        name=user.display_name, course_title=cohort.course.title,
    )  # fmt: skip
    db.session.add(certificate)
    db.session.flush()
    return certificate


def get_certificate(code: str) -> Certificate | None:
    code = code.strip().upper()
    if len(code) > 40:
        return None
    return db.session.scalar(select(Certificate).where(Certificate.code == code))


def revoke_certificate(actor: User, certificate: Certificate, reason: str) -> None:
    if certificate.revoked_at is None:
        certificate.revoked_at = utcnow()
        certificate.revoked_reason = reason.strip()[:300]
        audit.record(actor, "certificate.revoke", certificate, cohort_id=certificate.cohort_id)


def all_certificates() -> list[Certificate]:
    return list(db.session.scalars(select(Certificate).order_by(Certificate.issued_at.desc())))


# --- Reminders -----------------------------------------------------------------------------


def send_reminders(now: datetime | None = None) -> int:
    """Email learners once per module and kind: "due" in the next two days, or "overdue".

    Learners who opted out, removed members and archived cohorts get nothing.
    """
    now = now or utcnow()
    cohorts = list(db.session.scalars(select(Cohort).where(Cohort.status == "active")))
    plans = plans_for(cohorts)
    members = db.session.execute(
        select(Membership, User)
        .join(User, Membership.user_id == User.id)
        .where(
            Membership.cohort_id.in_([c.id for c in cohorts]),
            Membership.removed_at.is_(None),
            Membership.role.in_(("participant", "contact")),
            User.is_active.is_(True),
            User.email_reminders.is_(True),
        )
    ).all()
    facts = facts_for([c.id for c in cohorts])
    sent = {
        (r.user_id, r.cohort_id, r.module_id, r.kind)
        for r in db.session.scalars(select(ReminderSent))
    }
    by_id = {c.id: c for c in cohorts}
    count = 0
    for membership, user in members:
        cohort, plan = by_id[membership.cohort_id], plans[membership.cohort_id]
        learner = facts[(cohort.id, user.id)]
        pending: dict[int, tuple[str, list[rules.Item]]] = {}
        for item in plan.items:
            if rules.is_done(item, learner) or item.due_at is None:
                continue
            if item.due_at < now:
                kind = "overdue"
            elif item.due_at <= now + timedelta(days=2):
                kind = "due"
            else:
                continue
            if (user.id, cohort.id, item.module_id, kind) in sent:
                continue
            pending.setdefault(item.module_id, (kind, []))[1].append(item)
        for module_id, (kind, items) in pending.items():
            db.session.add(ReminderSent(user_id=user.id, cohort_id=cohort.id,
                                        module_id=module_id, kind=kind))  # fmt: skip
            queue_mail(
                db.session, user.email,
                f"{'Overdue' if kind == 'overdue' else 'Due soon'}: {cohort.name}",
                "reminder", user=user, cohort=cohort, kind=kind, items=items,
                due_at=items[0].due_at,
            )  # fmt: skip
            count += 1
    return count
