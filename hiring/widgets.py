"""Widgets every form shares."""

from django import forms


class DateInput(forms.DateInput):
    """A date picker whose value is ISO 8601 (2026-12-02) in every language: a browser's date
    input reads no other form, and shows the locale's own (02/12/2026) as an empty field."""

    input_type = "date"

    def __init__(self, attrs=None):
        super().__init__(attrs, format="%Y-%m-%d")
