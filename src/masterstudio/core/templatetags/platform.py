from django import template

register = template.Library()

# Chinese names of event actions; "<model>.<state>" actions fall back to the state's own label.
ACTION_LABELS = {
    "auth.login": "登录", "auth.logout": "退出", "auth.login_failed": "登录失败", "auth.login_locked": "锁定期间尝试登录",
    "auth.password_changed": "修改密码", "account.created": "创建账号", "account.activated": "启用账号",
    "account.deactivated": "停用账号", "unit.registered": "单位注册", "unit.approved": "单位注册通过",
    "unit.rejected": "单位注册未通过", "person.created": "登记人员", "person.updated": "修改人员",
    "branch.created": "登记分厂/分公司", "branch.updated": "修改分厂/分公司",
}


@register.filter
def action_label(event) -> str:
    if event.action in ACTION_LABELS:
        return ACTION_LABELS[event.action]
    if event.to_state:
        model = event.content_type.model_class() if event.content_type_id else None
        field = getattr(model, "_meta", None) and next(
            (f for f in model._meta.fields if f.name in ("state", "status") and f.choices), None)
        if field is not None:
            return "变更为“" + dict(field.choices).get(event.to_state, event.to_state) + "”"
    return event.action


@register.filter
def yuan(value) -> str:
    """Money as the bureau writes it: 200000 → "200,000.00" (Decimal, never float)."""
    from decimal import Decimal, InvalidOperation

    if value in (None, ""):
        return ""
    try:
        amount = Decimal(str(value)).quantize(Decimal("0.01"))
    except InvalidOperation:
        return str(value)
    return f"{amount:,.2f}"
