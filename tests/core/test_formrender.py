"""The form renderer (core/formrender.py) writes the plain widgets in Python: the text must be
exactly what Django's widget templates write, for every kind, value and attribute, and for the
platform's own forms."""

from __future__ import annotations

import datetime

import pytest
from django import forms
from django.forms.renderers import DjangoTemplates
from django.utils.safestring import mark_safe

from masterstudio.core.formrender import Renderer

TEMPLATES = DjangoTemplates()
PYTHON = Renderer()

CHOICES = [("", "请选择"), ("a", "甲 <乙> & “丙”"), ("分组", [("1", "一"), ("2", mark_safe("<b>二</b>"))]), (3, 4)]
WIDGETS = [
    (forms.TextInput(attrs={"required": True, "x": False, "class": 'a<"b'}), 'v"&<'),
    (forms.TextInput(), None),
    (forms.TextInput(), ""),
    (forms.NumberInput(attrs={"min": 0, "step": 0.5}), 12),
    (forms.EmailInput(), "a@b.cn"),
    (forms.PasswordInput(render_value=True), "secret&"),
    (forms.HiddenInput(), "token"),
    (forms.DateInput(), datetime.date(2026, 12, 2)),
    (forms.DateInput(attrs={"type": "date"}), datetime.date(2026, 12, 2)),
    (forms.URLInput(), "https://x.cn/?a=1&b=2"),
    (forms.CheckboxInput(), True),
    (forms.CheckboxInput(attrs={"disabled": True}), False),
    (forms.Textarea(attrs={"rows": 2}), "第一行\n<第二行>"),
    (forms.Textarea(), ""),
    (forms.Select(choices=CHOICES), "a"),
    (forms.Select(choices=CHOICES, attrs={"id": "id_s", "hx-post": "/x/"}), "2"),
    (forms.SelectMultiple(choices=CHOICES), ["a", "1"]),
    (forms.NullBooleanSelect(), None),
    (forms.CheckboxSelectMultiple(choices=CHOICES, attrs={"id": "id_t", "class": "cols"}), ["2"]),
    (forms.CheckboxSelectMultiple(choices=CHOICES), []),
    (forms.RadioSelect(choices=CHOICES, attrs={"id": "id_r"}), "a"),
    (forms.RadioSelect(choices=[("y", "是"), ("n", "否")]), None),
]


@pytest.mark.parametrize("widget, value", WIDGETS, ids=[f"{type(w).__name__}-{i}" for i, (w, _) in enumerate(WIDGETS)])
def test_each_widget_reads_as_djangos_template(widget, value):
    assert widget.render("f", value, renderer=PYTHON) == widget.render("f", value, renderer=TEMPLATES)


def test_the_platforms_forms_read_as_with_djangos_templates(db, unit_a):
    """Every field of the platform's forms, as rendered for a page."""
    import inspect
    import pkgutil
    from importlib import import_module

    import masterstudio
    from tests.factories import make_person

    make_person(unit_a, name="王<师傅>")
    from masterstudio.applications.forms import ApplicationForm

    checked = 0
    forms_found = [ApplicationForm(unit=unit_a, data={"leader": "x", "team": ["1"]})]
    for info in pkgutil.walk_packages(masterstudio.__path__, "masterstudio."):
        if not info.name.endswith(".forms"):
            continue
        for _name, cls in inspect.getmembers(import_module(info.name), inspect.isclass):
            if issubclass(cls, forms.BaseForm) and cls.__module__ == info.name:
                try:
                    forms_found.append(cls())
                except TypeError:  # needs arguments of its page
                    continue
    for form in forms_found:
        for field in form:
            widget, name = field.field.widget, field.html_name
            value = field.value()
            attrs = field.build_widget_attrs({"id": field.auto_id} if field.auto_id else {})
            assert widget.render(name, value, attrs=attrs, renderer=PYTHON) == widget.render(
                name, value, attrs=attrs, renderer=TEMPLATES
            ), (type(form).__name__, name)
            checked += 1
    assert checked > 50


def test_an_overridden_widget_template_is_rendered_by_the_template(monkeypatch):
    from types import SimpleNamespace

    renderer = Renderer()
    real = renderer.get_template

    def get_template(name):
        if name.endswith("/input.html"):  # an installed app's own input.html
            return SimpleNamespace(
                origin=SimpleNamespace(name="/srv/app/templates/django/forms/widgets/input.html"),
                render=lambda context, request=None: "<input overridden>",
            )
        return real(name)

    monkeypatch.setattr(renderer, "get_template", get_template)
    assert not renderer._python_ok()
    context = forms.TextInput().get_context("f", "v", {})
    assert renderer.render("django/forms/widgets/input.html", context) == "<input overridden>"
