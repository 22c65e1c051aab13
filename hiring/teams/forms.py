from django import forms
from django.utils.translation import gettext_lazy as _

from ..models import Team


class TeamForm(forms.ModelForm):
    class Meta:
        model = Team
        fields = ["name", "description"]
        labels = {"name": _("Name"), "description": _("Description")}
        widgets = {"description": forms.Textarea(attrs={"rows": 3})}


class ProposeMemberForm(forms.Form):
    email = forms.EmailField(
        label=_("Colleague's email"),
        help_text=_("Someone with an account joins once the team agrees; anyone else is invited."),
    )


class MembershipRuleForm(forms.Form):
    membership_rule = forms.ChoiceField(
        label=_("Membership rule"), choices=Team.MembershipRule, widget=forms.RadioSelect
    )
