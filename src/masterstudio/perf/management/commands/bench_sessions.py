"""``manage.py bench_sessions``: signed-in sessions for the benchmark's accounts, created with
Django's own session machinery (the same rows a sign-in writes), so that the benchmark does not
drive the sign-in form (staff would need their second factor there). Prints JSON: for each role
the session key, and the objects the key pages open."""

from __future__ import annotations

import json

from django.conf import settings
from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.utils import timezone
from django.utils.module_loading import import_string

from masterstudio.accounts.models import User
from masterstudio.applications import services
from masterstudio.applications.models import Application
from masterstudio.core.roles import Role
from masterstudio.experts.models import Assignment
from masterstudio.perf.models import GeneratedDataset
from masterstudio.reviews.models import MaterialReview


def session_for(user) -> str:
    store = import_string(f"{settings.SESSION_ENGINE}.SessionStore")()
    store[SESSION_KEY] = str(user.pk)
    store[BACKEND_SESSION_KEY] = settings.AUTHENTICATION_BACKENDS[0]
    store[HASH_SESSION_KEY] = user.get_session_auth_hash()
    store.create()
    return store.session_key


class _DryRun(Exception):
    """Raised inside the trial submission's transaction so that nothing of it stays."""


def _submits(application, user) -> bool:
    """Whether a submission of ``application`` by ``user`` is accepted now: the real service,
    inside a transaction rolled back afterwards."""
    try:
        with transaction.atomic():
            services.submit(application.pk, actor=user)
            raise _DryRun
    except _DryRun:
        return True
    except services.ApplyError:
        return False


def writers(*, autosaves: int, submissions: int, checklists: int, scorers: int, keep: set[int] = frozenset()) -> dict:
    """The deadline day's writers (see the module's docstring); the drafts autosaved and the
    drafts submitted are different applications, and no draft in ``keep`` (the one whose wizard
    the key pages load) is submitted."""
    now = timezone.now()
    drafts = list(
        Application.objects.filter(state="draft", round__opens_at__lte=now, round__closes_at__gt=now)
        .select_related("created_by")
        .order_by("pk")
    )
    submit, rest = [], []
    for application in drafts:
        user = application.created_by
        if (
            application.pk not in keep
            and len(submit) < submissions
            and user.role == Role.UNIT
            and _submits(application, user)
        ):
            submit.append(application)
        else:
            rest.append(application)
    sessions: dict[int, str] = {}

    def key(user) -> str:
        if user.pk not in sessions:
            sessions[user.pk] = session_for(user)
        return sessions[user.pk]

    reviews = list(
        MaterialReview.objects.filter(application__state="material_review", concluded_at__isnull=True)
        .select_related("started_by")
        .prefetch_related("items")
        .order_by("pk")[:checklists]
    )
    reviewers = list(User.objects.filter(username__in=["perf_reviewer", "perf_staff"]).order_by("username"))
    tasks = list(
        Assignment.objects.filter(state="scoring", panel__opens_at__lte=now, panel__closes_at__gt=now)
        .select_related("expert__user", "panel__rubric")
        .prefetch_related("panel__rubric__criteria")
        .order_by("pk")[:scorers]
    )
    return {
        "autosave": [
            {"session": key(a.created_by), "application": a.pk, "draft": a.draft or {}}
            for a in rest[:autosaves]
            if a.created_by.role == Role.UNIT
        ],
        "submit": [{"session": key(a.created_by), "application": a.pk} for a in submit],
        "checklist": [
            {
                "session": key(reviewers[n % len(reviewers)]),
                "application": review.application_id,
                "items": [item.pk for item in review.items.all()],
            }
            for n, review in enumerate(reviews)
            if reviewers
        ],
        "score": [
            {
                "session": key(task.expert.user),
                "assignment": task.pk,
                "criteria": [[c.pk, f"{c.max_points.normalize():f}"] for c in task.panel.rubric.criteria.all()],
            }
            for task in tasks
        ],
    }


class Command(BaseCommand):
    help = "为基准测试账号创建已登录的会话（直接写入会话表），输出 JSON"

    def add_arguments(self, parser):
        parser.add_argument("--writers", action="store_true", help="同时输出截止日写入者（自动保存、提交、审核、评分）")
        parser.add_argument("--autosaves", type=int, default=40)
        parser.add_argument("--submissions", type=int, default=110)
        parser.add_argument("--checklists", type=int, default=20)
        parser.add_argument("--scorers", type=int, default=20)

    def handle(self, *args, **options):
        dataset = GeneratedDataset.objects.filter(finished_at__isnull=False).first()
        if dataset is None:
            raise CommandError("数据库中没有生成的数据集：请先运行 manage.py generate_data")
        p = dataset.principals
        sessions = {}
        for role, username in (
            ("unit", p["bench_unit"]["username"]),
            ("staff", p["staff"]["username"]),
            ("expert", p["expert"]["username"]),
        ):
            sessions[role] = session_for(User.objects.get(username=username))
        out = {
            "sessions": sessions,
            "principals": p,
            "seed": dataset.seed,
            "scale": dataset.scale,
            "counts": dataset.counts,
        }
        if options["writers"]:
            out["writers"] = writers(
                autosaves=options["autosaves"],
                submissions=options["submissions"],
                checklists=options["checklists"],
                scorers=options["scorers"],
                keep={p.get("draft_application")},
            )
        self.stdout.write(json.dumps(out, ensure_ascii=False))
