"""The view decorator for the accounts of a unit whose registration the bureau has approved (it
reads the unit's status, so it lives with ``Unit``)."""

from __future__ import annotations

from functools import wraps

from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied

from masterstudio.core.roles import Role
from masterstudio.units.models import Unit, UnitStatus


def approved_unit_required(view):
    """Unit and leader accounts whose unit registration has been approved."""

    @wraps(view)
    def wrapped(request, *args, **kwargs):
        user = request.user
        if not user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        if user.role not in (Role.UNIT, Role.LEADER) or user.unit_id is None:
            raise PermissionDenied("仅申报单位账号可访问")
        status = getattr(user, "unit_status", None)  # read with the user (accounts/backends.py)
        if status is None:
            status = Unit.objects.filter(pk=user.unit_id).values_list("status", flat=True).first()
        if status != UnitStatus.APPROVED:
            raise PermissionDenied("单位注册尚未通过社会事业局审核，审核通过后即可使用此功能")
        return view(request, *args, **kwargs)

    return wrapped
