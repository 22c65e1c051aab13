"""Widgets, and fields, every form shares."""

import json

from django import forms

from .models import canonical_email, stored_words


class DateInput(forms.DateInput):
    """A date picker whose value is ISO 8601 (2026-12-02) in every language: a browser's date
    input reads no other form, and shows the locale's own (02/12/2026) as an empty field."""

    input_type = "date"

    def __init__(self, attrs=None):
        super().__init__(attrs, format="%Y-%m-%d")


# The largest id a BigAutoField holds, on PostgreSQL and SQLite alike.
MAX_ID = 2**63 - 1


class EmailAddressField(forms.EmailField):
    """An email address, kept in its canonical form (models.canonical_email)."""

    def to_python(self, value):
        return canonical_email(super().to_python(value))


class ModelCheckboxesField(forms.ModelMultipleChoiceField):
    """Rows chosen by id in checkboxes. A value past the largest id is refused before it
    reaches the database, which overflows on it (a 40-digit id gave a 500)."""

    widget = forms.CheckboxSelectMultiple

    def clean(self, value):
        for pk in value or ():
            if _overflows(pk):
                raise forms.ValidationError(
                    self.error_messages["invalid_pk_value"],
                    code="invalid_pk_value",
                    params={"pk": pk},
                )
        return super().clean(value)


def _overflows(value):
    """Whether `value` reads as an integer (as the database would read it: int(), which takes
    "1_000" and "١٢" but refuses "²") too large for an id."""
    try:
        return abs(int(str(value))) > MAX_ID
    except ValueError:  # no integer: the field itself refuses it
        return False


def changes_in(form):
    """What a valid ModelForm changes, each "label: before → after", in the stored language:
    an audit event's details."""
    with stored_words():
        return [
            f"{form.fields[name].label}: {form.initial[name]} → {form.cleaned_data[name]}"
            for name in form.changed_data
        ]


# A snapshot a page shows (a team's settings, an opening's rule) is under a few hundred
# characters.
SHOWN_AT_MOST = 500


class ProposedFromShown(forms.Form):
    """A form proposing a change to what its page showed: it carries that (`shown`, the
    snapshot() of its instance as read), and the proposal is refused if it is no longer so: a
    page opened before the team changed it would propose to undo what the team agreed."""

    shown = forms.CharField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["shown"].initial = json.dumps(self.snapshot())

    def snapshot(self):
        raise NotImplementedError  # each form says what its page shows

    def shown_snapshot(self):
        """What the page showed, or None if it did not say (a value no page writes, however
        long or nested, is not parsed)."""
        shown = self.cleaned_data["shown"]
        if len(shown) > SHOWN_AT_MOST:
            return None
        try:
            return json.loads(shown)
        except (ValueError, RecursionError):
            return None

    def show_current(self):
        """The form shown again after a refusal carries what is now so."""
        self.data = self.data.copy()
        self.data["shown"] = self.fields["shown"].initial
