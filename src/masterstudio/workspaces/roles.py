"""Each role's workspace: the URL name its people are sent to from the front page and the name the
page header shows (``workspaces.context_processors.workspace``)."""

from masterstudio.core.roles import Role

WORKSPACES = {
    Role.UNIT: ("units:dashboard", "单位端"),
    Role.LEADER: ("units:dashboard", "单位端（领办人）"),
    Role.STAFF: ("core:manage", "管理端"),
    Role.EXPERT: ("core:expert", "专家端"),
    Role.EVALUATOR: ("core:evaluator", "评估端"),
}
