import zoneinfo

from django import forms

from scorecards.models import Scorecard

from .models import Application, Candidate, Opening, Organisation, Team, User

TIME_ZONE_CHOICES = [
    (name, name.replace("_", " ")) for name in sorted(zoneinfo.available_timezones())
]


class TimeZoneField(forms.ChoiceField):
    def __init__(self, detect_browser_zone=False, **kwargs):
        super().__init__(choices=TIME_ZONE_CHOICES, initial="UTC", **kwargs)
        if detect_browser_zone:
            self.widget.attrs["data-detect-time-zone"] = ""


class SignupDetailsForm(forms.Form):
    """What allauth's sign-up form asks beyond email and password."""

    display_name = forms.CharField(max_length=100, help_text="How your colleagues see you.")
    time_zone = TimeZoneField(
        detect_browser_zone=True,
        help_text="Interviews are shown and scheduled in this time zone.",
    )

    def signup(self, request, user):
        user.display_name = self.cleaned_data["display_name"]
        user.time_zone = self.cleaned_data["time_zone"]
        user.save(update_fields=["display_name", "time_zone"])


class ProfileForm(forms.ModelForm):
    time_zone = TimeZoneField()

    class Meta:
        model = User
        fields = ["display_name", "time_zone"]


class TeamForm(forms.ModelForm):
    class Meta:
        model = Team
        fields = ["name", "description"]
        widgets = {"description": forms.Textarea(attrs={"rows": 3})}


class ProposeMemberForm(forms.Form):
    email = forms.EmailField(
        label="Colleague's email",
        help_text="Someone with an account joins once the team agrees; anyone else is invited.",
    )


class MembershipRuleForm(forms.Form):
    membership_rule = forms.ChoiceField(choices=Team.MembershipRule, widget=forms.RadioSelect)


class InviteForm(forms.Form):
    email = forms.EmailField()
    role = forms.ChoiceField(choices=User.Role, initial=User.Role.RECRUITER)


class OrganisationForm(forms.ModelForm):
    class Meta:
        model = Organisation
        fields = ["name", "require_mfa_for_staff"]


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
