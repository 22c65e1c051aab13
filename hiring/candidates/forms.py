from django import forms
from django.utils.translation import gettext, gettext_lazy

from .search import MAX_QUERY_LENGTH


class SearchForm(forms.Form):
    q = forms.CharField(
        label=gettext_lazy("Search candidates"),
        required=False,
        max_length=MAX_QUERY_LENGTH,
        widget=forms.TextInput(
            attrs={
                "type": "search",
                "placeholder": gettext_lazy("Name, email or opening"),
                "autocomplete": "off",
            }
        ),
    )


class MergeForm(forms.Form):
    keep = forms.TypedChoiceField(
        label=gettext_lazy("Keep which record?"),
        coerce=int,
        widget=forms.RadioSelect,
        help_text=gettext_lazy(
            "The other record's applications, consents, addresses and what this one "
            "lacks move to it; then the other record is deleted."
        ),
    )

    def __init__(self, *args, records, **kwargs):
        super().__init__(*args, **kwargs)
        self.records = {record.pk: record for record in records}
        self.fields["keep"].choices = [
            (
                record.pk,
                gettext("Record #%(number)s: %(name)s")
                % {"number": record.pk, "name": record.name},
            )
            for record in records
        ]

    def clean_keep(self):
        return self.records[self.cleaned_data["keep"]]

    def other(self):
        """The record that goes, once the form is valid."""
        keep = self.cleaned_data["keep"]
        return next(record for pk, record in self.records.items() if pk != keep.pk)
