"""Bad input at scale (issue 8, item 9): property tests. Whatever a person types into a form or puts
into the import workbook, the platform answers with Chinese messages at the field — never with an
exception."""

from __future__ import annotations

import io
import re
from datetime import date, datetime

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

pytestmark = pytest.mark.django_db

CJK = re.compile(r"[\u4e00-\u9fff]")
SETTINGS = settings(max_examples=60, deadline=None, suppress_health_check=list(HealthCheck))

text = st.one_of(
    st.text(max_size=40),
    st.sampled_from(
        [
            "",
            " ",
            "0",
            "-1",
            "1e9",
            "2026-02-30",
            "１２３",
            "<script>alert(1)</script>",
            "' OR 1=1 --",
            "\x00",
            "11010519491231002X",
            "91110302MA01ABCD0Y",
            "99999999999",
        ]
    ),
)


def _forms():
    from masterstudio.accounts import forms as accounts
    from masterstudio.assessments import forms as assessments
    from masterstudio.funding import forms as funding
    from masterstudio.notices import forms as notices
    from masterstudio.recoveries import forms as recoveries
    from masterstudio.units import forms as units

    return {
        "register": accounts.UnitRegistrationForm,
        "login": accounts.LoginForm,
        "account": accounts.AccountCreateForm,
        "objection": notices.ObjectionForm,
        "resolve": notices.ResolveForm,
        "award": funding.AwardForm,
        "disburse": funding.DisburseForm,
        "cancel": funding.CancelForm,
        "recovery": funding.RecoveryForm,
        "repayment": recoveries.RepaymentForm,
        "open_year": assessments.OpenYearForm,
        "review": assessments.ReviewForm,
        "person": units.PersonForm if hasattr(units, "PersonForm") else None,
    }


@pytest.mark.parametrize("name", [n for n, f in _forms().items() if f is not None])
def test_forms_answer_any_input_with_chinese_messages(name, unit_a):
    form_class = _forms()[name]
    kwargs = {"unit": unit_a} if name == "person" else {}
    fields = list(form_class(**kwargs).fields)

    @SETTINGS
    @given(st.fixed_dictionaries({f: text for f in fields}))
    def check(data):
        form = form_class(data=data, **kwargs)
        valid = form.is_valid()  # must not raise
        for field, errors in form.errors.items():
            for message in errors:
                assert CJK.search(message), f"{name}.{field}: {message!r} 不是中文提示"
        if not valid:
            assert form.errors

    check()


cell = st.one_of(
    st.none(),
    st.text(st.characters(blacklist_categories=("Cc", "Cs")), max_size=30),
    st.integers(-(10**6), 10**12),
    st.floats(allow_nan=True),
    st.dates(min_value=date(1900, 1, 1), max_value=date(2100, 1, 1)),
    st.datetimes(min_value=datetime(1900, 1, 1), max_value=datetime(2100, 1, 1)),
    st.sampled_from(["11010519750308001X", "91110302MA01ABCD0Y", "6-18-01-01", "=1+1", "200000.005"]),
)


def _workbook(rows) -> bytes:
    from openpyxl import Workbook

    from masterstudio.dataio.imports import HEADERS

    book = Workbook()
    sheet = book.active
    sheet.append(HEADERS)
    for row in rows:
        sheet.append(list(row))
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


@SETTINGS
@given(st.lists(st.lists(cell, min_size=0, max_size=20), min_size=1, max_size=5))
def test_import_reads_any_workbook_and_reports_each_rows_errors(rows):
    from masterstudio.dataio.imports import parse

    result = parse(_workbook(rows))  # must not raise
    for row in result.rows:
        for message in row.errors:
            assert CJK.search(message), message
    for message in result.file_errors:
        assert CJK.search(message), message
    assert not result.ok or all(not r.errors for r in result.rows)


@SETTINGS
@given(st.binary(max_size=2048))
def test_import_refuses_any_non_workbook_with_a_message(content):
    from masterstudio.dataio.imports import parse

    result = parse(content)
    assert not result.ok and result.file_errors and all(CJK.search(m) for m in result.file_errors)
