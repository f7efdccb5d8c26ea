"""Loading a cohort, or one of its modules, for a view: 404 when it is missing or when the
permission module says the current user may not see it."""

from flask import abort
from flask_login import current_user

from learning import permissions
from learning.cohorts import services
from learning.cohorts.models import Cohort


def cohort_or_404(slug: str, manage: bool = False) -> Cohort:
    cohort = services.get_cohort(slug)
    if cohort is None or not permissions.can_view_cohort(current_user, cohort):
        abort(404)
    if manage and not permissions.can_manage_cohort(current_user, cohort):
        abort(404)
    return cohort


def open_module(cohort: Cohort, module_id: int | None) -> services.ScheduledModule | None:
    """The module's place in the cohort's schedule, when the user may read it now."""
    entry = next((e for e in services.schedule(cohort) if e.module.id == module_id), None)
    if entry is None or not permissions.can_view_module(current_user, cohort, entry.opens_at):
        return None
    return entry


def open_module_or_404(cohort: Cohort, module_id: int | None) -> services.ScheduledModule:
    entry = open_module(cohort, module_id)
    if entry is None:
        abort(404)
    return entry
