"""Date inputs carry ISO values (2026-12-02) in every language: a browser's date input shows
any other value (02/12/2026, en-gb's first format) as an empty field."""

import importlib
import pkgutil
from datetime import date

import pytest
from django import forms
from django.utils import translation

import hiring
import scorecards
from hiring.widgets import DateInput


def all_forms():
    for package in (hiring, scorecards):
        for module in pkgutil.walk_packages(package.__path__, f"{package.__name__}."):
            if "migrations" not in module.name and not module.name.endswith(("wsgi", "asgi")):
                importlib.import_module(module.name)
    found, queue = set(), [forms.BaseForm]
    while queue:
        for subclass in queue.pop().__subclasses__():
            queue.append(subclass)
            if subclass.__module__.startswith(("hiring.", "scorecards.")):
                found.add(subclass)
    return found


def date_fields():
    return [
        (form, name, field)
        for form in all_forms()
        for name, field in form.base_fields.items()
        if isinstance(field, forms.DateField) and not isinstance(field, forms.DateTimeField)
    ]


def test_every_date_field_of_ours_uses_the_iso_date_input():
    fields = date_fields()

    # The offer's dates, a report's period, the panel's search and the candidate's window.
    assert len(fields) >= 6
    for form, name, field in fields:
        assert isinstance(field.widget, DateInput), f"{form.__name__}.{name}"


@pytest.mark.parametrize("language", ["en-gb", "de", "en-us"])
def test_a_date_input_renders_an_iso_value_whatever_the_language(language):
    with translation.override(language):
        html = DateInput().render("start", date(2026, 12, 2))

    assert 'type="date"' in html
    assert 'value="2026-12-02"' in html


def test_a_date_field_reads_the_iso_value_back():
    class Form(forms.Form):
        day = forms.DateField(widget=DateInput())

    with translation.override("en-gb"):
        form = Form({"day": "2026-12-02"})
        assert form.is_valid()
    assert form.cleaned_data["day"] == date(2026, 12, 2)
