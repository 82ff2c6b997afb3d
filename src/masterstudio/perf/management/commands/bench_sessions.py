"""``manage.py bench_sessions``: signed-in sessions for the benchmark's accounts, created with
Django's own session machinery (the same rows a sign-in writes), so that the benchmark does not
drive the sign-in form (staff would need their second factor there). Prints JSON: for each role
the session key, and the objects the key pages open."""

from __future__ import annotations

import json

from django.conf import settings
from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
from django.core.management.base import BaseCommand, CommandError
from django.utils.module_loading import import_string

from masterstudio.accounts.models import User
from masterstudio.perf.models import GeneratedDataset


def session_for(user) -> str:
    store = import_string(f"{settings.SESSION_ENGINE}.SessionStore")()
    store[SESSION_KEY] = str(user.pk)
    store[BACKEND_SESSION_KEY] = settings.AUTHENTICATION_BACKENDS[0]
    store[HASH_SESSION_KEY] = user.get_session_auth_hash()
    store.create()
    return store.session_key


class Command(BaseCommand):
    help = "为基准测试账号创建已登录的会话（直接写入会话表），输出 JSON"

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
        self.stdout.write(
            json.dumps(
                {
                    "sessions": sessions,
                    "principals": p,
                    "seed": dataset.seed,
                    "scale": dataset.scale,
                    "counts": dataset.counts,
                },
                ensure_ascii=False,
            )
        )
