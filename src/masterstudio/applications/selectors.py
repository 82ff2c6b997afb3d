"""Who sees which application: one rule for pages, files, exports and the API (habit 6).

unit / leader accounts: their own unit's applications; staff: all; any other role: the scope a
higher app registered for it (``extensions.register_visibility_scope``; experts: the applications
they judge, from ``ExpertsConfig.ready``), none without one. A refused object answers 404.
"""

from __future__ import annotations

from django.db.models import Q, QuerySet
from django.http import Http404
from django.utils import timezone

from masterstudio.accounts.models import Role
from masterstudio.applications import extensions
from masterstudio.applications.models import Application, AppState, Material, Round
from masterstudio.core import event_kinds
from masterstudio.core import params as query
from masterstudio.core.models import Event
from masterstudio.core.permissions import reads_business_records
from masterstudio.units.models import Person, Unit


def applications_for(user) -> QuerySet[Application]:
    base = Application.objects.select_related("round", "unit", "branch", "leader")
    if user is None or not user.is_authenticated or not user.is_active:
        return base.none()
    if user.role in (Role.UNIT, Role.LEADER) and user.unit_id:
        return base.filter(unit_id=user.unit_id)
    if user.role == Role.STAFF:  # the system administrator reads no applications (三员分立)
        return base if reads_business_records(user) else base.none()
    scope = extensions.visibility_scope(user.role)
    if scope is not None:
        return base.filter(pk__in=scope(user))
    return base.none()


def application_for(user, pk) -> Application:
    try:
        return applications_for(user).get(pk=pk)
    except (Application.DoesNotExist, ValueError, TypeError):
        raise Http404("没有找到该申报，或您无权查看") from None


def material_file_for(user, pk) -> Material:
    """A material the user may download (the application must be visible to them)."""
    try:
        return Material.objects.select_related("application").get(pk=pk, application__in=applications_for(user))
    except (Material.DoesNotExist, ValueError, TypeError):
        raise Http404("没有找到该文件，或您无权查看") from None


def open_rounds(now=None) -> QuerySet[Round]:
    now = now or timezone.now()
    return Round.objects.filter(opens_at__lte=now, closes_at__gt=now).order_by("closes_at")


def active_materials(application: Application) -> QuerySet[Material]:
    return application.materials.filter(removed_at__isnull=True)


OUTCOMES = ("eligible", "undetermined", "ineligible")


def staff_application_list(user, params) -> QuerySet[Application]:
    """The staff list, filtered by round, state, occupation, pre-check outcome, unit and a search —
    each parameter read by its type (``core.params``: a bad value answers 400)."""
    qs = applications_for(user).exclude(state=AppState.DRAFT)
    round_id = query.integer(params, "round", label="批次")
    state = query.choice(params, "state", AppState.values, label="状态")
    outcome = query.choice(params, "outcome", OUTCOMES, label="预检结论")
    unit_id = query.integer(params, "unit", label="单位编号")
    occupation = query.text(params, "occupation", max_length=100, label="职业")
    term = query.text(params, "q", max_length=100, label="搜索")
    if round_id:
        qs = qs.filter(round_id=round_id)
    if state:
        qs = qs.filter(state=state)
    if outcome:
        qs = qs.filter(precheck_outcome=outcome)
    if unit_id:
        qs = qs.filter(unit_id=unit_id)
    if occupation:
        qs = qs.filter(Q(occupation_code__icontains=occupation) | Q(occupation_name__icontains=occupation))
    if term:
        # the unit and leader matches as subqueries on their own tables (each answered by its
        # trigram index on PostgreSQL, units 0002_h7_trigram_search), not a filter over the join
        qs = qs.filter(
            Q(receipt_no__icontains=term)
            | Q(occupation_name__icontains=term)
            | Q(unit_id__in=Unit.objects.filter(Q(name__icontains=term) | Q(credit_code__icontains=term)).values("pk"))
            | Q(leader_id__in=Person.objects.filter(name__icontains=term).values("pk"))
        )
    return qs.order_by("-submitted_at", "-pk")


def _history_objects(application: Application) -> Q:
    """The objects whose events make up an application's history: the application, and what the
    apps above register (notices: its line of the public notice and the objections against it)."""
    from django.contrib.contenttypes.models import ContentType

    objects = Q(content_type=ContentType.objects.get_for_model(Application), object_id=str(application.pk))
    return objects | extensions.history_objects(application)


def history_events(application: Application):
    """Every event of the application's history, oldest first (the bureau's records)."""
    return Event.objects.filter(_history_objects(application)).select_related("actor").order_by("seq")


def evaluation_published(application: Application) -> tuple[bool, int | None]:
    """Whether the application's comprehensive evaluation result has been published with the
    notice, and the version of the decision published then (registered by reviews)."""
    return extensions.publication(application)


def unit_progress_events(application: Application) -> list:
    """The events of the application the applying unit may see, oldest first: one rule,
    ``core.event_kinds`` (each kind's audience and the condition from which the unit sees it)."""
    published, version = evaluation_published(application)
    events = history_events(application).filter(event_kinds.unit_candidates())
    return [e for e in events if event_kinds.visible_to_unit(e, published=published, published_version=version)]
