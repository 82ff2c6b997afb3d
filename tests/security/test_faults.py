"""Faults (issue 8, item 8): a worker killed in the middle of a recognition or an upload leaves
nothing half-written that the platform shows; losing the database connection answers a clear
Chinese page and writes nothing. Runs on SQLite and on PostgreSQL.

The kills are real: a separate ``manage.py shell`` process, connected to the test database, does
the work and SIGKILLs itself from a ``post_save`` receiver — that is, after the first row of the
transaction was written and before the commit.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest
from django.conf import settings
from django.db import OperationalError, connection
from django.test import Client

from masterstudio.applications.models import Application, AppState, Material
from masterstudio.core.events import verify_chain
from masterstudio.core.models import Event
from masterstudio.core.uploads import orphan_files, referenced_names
from masterstudio.funding.models import Grant
from masterstudio.notices.closing import recognise
from masterstudio.notices.models import EntryState, Evidence, Objection
from masterstudio.studios.models import Studio
from tests.factories import selecting as f
from tests.factories.applications import pdf_bytes, ready_application

FACTS = "领办人不在一线岗位，申报材料所述工作年限与事实不符"  # an objection's facts, as long as the rules ask

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]

ROOT = Path(__file__).resolve().parents[2]


def _database_url() -> str:
    db = connection.settings_dict
    if db["ENGINE"].endswith("sqlite3"):
        return "sqlite:///" + str(db["NAME"])
    auth = db["USER"] + (f":{db['PASSWORD']}" if db["PASSWORD"] else "")
    return f"postgres://{auth}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}"


def run_and_kill(code: str, model_path: str) -> subprocess.CompletedProcess:
    """Run ``code`` in a manage.py shell on the test database; the process kills itself (SIGKILL)
    right after the first save of ``model_path`` ('app_label.Model')."""
    hook = textwrap.dedent(f"""
        import os, signal
        from django.apps import apps
        from django.db.models.signals import post_save
        def _die(sender, **kwargs):
            os.kill(os.getpid(), signal.SIGKILL)
        post_save.connect(_die, sender=apps.get_model("{model_path}"), weak=False)
    """)
    env = dict(
        os.environ,
        DATABASE_URL=_database_url(),
        DJANGO_SETTINGS_MODULE="masterstudio.settings_test",
        MEDIA_ROOT=str(settings.MEDIA_ROOT),
    )
    connection.close()  # SQLite: let the other process take the write lock
    return subprocess.run(
        [sys.executable, str(ROOT / "manage.py"), "shell", "-c", hook + textwrap.dedent(code)],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_worker_killed_mid_recognition_leaves_no_studio_and_a_retry_succeeds(cast, unit_a):
    application = f.submitted_application(unit_a, cast["unit_a"])
    f.to_proposed(application, cast["reviewer"], cast["approver"])
    notice = f.published(application.round, cast["approver"])
    after = f.day_after(notice)
    events_before = Event.objects.count()
    done = run_and_kill(
        f"""
        from datetime import datetime
        from masterstudio.applications.models import Application
        from masterstudio.notices.closing import recognise
        recognise(Application.objects.get(pk={application.pk}), now=datetime.fromisoformat("{after.isoformat()}"))
        print("NOT KILLED")
    """,
        "studios.Studio",
    )
    assert done.returncode == -signal.SIGKILL, done.stdout + done.stderr
    assert "NOT KILLED" not in done.stdout
    # nothing of the half-done recognition is visible
    assert not Studio.objects.filter(application=application).exists()
    assert Grant.objects.count() == 0
    assert Application.objects.get(pk=application.pk).state == AppState.ON_NOTICE
    assert Event.objects.count() == events_before and verify_chain()[1] is None
    # and nothing is left locked: the retry goes through, once
    studio = recognise(Application.objects.get(pk=application.pk), now=after)
    assert Studio.objects.filter(application=application).count() == 1 == Grant.objects.filter(studio=studio).count()


def test_worker_killed_mid_upload_leaves_no_material_and_the_orphan_is_swept(cast, unit_a, client, settings, tmp_path):
    settings.MEDIA_ROOT = str(tmp_path / "media")  # this test's own files only
    application = ready_application(unit_a, cast["unit_a"], materials=False)
    before_files = referenced_names()
    done = run_and_kill(
        f"""
        from django.core.files.uploadedfile import SimpleUploadedFile
        from masterstudio.accounts.models import User
        from masterstudio.applications import services
        content = {pdf_bytes()!r}
        services.upload_materials({application.pk}, "9.1.2", [SimpleUploadedFile("证书.pdf", content)],
                                  actor=User.objects.get(pk={cast["unit_a"].pk}))
        print("NOT KILLED")
    """,
        "applications.Material",
    )
    assert done.returncode == -signal.SIGKILL, done.stdout + done.stderr
    assert Material.objects.filter(application=application).count() == 0
    # the page lists no file, and the file written before the kill is an orphan no URL reaches
    client.force_login(cast["unit_a"])
    page = client.get(f"/applications/{application.pk}/edit/").content.decode()
    assert "证书.pdf" not in page
    orphans = orphan_files(older_than_seconds=0)
    assert len(orphans) == 1 and orphans[0].suffix == ".pdf" and orphans[0].name != "证书.pdf"
    assert referenced_names() == before_files
    # a fresh orphan is kept (its row may still be committing); a day later it is removed
    from django.core.management import call_command

    call_command("clean_orphan_files", stdout=open(os.devnull, "w"))
    assert orphans[0].exists()
    old = time.time() - 2 * 24 * 3600
    os.utime(orphans[0], (old, old))
    call_command("clean_orphan_files", stdout=open(os.devnull, "w"))
    assert not orphans[0].exists()
    assert Event.objects.filter(action="files.orphans_removed").count() == 1


def test_losing_the_database_mid_request_shows_the_chinese_page_and_writes_nothing(cast, unit_a):
    """The connection drops when the objection's audit record is being written — after the objection
    and its evidence rows were inserted: the whole transaction is gone, the page says so."""
    application = f.submitted_application(unit_a, cast["unit_a"])
    f.to_proposed(application, cast["reviewer"], cast["approver"])
    from django.utils import timezone

    notice = f.published(application.round, cast["approver"], on=timezone.localdate().isoformat())
    entry = notice.entries.get()

    def drop_connection(execute, sql, params, many, context):
        if 'INSERT INTO "CORE_EVENT"' in sql.upper():  # alone, or joined to the chain head's update
            raise OperationalError("server closed the connection unexpectedly")
        return execute(sql, params, many, context)

    from django.core.files.uploadedfile import SimpleUploadedFile

    client = Client()
    with connection.execute_wrapper(drop_connection):
        response = client.post(
            f"/notices/{notice.pk}/entries/{entry.pk}/object/",
            {
                "name": "李某",
                "contact": "13900001111",
                "content": FACTS,
                "evidence": SimpleUploadedFile("证据.pdf", pdf_bytes()),
                "pledge": "on",
            },
        )
    assert response.status_code == 503 and response["Retry-After"] == "60"
    text = response.content.decode()
    assert "数据库暂时无法连接" in text and "没有保存" in text
    assert Objection.objects.count() == 0 and Evidence.objects.count() == 0
    entry.refresh_from_db()
    assert entry.state == EntryState.LISTED
    assert verify_chain()[1] is None


def test_a_database_outage_on_a_plain_page_is_503_not_a_bare_error(cast):
    def refuse(execute, sql, params, many, context):
        raise OperationalError("could not connect to server: Connection refused")

    client = Client()
    with connection.execute_wrapper(refuse):
        response = client.get("/notices/")
    assert response.status_code == 503 and "数据库暂时无法连接" in response.content.decode()
