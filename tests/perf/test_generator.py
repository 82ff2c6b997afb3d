"""The data generator and the benchmark's helpers: what make bench relies on."""

from __future__ import annotations

import importlib
import io

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.test import Client, override_settings
from django.urls import clear_url_caches

from masterstudio.applications.models import Application, Material
from masterstudio.core.events import verify_chain
from masterstudio.perf.generator import SCALES, generate
from masterstudio.perf.management.commands.bench_sessions import session_for
from masterstudio.perf.models import GeneratedDataset
from masterstudio.studios.models import LIVE_STATES, Studio

pytestmark = pytest.mark.django_db


def test_generated_data_keeps_the_audit_chain_and_the_art7_keys():
    ctx = generate(3, SCALES["tiny"], log=lambda *a: None)
    checked, broken, why = verify_chain()
    assert broken is None, why
    assert checked == ctx.counts["events"] >= SCALES["tiny"].audit_events
    live = Studio.objects.filter(state__in=LIVE_STATES)
    assert live.values("leader_key").distinct().count() == live.count()
    assert ctx.counts["applications"] == SCALES["tiny"].applications == Application.objects.count()


def test_materials_are_real_files_on_the_storage():
    generate(3, SCALES["tiny"], log=lambda *a: None)
    material = Material.objects.filter(kind="pdf").first()
    with material.file.open("rb") as handle:
        content = handle.read()
    assert content.startswith(b"%PDF-") and len(content) == material.size


def _fingerprint() -> tuple:
    from masterstudio.ledger.models import Expense
    from masterstudio.units.models import Person

    return (
        list(
            Application.objects.order_by("receipt_no", "occupation_code").values_list(
                "state", "occupation_code", "receipt_no", "precheck_outcome"
            )
        ),
        sorted(Studio.objects.values_list("name", "nameplate_no", "state")),
        sorted(Person.objects.values_list("name", "birth_date", "gender")),
        sorted(Expense.objects.values_list("spent_on", "amount", "category", "voucher_no")),
    )


def test_the_same_seed_gives_the_same_data_and_another_seed_other_data():
    from django.db import transaction

    prints = []
    for seed in (4, 4, 5):
        with transaction.atomic():
            generate(seed, SCALES["tiny"], log=lambda *a: None)
            prints.append(_fingerprint())
            transaction.set_rollback(True)
    assert prints[0] == prints[1]
    assert prints[0] != prints[2]


def test_generate_data_is_skipped_when_the_same_data_set_is_there():
    out = io.StringIO()
    call_command("generate_data", "--seed", "2", "--scale", "tiny", stdout=out)
    assert GeneratedDataset.objects.filter(seed=2, scale="tiny", finished_at__isnull=False).count() == 1
    count = Application.objects.count()
    out = io.StringIO()
    call_command("generate_data", "--seed", "2", "--scale", "tiny", stdout=out)
    assert "跳过" in out.getvalue() and Application.objects.count() == count
    with pytest.raises(CommandError, match="另一数据集"):
        call_command("generate_data", "--seed", "3", "--scale", "tiny", stdout=io.StringIO())


def test_a_bench_session_signs_the_user_in_without_the_login_form():
    ctx = generate(3, SCALES["tiny"], log=lambda *a: None)
    from masterstudio.accounts.models import User

    staff = User.objects.get(username=ctx.principals["staff"]["username"])
    client = Client()
    client.cookies["sessionid"] = session_for(staff)
    assert client.get("/dashboards/").status_code == 200
    assert Client().get("/dashboards/").status_code == 302  # without the session: to the sign-in page


def _reload_urls():
    import masterstudio.urls

    clear_url_caches()
    importlib.reload(masterstudio.urls)


def test_the_empty_view_exists_only_with_bench_endpoints():
    try:
        assert Client().get("/bench/empty/").status_code == 404
        with override_settings(BENCH_ENDPOINTS=True):
            _reload_urls()
            response = Client().get("/bench/empty/")
            assert response.status_code == 200 and response.content == b"ok"
        _reload_urls()
        assert Client().get("/bench/empty/").status_code == 404
    finally:
        _reload_urls()


def test_bench_sessions_gives_the_deadline_day_writers_and_leaves_the_drafts_as_they_were():
    import json

    from masterstudio.applications.models import ApplicationSnapshot

    call_command("generate_data", "--seed", "2", "--scale", "tiny", stdout=io.StringIO())
    snapshots = ApplicationSnapshot.objects.count()
    out = io.StringIO()
    call_command("bench_sessions", "--writers", stdout=out)
    info = json.loads(out.getvalue().strip().splitlines()[-1])
    writers = info["writers"]
    submitted = {w["application"] for w in writers["submit"]}
    autosaved = {w["application"] for w in writers["autosave"]}
    assert submitted and autosaved and not submitted & autosaved
    assert info["principals"]["draft_application"] not in submitted  # the wizard the key pages load stays a draft
    # each submission was tried and rolled back: still drafts, no snapshot written
    assert set(Application.objects.filter(pk__in=submitted).values_list("state", flat=True)) == {"draft"}
    assert ApplicationSnapshot.objects.count() == snapshots
    assert all(w["items"] for w in writers["checklist"]) and all(w["criteria"] for w in writers["score"])
    assert "writers" not in json.loads(_sessions_line())


def _sessions_line() -> str:
    out = io.StringIO()
    call_command("bench_sessions", stdout=out)
    return out.getvalue().strip().splitlines()[-1]
