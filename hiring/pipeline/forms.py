from django import forms

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


class CandidateForm(forms.ModelForm):
    class Meta:
        model = Candidate
        fields = ["name", "email", "phone", "links", "resume"]
        widgets = {"links": forms.Textarea(attrs={"rows": 2})}


class StageForm(forms.Form):
    stage = forms.ChoiceField(
        choices=[(stage.value, stage.label) for stage in Application.MANUAL_STAGES]
    )
