"""A model form's checked values, as a service takes them (services take values, not forms).

A view validates the request with its form, then passes :func:`model_values` to the service,
which writes them in its own transaction; the service never sees the form."""

from __future__ import annotations


def model_values(form) -> dict:
    """``form.cleaned_data`` for the model fields the (valid) model form edits (``Meta.fields``)."""
    return {name: form.cleaned_data[name] for name in form._meta.fields if name in form.cleaned_data}


def set_values(instance, values: dict, fields) -> None:
    """Put ``values`` on ``instance``; a name outside ``fields`` (what the service lets its caller
    set) is a programming error, refused before anything is written."""
    unknown = set(values) - set(fields)
    if unknown:
        raise ValueError(f"fields not settable here: {sorted(unknown)}")
    for name, value in values.items():
        setattr(instance, name, value)
