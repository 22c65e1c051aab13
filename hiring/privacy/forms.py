from django import forms
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy


class HoldForm(forms.Form):
    reason = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 2}),
        max_length=2000,
        label=gettext_lazy("Reason"),
        help_text=gettext_lazy(
            "Why the data must be kept: a claim, an inquiry, a regulator's request."
        ),
    )


class EraseForm(forms.Form):
    """Erasing can't be undone: the recruiter types the name of the candidate they mean."""

    name = forms.CharField(
        label=gettext_lazy("The candidate's name"),
        max_length=200,
        help_text=gettext_lazy(
            "Type the name shown at the top of this page to confirm. Case and spacing don't matter."
        ),
    )

    def __init__(self, candidate, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.candidate = candidate

    def clean_name(self):
        typed = self.cleaned_data["name"]
        if _folded(typed) != _folded(self.candidate.name):
            raise forms.ValidationError(
                _("That is not this candidate's name: type it as shown at the top of this page.")
            )
        return typed


def _folded(name):
    return " ".join(name.split()).casefold()


# The largest id a database stores (a signed 64-bit integer): a longer number is no record's.
LARGEST_ID = 2**63 - 1
NOT_A_RECORD_NUMBER = gettext_lazy("Type a candidate record's number, such as 42.")


class AccessLogFilter(forms.Form):
    """The access log's filter: one candidate record, by its number."""

    candidate = forms.IntegerField(
        label=gettext_lazy("Candidate record #"),
        required=False,
        min_value=1,
        max_value=LARGEST_ID,
        widget=forms.TextInput(attrs={"inputmode": "numeric"}),
        error_messages=dict.fromkeys(["invalid", "min_value", "max_value"], NOT_A_RECORD_NUMBER),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, label_suffix="", **kwargs)  # "#", then the number
