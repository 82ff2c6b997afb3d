"""The demo data: every role has an account, the story is there, and running it twice changes nothing."""

import io

from django.core.management import call_command

from masterstudio.accounts.models import User
from masterstudio.applications.models import Application
from masterstudio.funding.models import Grant
from masterstudio.studios.models import Studio


def test_demo_data_builds_the_story_once(db, settings, tmp_path):
    settings.MEDIA_ROOT = str(tmp_path)
    out = io.StringIO()
    call_command("demo_data", stdout=out)
    text = out.getvalue()
    assert "张建国车工技能大师工作室" in text and "受理编号 JK2026-" in text
    assert {u.role for u in User.objects.all()} == {"unit", "leader", "staff", "expert", "evaluator"}
    assert Studio.objects.get().leader.account.username == "leader_a"
    assert Grant.objects.get().state == "disbursed"
    assert Application.objects.get().state == "submitted"
    call_command("demo_data", stdout=io.StringIO())
    assert (User.objects.count(), Studio.objects.count(), Grant.objects.count(), Application.objects.count()) == (
        14,
        1,
        1,
        1,
    )
