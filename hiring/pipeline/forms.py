import unicodedata

from django import forms
from django.core.exceptions import ValidationError
from django.core.validators import URLValidator

from scorecards.models import Scorecard

from ..models import Application, Candidate, Opening


class OpeningForm(forms.ModelForm):
    class Meta:
        model = Opening
        fields = ["title", "description", "status"]
        widgets = {"description": forms.Textarea(attrs={"rows": 4})}


class NewOpeningForm(OpeningForm):
    template = forms.ModelChoiceField(
        queryset=Scorecard.objects.none(),
        label="Scorecard",
        help_text="The opening gets its own copy, which you can then adapt.",
    )

    class Meta(OpeningForm.Meta):
        fields = ["title", "description"]

    def __init__(self, *args, team, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["template"].queryset = Scorecard.objects.filter(team=team, opening=None)


# Links open from the candidate's page: only the web, never javascript: or data:.
web_link = URLValidator(schemes=["http", "https"])
# Control characters, line and paragraph separators.
NOT_ON_ONE_LINE = {"Cc", "Zl", "Zp"}


def single_line(value):
    if any(unicodedata.category(char) in NOT_ON_ONE_LINE for char in value):
        raise ValidationError("Write this on one line, without line breaks or control characters.")
    return value


class CandidateForm(forms.ModelForm):
    class Meta:
        model = Candidate
        fields = ["name", "email", "phone", "links", "resume"]
        widgets = {"links": forms.Textarea(attrs={"rows": 2})}

    def clean_name(self):
        return single_line(self.cleaned_data["name"])

    def clean_phone(self):
        return single_line(self.cleaned_data["phone"])

    def clean_links(self):
        """One http(s) URL a line; blank lines and the spaces around a link go."""
        links = []
        for number, line in enumerate(self.cleaned_data["links"].splitlines(), 1):
            if link := line.strip():
                try:
                    web_link(link)
                except ValidationError:
                    raise ValidationError(
                        f"Line {number} is not a web link: each starts with https:// or http://."
                    ) from None
                links.append(link)
        return "\n".join(links)


class StageForm(forms.Form):
    stage = forms.ChoiceField(
        choices=[(stage.value, stage.label) for stage in Application.MANUAL_STAGES]
    )
