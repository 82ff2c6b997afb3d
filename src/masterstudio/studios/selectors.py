"""Who sees which studio (habit 6: one rule for lists, pages, files and exports): bureau staff
with a business duty all; a unit its own; a leader the studio they lead (or their unit's when the
account is not linked to a person); a third-party evaluator the studios inside an evaluation whose
access period is running (a scope provider the evaluations app registers, :func:`register_scope`);
everyone else none — a refused studio answers 404."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from django.db.models import Count, Q
from django.http import Http404

from masterstudio.accounts.models import Role
from masterstudio.core import params as query
from masterstudio.core.permissions import reads_business_records
from masterstudio.studios.models import Studio, StudioState


@dataclass
class StudioScope:
    """The studios a user may read, each with the years of its rows the user may read."""

    # studio id → the set of years the user may read for it
    years_by_studio: dict[int, set[int]] = field(default_factory=dict)

    @property
    def studio_ids(self) -> list[int]:
        return list(self.years_by_studio)

    def q(self, studio_field: str, date_field: str) -> Q:
        """A filter for rows whose studio and date fall inside the scope (empty scope → nothing)."""
        condition = Q(pk__in=[])
        for studio_id, years in self.years_by_studio.items():
            condition |= Q(**{studio_field: studio_id, f"{date_field}__year__in": sorted(years)})
        return condition


# The scope of a role whose reach a higher app decides: role → provider(user) → StudioScope. The
# evaluations app registers the evaluator's (Art. 18: the studios and years of its open evaluations)
# in its AppConfig.ready(). A role with no provider reads nothing.
_SCOPE_PROVIDERS: dict[str, Callable[..., StudioScope]] = {}


def register_scope(role: str, provider: Callable[..., StudioScope]) -> None:
    _SCOPE_PROVIDERS[role] = provider


def scope_of(user) -> StudioScope:
    """The registered scope of ``user``'s role (empty when none is registered)."""
    provider = _SCOPE_PROVIDERS.get(getattr(user, "role", None))
    return provider(user) if provider is not None else StudioScope()


def evaluator_studio_ids(user) -> list[int]:
    """Art. 18: studio ids an evaluator may read now (empty when no evaluation is open)."""
    return scope_of(user).studio_ids


def studios_for(user):
    base = Studio.objects.select_related("unit", "leader", "branch")
    if user is None or not user.is_authenticated or not user.is_active:
        return base.none()
    if user.role == Role.STAFF:  # the system administrator reads no studio (三员分立)
        return base if reads_business_records(user) else base.none()
    if user.role == Role.UNIT and user.unit_id:
        return base.filter(unit_id=user.unit_id)
    if user.role == Role.LEADER and user.unit_id:
        if user.person_id:
            return base.filter(unit_id=user.unit_id, leader_id=user.person_id)
        return base.filter(unit_id=user.unit_id)
    if user.role == Role.EVALUATOR:
        return base.filter(pk__in=evaluator_studio_ids(user))
    return base.none()


def of_visible_studios(queryset, user, studio_field: str = "studio", date_field: str | None = None):
    """The one rule for every row that belongs to a studio — its special account, expenses, vouchers,
    grants, titles, recovery, summaries, rectifications, activity reports and their files: the row
    is visible exactly when its studio is (``studios_for``), so a leader sees only the studio they
    lead, even inside their own unit; a third-party evaluator in addition only the years of its
    open evaluations (when the row has a date). Everyone else: nothing (the page answers 404)."""
    if user is None or not user.is_authenticated or not user.is_active:
        return queryset.none()
    if user.role == Role.STAFF:
        return queryset if reads_business_records(user) else queryset.none()
    if user.role == Role.EVALUATOR and date_field:
        return queryset.filter(scope_of(user).q(studio_field, date_field))
    if user.role in (Role.UNIT, Role.LEADER, Role.EVALUATOR):
        return queryset.filter(**{f"{studio_field}__in": studios_for(user).values("pk")})
    return queryset.none()


def studio_for(user, pk, *, related: tuple[str, ...] = ()) -> Studio:
    try:
        return studios_for(user).select_related(*related).get(pk=pk)
    except (Studio.DoesNotExist, ValueError, TypeError):
        raise Http404("没有找到该工作室，或您无权查看") from None


def studio_list(user, params):
    queryset = studios_for(user).annotate(
        open_flags=Count("flags", filter=Q(flags__resolved_at__isnull=True), distinct=True)
    )
    state = query.choice(params, "state", StudioState.values, label="状态")
    q = query.text(params, "q", label="工作室/单位/铭牌编号")
    if state:
        queryset = queryset.filter(state=state)
    if q:
        queryset = queryset.filter(Q(name__icontains=q) | Q(unit__name__icontains=q) | Q(nameplate_no__icontains=q))
    return queryset.order_by("-recognized_on", "name")
