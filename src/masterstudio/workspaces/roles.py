"""Each role's workspace: the URL name its people are sent to from the front page and the name the
page header shows (``workspaces.context_processors.workspace``)."""

WORKSPACES = {
    "unit": ("units:dashboard", "单位端"),
    "leader": ("units:dashboard", "单位端（领办人）"),
    "staff": ("core:manage", "管理端"),
    "expert": ("core:expert", "专家端"),
    "evaluator": ("core:evaluator", "评估端"),
}
