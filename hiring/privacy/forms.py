from django import forms


class HoldForm(forms.Form):
    reason = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 2}),
        max_length=2000,
        help_text="Why the data must be kept: a claim, an inquiry, a regulator's request.",
    )
