"""The form renderer (``FORM_RENDERER``): Django's own, with its plain widgets written in Python.

Django renders every widget, and every option of a select or checkbox list, through its widget
templates (``django/forms/widgets/*.html``): about a tenth of a millisecond per template on this
machine, and the application wizard has some 30 widgets and 60 options on every render. The
templates of the plain widgets — inputs, textareas, selects and their options, checkbox and radio
lists — are short; :class:`Renderer` produces the same text from the same widget context in
Python (same escaping, same whitespace; ``tests/core/test_formrender.py`` compares the two for
every kind and for the platform's forms). Any other widget template, and any of these that an
installed app overrides, is rendered by Django's templates as before.
"""

from __future__ import annotations

from django.forms.renderers import DjangoTemplates
from django.utils import formats
from django.utils.html import conditional_escape, escape

_W = "django/forms/widgets/"


def _text(value) -> str:
    """``{{ value }}`` in a template: localised when not a string, escaped unless safe."""
    if not isinstance(value, str):
        value = formats.localize(value)
    return conditional_escape(value)


def _attrs(attrs: dict) -> str:
    # attrs.html: name="value|stringformat:'s'" (escaped), a bare name for True, nothing for False
    out = []
    for name, value in attrs.items():
        if value is False:
            continue
        if value is True:
            out.append(f" {_text(name)}")
        else:
            out.append(f' {_text(name)}="{escape(str(value))}"')
    return "".join(out)


def _input(widget: dict) -> str:
    value = widget["value"]
    shown = "" if value is None else f' value="{escape(str(value))}"'
    return f'<input type="{_text(widget["type"])}" name="{_text(widget["name"])}"{shown}{_attrs(widget["attrs"])}>\n'


def _textarea(widget: dict) -> str:
    value = widget["value"]
    return (
        f'<textarea name="{_text(widget["name"])}"{_attrs(widget["attrs"])}>\n'
        f"{_text(value) if value else ''}</textarea>\n"
    )


def _select_option(widget: dict) -> str:
    return (
        f'<option value="{escape(str(widget["value"]))}"{_attrs(widget["attrs"])}>{_text(widget["label"])}</option>\n'
    )


def _input_option(widget: dict) -> str:
    if not widget.get("wrap_label"):
        return _input(widget) + "\n"
    target = widget["attrs"].get("id")
    opening = f'<label for="{_text(target)}">' if target else "<label>"
    return f"{opening}{_input(widget)} {_text(widget['label'])}</label>\n"


class Renderer(DjangoTemplates):
    def __init__(self):
        super().__init__()
        self._python = {
            _W + "input.html": _input,
            _W + "textarea.html": _textarea,
            _W + "select.html": self._select,
            _W + "select_option.html": _select_option,
            _W + "input_option.html": _input_option,
            _W + "checkbox_option.html": lambda w: _input_option(w) + "\n",
            _W + "radio_option.html": lambda w: _input_option(w) + "\n",
            _W + "multiple_input.html": self._multiple_input,
            _W + "checkbox_select.html": lambda w: self._multiple_input(w) + "\n",
            _W + "radio.html": lambda w: self._multiple_input(w) + "\n",
        }
        for kind in ("text", "number", "email", "url", "password", "hidden", "date", "datetime", "time", "tel"):
            self._python[f"{_W}{kind}.html"] = lambda w: _input(w) + "\n"
        self._python[_W + "checkbox.html"] = lambda w: _input(w) + "\n"
        self._python[_W + "search.html"] = lambda w: _input(w) + "\n"
        self._own: bool | None = None

    def _python_ok(self) -> bool:
        """Whether every template written here is still Django's own file (no installed app
        overrides one; they include each other, so one override turns them all back to templates)."""
        if self._own is None:
            self._own = all(
                self.get_template(name).origin.name.replace("\\", "/").endswith("/django/forms/templates/" + name)
                for name in self._python
            )
        return self._own

    def _part(self, template_name: str, widget: dict) -> str:
        """What ``{% include template_name with widget=widget %}`` writes (unstripped)."""
        python = self._python.get(template_name)
        if python is not None:
            return python(widget)
        return self.get_template(template_name).render({"widget": widget})

    def _select(self, widget: dict) -> str:
        out = [f'<select name="{_text(widget["name"])}"{_attrs(widget["attrs"])}>']
        for group_name, group_choices, _index in widget["optgroups"]:
            if group_name:
                out.append(f'\n  <optgroup label="{_text(group_name)}">')
            for option in group_choices:
                out.append("\n  " + self._part(option["template_name"], option))
            if group_name:
                out.append("\n  </optgroup>")
        out.append("\n</select>\n")
        return "".join(out)

    def _multiple_input(self, widget: dict) -> str:
        attrs = widget["attrs"]
        target, css = attrs.get("id"), attrs.get("class")
        out = ["<div"]
        if target:
            out.append(f' id="{_text(target)}"')
        if css:
            out.append(f' class="{_text(css)}"')
        out.append(">")
        for group, options, _index in widget["optgroups"]:
            if group:
                out.append(f"\n  <div><label>{_text(group)}</label>")
            for option in options:
                out.append("<div>\n    " + self._part(option["template_name"], option) + "</div>")
            if group:
                out.append("\n  </div>")
        out.append("\n</div>\n")
        return "".join(out)

    def render(self, template_name, context, request=None):
        python = self._python.get(template_name)
        if python is not None and set(context) <= {"widget"} and self._python_ok():
            return python(context["widget"]).strip()
        return super().render(template_name, context, request=request)
