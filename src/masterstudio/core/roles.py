"""The roles of the platform's users (``accounts.User.role``).

Defined here, on the core floor, so that core and units can compare a user's role through the enum
too; ``masterstudio.accounts.models.Role`` is this class. Code and templates compare roles through
it (``user.role == Role.UNIT``; templates get ``Role`` from ``accounts.context_processors.roles``),
never through string literals.
"""

from django.db import models


class Role(models.TextChoices):
    UNIT = "unit", "申报单位"
    LEADER = "leader", "领办人"
    STAFF = "staff", "社会事业局工作人员"
    EXPERT = "expert", "评审专家"
    EVALUATOR = "evaluator", "第三方评估机构"
