from django import forms
from django.utils.translation import gettext_lazy as _

from ..models import Decision, Opening


class DecisionRuleForm(forms.ModelForm):
    class Meta:
        model = Opening
        fields = Opening.RULE_FIELDS


class DecisionForm(forms.Form):
    outcome = forms.ChoiceField(
        choices=Decision.Outcome, widget=forms.RadioSelect, label=_("Outcome")
    )
    rationale = forms.CharField(
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        label=_("Rationale"),
        help_text=_("Required when the decision departs from the recommendation."),
    )


class ExcuseForm(forms.Form):
    reason = forms.CharField(max_length=500, label=_("Why excuse them?"))


class WithdrawDecisionForm(forms.Form):
    reason = forms.CharField(max_length=500, label=_("Why take it back?"))
