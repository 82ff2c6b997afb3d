from __future__ import annotations

import pytest

from masterstudio.applications.models import AppState
from masterstudio.funding.models import Grant
from masterstudio.notices import services as notices
from masterstudio.studios.models import Studio
from tests.factories import selecting as f

pytestmark = pytest.mark.django_db


def test_whole_path_to_recognition(cast, unit_a):
    application = f.submitted_application(unit_a, cast["unit_a"])
    f.to_proposed(application, cast["reviewer"], cast["approver"])
    assert application.state == AppState.PROPOSED
    notice = f.published(application.round, cast["approver"])
    assert notice.days == ["2026-09-28", "2026-09-29", "2026-09-30", "2026-10-08", "2026-10-09"]
    result = notices.close_due(now=f.day_after(notice))
    assert len(result["recognised"]) == 1
    studio = Studio.objects.get(application=application)
    assert studio.nameplate_no == "经开技大〔2026〕001号"
    grant = Grant.objects.get(studio=studio)
    assert (grant.kind, grant.clause, str(grant.amount)) == ("initial", "14.1", "200000.00")
