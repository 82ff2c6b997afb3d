"""Issue 18.2: an expert sees no material before declaring (no) conflict of interest — neither the
links on the task page nor the files themselves, nor the submitted versions; every file goes
through the same rule (experts.selectors.subject_ids_for_expert)."""

from __future__ import annotations

import pytest
from django.test import Client

from masterstudio.experts.models import Assignment
from masterstudio.experts.services.tasks import declare
from tests.factories import PASSWORD
from tests.factories import selecting as f

pytestmark = pytest.mark.django_db


@pytest.fixture
def drawn(cast, unit_a, unit_b):
    application = f.ready_for_experts(cast, unit_a, unit_b)[0]
    for i in range(3):
        f.make_expert(f"coi_expert_{i}", name=f"专家{i}")
    f.draw_panel([application], cast["reviewer"])
    assignments = list(Assignment.objects.filter(panel__object_id=application.pk).select_related("expert__user"))
    return application, assignments


def _client(user) -> Client:
    client = Client()
    assert client.login(username=user.username, password=PASSWORD)
    return client


def test_no_material_before_the_declaration(drawn):
    application, assignments = drawn
    first, second = assignments[0], assignments[1]
    material = application.materials.filter(removed_at__isnull=True).first()
    client = _client(first.expert.user)
    task = client.get(f"/experts/tasks/{first.pk}/").content.decode()
    assert "利益冲突声明" in task
    assert f"/applications/materials/{material.pk}/" not in task
    assert client.get(f"/applications/materials/{material.pk}/").status_code == 404
    assert client.get(f"/applications/materials/{material.pk}/?inline=1").status_code == 404
    assert client.get(f"/applications/{application.pk}/versions/1/").status_code == 404

    declare(first, first.expert.user, conflict=False)
    task = client.get(f"/experts/tasks/{first.pk}/").content.decode()
    assert f"/applications/materials/{material.pk}/" in task
    assert client.get(f"/applications/materials/{material.pk}/?inline=1").status_code == 200
    assert client.get(f"/applications/{application.pk}/versions/1/").status_code == 200

    declare(second, second.expert.user, conflict=True, text="曾在申报单位任职")
    other = _client(second.expert.user)
    assert other.get(f"/applications/materials/{material.pk}/").status_code == 404
