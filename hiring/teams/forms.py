from django import forms

from ..models import Team


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
