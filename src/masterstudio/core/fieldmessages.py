"""Chinese error messages that name the field, for every form of a page (issue 16, point 12).

``name_fields(form)`` gives each field of a form the messages a person can act on — "请填写“活动名称”",
"“参加人数”至少为 1", "“整改要求”最多 2000 个字（现有 2105 个字）" — instead of Django's unnamed
defaults or a model constraint's internal name, and makes a bound on a number field a real check
(a ``min_value`` set after the field was built is otherwise only an attribute). Messages a form
already sets for a field (other than Django's defaults) are kept. Text limits are the form's own
(``max_length``): the same number is put on the widget so the browser stops typing there, and the
server refuses beyond it.
"""

from __future__ import annotations

from django import forms
from django.core import validators

TEXT_LIMIT = 2000  # a textarea's limit when its form gives none: about two pages of plain text


def _label(field, name: str) -> str:
    return str(field.label or name)


def name_fields(form: forms.BaseForm, *, text_limit: int = TEXT_LIMIT) -> forms.BaseForm:
    for name, field in form.fields.items():
        label = _label(field, name)
        messages = {
            "required": f"请填写“{label}”",
            "invalid": f"“{label}”的格式不正确",
            "invalid_choice": f"请从列表中选择“{label}”",
            "invalid_list": f"请从列表中选择“{label}”",
        }
        if isinstance(field, (forms.ChoiceField, forms.ModelChoiceField, forms.FileField)):
            messages["required"] = f"请选择“{label}”"
        if isinstance(field, forms.DateTimeField):
            messages["invalid"] = f"“{label}”应为日期和时间，如 2026-12-20 09:00"
        elif isinstance(field, forms.DateField):
            messages["invalid"] = f"“{label}”应为日期，格式 YYYY-MM-DD"
        elif isinstance(field, (forms.IntegerField, forms.DecimalField, forms.FloatField)):
            messages["invalid"] = f"“{label}”应为数字"
        if isinstance(field, forms.CharField):
            if field.max_length is None and isinstance(field.widget, forms.Textarea):
                field.max_length = text_limit
                field.validators.append(validators.MaxLengthValidator(text_limit))
            if field.max_length is not None:
                field.widget.attrs.setdefault("maxlength", str(field.max_length))
                messages["max_length"] = f"“{label}”最多 %(limit_value)d 个字（现有 %(show_value)d 个字），请精简"
        if isinstance(field, (forms.IntegerField, forms.DecimalField)):
            present = {(type(v), v.limit_value) for v in field.validators if hasattr(v, "limit_value")}
            if field.min_value is not None:
                if (validators.MinValueValidator, field.min_value) not in present:
                    field.validators.append(validators.MinValueValidator(field.min_value))
                field.widget.attrs.setdefault("min", str(field.min_value))
                messages["min_value"] = f"“{label}”至少为 %(limit_value)s"
            if field.max_value is not None:
                if (validators.MaxValueValidator, field.max_value) not in present:
                    field.validators.append(validators.MaxValueValidator(field.max_value))
                field.widget.attrs.setdefault("max", str(field.max_value))
                messages["max_value"] = f"“{label}”不能超过 %(limit_value)s"
            if isinstance(field, forms.DecimalField):
                messages.update(
                    {
                        "max_digits": f"“{label}”的位数过多",
                        "max_decimal_places": f"“{label}”最多保留 %(max)s 位小数",
                        "max_whole_digits": f"“{label}”的整数部分位数过多",
                    }
                )
        defaults = {}
        for cls in reversed(type(field).__mro__):
            defaults.update(getattr(cls, "default_error_messages", {}))
        kept = {k: v for k, v in field.error_messages.items() if k not in defaults or v != defaults[k]}
        own = getattr(form, "own_messages", {}).get(name, {})
        field.error_messages = {**field.error_messages, **messages, **kept, **own}
    return form


class NamedFieldsMixin:
    """A form whose every field carries messages naming it (:func:`name_fields`); a form states the
    few messages of its own that say more in ``own_messages`` ({field: {code: message}})."""

    own_messages: dict[str, dict[str, str]] = {}
    text_limit = TEXT_LIMIT

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        name_fields(self, text_limit=self.text_limit)
