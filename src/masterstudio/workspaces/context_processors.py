from masterstudio.core.permissions import reads_business_records
from masterstudio.core.roles import Role
from masterstudio.workspaces.roles import WORKSPACES


def workspace(request):
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"workspace_name": "公开信息", "unread_count": 0}
    url_name, label = WORKSPACES.get(user.role, ("core:home", "公开信息"))
    return {
        "workspace_name": label,
        "workspace_url_name": url_name,
        # the business menus are offered to those who read business records (not the system
        # administrator, 三员分立); the action entries only to the duties that act
        "reads_business": reads_business_records(user),
        # read with the user in one query at the start of the request (accounts.backends)
        "unread_count": _unread(user),
    }


def _unread(user) -> int:
    count = getattr(user, "unread_count", None)
    if count is None:
        count = user.notifications.filter(read_at__isnull=True).count()
    return count


def roles(request):
    """``Role`` for templates: ``{% if user.role == Role.UNIT %}``, never a role typed as a string."""
    return {"Role": Role}
