"""What-if: the same submitted applications under an edited parameter set."""

import io

import pytest
from django.core.management import CommandError, call_command
from django.urls import reverse

from masterstudio.applications import services
from masterstudio.whatif.services import parse_overrides
from tests.factories.applications import make_people, make_round, ready_application


@pytest.fixture
def submitted(cast, unit_a):
    round_ = make_round()
    leader, team = make_people(unit_a, team_size=3)
    application = ready_application(unit_a, cast["unit_a"], round_, leader=leader, team=team)
    services.submit(application.pk, actor=cast["unit_a"])
    application.refresh_from_db()
    return application


def test_parse_overrides():
    assert parse_overrides(["team_min_size=4", "valid_until=2027-12-31", "skill_type_major_groups=[3,4]"]) == {
        "team_min_size": 4,
        "valid_until": "2027-12-31",
        "skill_type_major_groups": [3, 4],
    }
    with pytest.raises(ValueError, match="参数名=新值"):
        parse_overrides(["team_min_size"])


def test_command_reports_the_application_whose_outcome_changes(submitted):
    out = io.StringIO()
    call_command("whatif", "--set", "team_min_size=4", stdout=out)
    text = out.getvalue()
    assert "共评估 1 份申报，结论改变 1 份" in text
    assert submitted.receipt_no in text and "4.5" in text


def test_command_with_an_unchanged_outcome(submitted):
    out = io.StringIO()
    call_command("whatif", "--set", "team_min_size=3", stdout=out)
    assert "结论改变 0 份" in out.getvalue()


def test_command_refuses_an_unknown_parameter(submitted):
    with pytest.raises(CommandError, match="没有参数“team_size”"):
        call_command("whatif", "--set", "team_size=4")


def test_staff_page_shows_parameters_and_runs_whatif(client, cast, submitted):
    client.force_login(cast["approver"])
    html = client.get(reverse("policytools:parameters")).content.decode()
    assert "team_min_size" in html and "第4条第（5）项" in html
    html = client.post(reverse("policytools:parameters"), {"overrides": "team_min_size=4"}).content.decode()
    assert "结论改变 1 份" in html
    client.force_login(cast["unit_a"])
    assert client.get(reverse("policytools:parameters")).status_code == 403
