from django import template

from masterstudio.policy import clauses

register = template.Library()

# Chinese names of event actions; "<model>.<state>" actions fall back to the state's own label.
ACTION_LABELS = {
    "auth.login": "登录",
    "auth.logout": "退出",
    "auth.login_failed": "登录失败",
    "auth.login_locked": "锁定期间尝试登录",
    "auth.password_changed": "修改密码",
    "account.created": "创建账号",
    "account.activated": "启用账号",
    "account.deactivated": "停用账号",
    "unit.registered": "单位注册",
    "unit.approved": "单位注册通过",
    "unit.rejected": "单位注册未通过",
    "person.created": "登记人员",
    "person.updated": "修改人员",
    "branch.created": "登记分厂/分公司",
    "branch.updated": "修改分厂/分公司",
    "auth.reauthenticated": "再次确认身份",
    "auth.second_factor_enrolled": "启用动态口令",
    "activity.created": "发布活动",
    "activity.signup": "活动报名",
    "annualsummary.attachment_downloaded": "下载总结附件",
    "annualsummary.reminded": "提醒提交年度总结",
    "annualsummary.saved": "保存年度总结",
    "annualsummary.started": "开始年度总结",
    "application.created": "创建申报",
    "applications.exported": "导出申报列表",
    "assessmentyear.computed": "计算考核等次",
    "assessmentyear.opened": "开启年度考核",
    "assessmentyear.published": "公布考核结果",
    "catalog.calendar_saved": "节假日安排生效",
    "catalog.calendar_proposed": "录入节假日安排（待复核）",
    "calendarproposal.confirmed": "复核节假日安排",
    "calendarproposal.withdrawn": "退回节假日安排",
    "catalog.occupations_imported": "导入职业",
    "catalog.occupation_added": "新增职业",
    "decision.saved": "综合评议决定",
    "evaluation.access_ended": "评估授权结束",
    "evaluation.opened": "开启第三方评估",
    "evaluation.report": "上传评估报告",
    "evaluation.report_download": "下载评估报告",
    "expert.saved": "保存专家信息",
    "export": "导出",
    "export.import_template": "下载导入模板",
    "export.pdf": "导出 PDF",
    "export.xlsx": "导出 Excel",
    "flag.raised": "系统预警",
    "flag.resolved": "处理预警",
    "grant.approved": "核定资金",
    "grant.document": "上传资金文件",
    "grant.document_download": "下载资金文件",
    "grant.imported": "导入原资助记录",
    "grant.payment": "拨付",
    "grant.recovery_required": "须追回资金",
    "import.previous_measure": "导入原认定工作室",
    "leader.recommended": "推荐亦城领军人才",
    "ledger.expense": "专账支出",
    "ledger.income": "专账收入",
    "ledger.opened": "开设专账",
    "ledger.voucher_download": "下载支出凭证",
    "material.downloaded": "下载申报材料",
    "material.removed": "删除申报材料",
    "material.uploaded": "上传申报材料",
    "notice.closed": "公示期结束",
    "notice.published": "发布公示",
    "objection.evidence_downloaded": "下载异议证据",
    "objection.filed": "提出异议",
    "panel.drawn": "随机抽取专家",
    "panel.opened": "开启评分结果",
    "recovery.opened": "开始追回",
    "recovery.repayment": "登记退回款",
    "rectification.file_downloaded": "下载整改材料",
    "rectification.reported": "报告整改情况",
    "review.finding": "记录审核认定",
    "review.item": "材料审核意见",
    "revocation.file_downloaded": "下载撤销材料",
    "round.created": "创建申报批次",
    "rubric.saved": "保存评分细则",
    "studio.certificate_downloaded": "下载认定证书",
    "studio.imported": "导入原认定工作室",
    "studio.nameplate_withdrawn": "收回铭牌",
    "studio.recognised": "认定工作室",
    "studio_activity.photo_download": "下载活动照片",
    "studio_activity.reported": "报告工作室活动",
    "studio_title.recorded": "登记上级称号",
    "studioassessment.published": "公布考核等次",
    "studioassessment.reassessed": "整改后复核",
    "studioassessment.reviewed": "复核考核等次",
    "visit.photo": "上传考察照片",
    "visit.photo_downloaded": "下载考察照片",
    "visit.recorded": "记录实地考察",
    "visit.scheduled": "安排实地考察",
    "test.ping": "测试",
}


def _state_labels(event) -> dict:
    """The Chinese labels of the state field of the event's object type.

    ContentType.get_for_id answers from its process cache: no query per event row."""
    if not event.content_type_id:
        return {}
    from django.contrib.contenttypes.models import ContentType

    model = ContentType.objects.get_for_id(event.content_type_id).model_class()
    if model is None:
        return {}
    field = next((f for f in model._meta.fields if f.name in ("state", "status") and f.choices), None)
    return dict(field.choices) if field is not None else {}


@register.filter
def action_label(event) -> str:
    if event.action in ACTION_LABELS:
        return ACTION_LABELS[event.action]
    if event.to_state:
        return "变更为“" + _state_labels(event).get(event.to_state, event.to_state) + "”"
    return event.action


@register.filter
def state_change(event) -> str:
    """ "运行中 → 限期整改" for an event that moved a state."""
    if not (event.from_state or event.to_state):
        return ""
    labels = _state_labels(event)
    return f"{labels.get(event.from_state, event.from_state) or '—'} → {labels.get(event.to_state, event.to_state)}"


@register.filter
def clause_label(clause_id) -> str:
    """ "13.2" → "第十三条第（二）项" from the Measures as data; an id it does not know as "第…条"."""
    if not clause_id:
        return ""
    try:
        return clauses.label(str(clause_id))
    except KeyError:
        return f"第{clause_id}条"


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


OUTCOME_LABELS = {"eligible": "符合条件", "ineligible": "不符合条件", "undetermined": "尚待确认"}


@register.filter
def outcome_label(outcome) -> str:
    """The engine's eligibility outcome in Chinese."""
    return OUTCOME_LABELS.get(outcome or "", "—")


@register.simple_tag(takes_context=True)
def query_with(context, **changes) -> str:
    """This page's query string with ``changes`` applied (``page=3``), from ``request.GET`` read as
    a mapping — never through template attribute look-up, where ``?items=`` or ``?urlencode=`` would
    stand in for the method (issue 21.10)."""
    request = context.get("request")
    query = request.GET.copy() if request is not None else None
    if query is None:
        from django.http import QueryDict

        query = QueryDict(mutable=True)
    for key, value in changes.items():
        query[key] = str(value)
    return query.urlencode()
