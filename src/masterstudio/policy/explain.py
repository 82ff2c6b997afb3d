"""Readable Chinese text for the engine's answers (command line, documents, stored decisions)."""

from __future__ import annotations

from collections.abc import Mapping

from .clauses import clause_sort_key, measures
from .clauses import label as clause_label
from .params import resolve

RESULT_MARKS = {"pass": "通过", "fail": "不符合", "unknown": "待定", "waived": "免于适用"}
OUTCOMES = {
    "eligible": "符合申报条件",
    "ineligible": "不符合申报条件",
    "undetermined": "尚不能确定（需补充信息或专家判断）",
}
ROUTES = {
    "listed": "职业列入《职业分类大典》（第五条）",
    "unlisted": "职业未列入《职业分类大典》（第二条第二款、第六条）",
}


def _interpretation_lines(names: list[str], params=None) -> list[str]:
    pset = resolve(params)
    by_name = {p.name: p for p in pset.interpretations().values()}
    lines = []
    for name in names:
        parameter = by_name.get(name)
        if parameter is None:
            lines.append(f"  · {name}")
        else:
            note = parameter.entry_on(None).note.removeprefix(f"解释口径{parameter.interpretation}：")
            lines.append(f"  · 解释口径{parameter.interpretation}（{name}）：{note}")
    return lines


def render_eligibility(result: Mapping, *, params=None) -> str:
    """An eligibility answer as text: verdict, each check with its clause, what is missing, materials."""
    lines = [
        f"申报资格：{OUTCOMES[result['outcome']]}",
        f"申报路线：{ROUTES[result['route']]}"
        + ("；领办人符合直接认定条件" if result.get("direct_recognition") else ""),
        f"参照日（申报截止日）：{result.get('as_of', '')}",
        f"政策版本：{result['policy']['version']}（有效期至 {result['policy']['valid_until']}）",
        "",
        "逐项检查：",
    ]
    for check in result["checks"]:
        lines.append(f"  [{RESULT_MARKS[check['result']]}] {clause_label(check['clause'])}：{check['message']}")
    if result["failed_clauses"]:
        failed = sorted(result["failed_clauses"], key=clause_sort_key)
        lines += ["", "不符合的条款：" + "、".join(clause_label(c) for c in failed)]
    if result["missing_facts"]:
        lines += ["", "请补充以下信息后重新计算：" + "、".join(result["missing_facts"])]
    lines += ["", "需提交的材料（第九条）："]
    for number, item in enumerate(result["required_materials"], start=1):
        note = f"（{item['note']}）" if item.get("note") else ""
        lines.append(f"  {number}. {item['title']}{note}")
    if result["interpretations"]:
        lines += ["", "本结论使用的解释口径（社会事业局可调整的默认值）："]
        lines += _interpretation_lines(result["interpretations"], params)
    if result.get("notes"):
        lines += ["", "提示："] + [f"  · {note}" for note in result["notes"]]
    return "\n".join(lines)


def render_funding(result: Mapping) -> str:
    kinds = {
        "initial": "首次认定一次性资助",
        "excellent": "年度考核优秀奖励",
        "national": "国家级工作室称号奖励",
        "beijing": "北京市工作室称号奖励",
    }
    lines = ["区级资金："]
    for award in result["awards"]:
        year = f"（{award['year']} 年度）" if "year" in award else ""
        where = clause_label(award["clause"])
        amount = f"{award['amount']} 元" if award["amount"] is not None else f"金额待定（{award.get('reason', '')}）"
        lines.append(f"  {award['on']} {kinds[award['kind']]}{year} {amount} — {where}")
    if result["total"] is not None:
        lines.append(f"合计：{result['total']} 元")
    else:
        lines.append(f"合计：已知部分 {result.get('total_known_part')} 元，另有金额待定的项目")
    recovery = result.get("recovery")
    if recovery:
        back = (
            f"{recovery['amount']} 元"
            if recovery["amount"] is not None
            else f"已知部分 {recovery.get('amount_known_part')} 元及金额待定的项目"
        )
        lines.append(
            f"撤销日 {recovery['revoked_on']} 所在资助周期 {recovery['cycle_start']} 至 {recovery['cycle_end']}，"
            f"应追回（未拨付的取消）{back}（第十三条，涉及 {'、'.join(recovery['clauses']) or '无'}）"
        )
    for item in result.get("excluded", ()):
        lines.append(f"  未计入：{item['on']} {kinds.get(item['kind'], item['kind'])} — {item['reason']}")
    return "\n".join(lines)


def render_deadline(result: Mapping) -> str:
    if "days" in result:
        text = f"截止日：{result['end']}；工作日：{'、'.join(result['days'])}"
        if "objection_deadline" in result:
            text += f"；异议受理至 {result['objection_deadline']}"
        return text
    return f"截止日：{result['end']}"


def render_retirement(result: Mapping) -> str:
    age = result["retirement_age"]
    months = f"{age['months']}个月" if age["months"] else ""
    return (
        f"法定退休年龄 {age['years']}周岁{months}（延迟 {result['delay_months']} 个月），法定退休日期 "
        f"{result['retirement_date']}"
    )


def render_identity(result: Mapping) -> str:
    if not result["valid"]:
        return f"无效：{result['reason']}"
    if "birth_date" in result:
        gender = "男" if result["gender"] == "male" else "女"
        return f"有效：出生日期 {result['birth_date']}，性别{gender}"
    return "有效"


def render(name: str, result: Mapping, *, params=None) -> str:
    """Text for any of the five questions' answers."""
    if name == "eligibility":
        return render_eligibility(result, params=params)
    return {
        "funding": render_funding,
        "deadline": render_deadline,
        "retirement": render_retirement,
        "identity": render_identity,
    }[name](result)


def clause_text(clause_id: str) -> str:
    """``"4.5"`` → ``"第4条第（5）项：除领办人外，应为工作室配备……"``."""
    clause = measures().clause(clause_id)
    return f"{clause.label}：{clause.text}"
