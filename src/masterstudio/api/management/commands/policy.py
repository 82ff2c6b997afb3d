"""The policy calculator on the command line (contract: policy-api.md).

    .venv/bin/python manage.py policy NAME [FILE]     # FILE or '-' (default) = JSON on stdin

Prints one JSON object; exit 0 for a computed answer, 2 with the contract's error object for
bad input. Never a stack trace for bad input."""

from __future__ import annotations

import json
import sys

from django.core.management.base import BaseCommand

from masterstudio.api.policy import QUESTIONS, answer
from masterstudio.policy import explain as explainer
from masterstudio.policy.errors import INVALID_INPUT, PolicyInputError


class Command(BaseCommand):
    help = "政策计算器：eligibility / retirement / deadline / funding / identity，输入为 JSON 文件或标准输入"
    requires_system_checks = []

    def add_arguments(self, parser):
        parser.add_argument("name", help="问题：" + " / ".join(QUESTIONS))
        parser.add_argument("file", nargs="?", default="-", help="JSON 文件路径，或 - 表示标准输入（默认）")
        parser.add_argument("--explain", action="store_true", help="eligibility：另在标准错误输出打印中文说明")

    def handle(self, *args, name, file, explain, **options):
        if name not in QUESTIONS:
            self._fail(
                PolicyInputError(INVALID_INPUT, "name", f"问题名称“{name}”无效，应为 {' / '.join(QUESTIONS)} 之一")
            )
        try:
            body = sys.stdin.buffer.read() if file == "-" else open(file, "rb").read()
        except OSError as exc:
            self._fail(PolicyInputError(INVALID_INPUT, "file", f"无法读取文件 {file}：{exc.strerror}"))
        status, data = answer(name, body)
        sys.stdout.write(json.dumps(data, ensure_ascii=False, indent=2) + "\n")
        if status != 200:
            raise SystemExit(2)
        if explain and name == "eligibility":
            sys.stderr.write(explainer.render("eligibility", data) + "\n")

    def _fail(self, error: PolicyInputError):
        sys.stdout.write(json.dumps(error.to_dict(), ensure_ascii=False, indent=2) + "\n")
        raise SystemExit(2)
