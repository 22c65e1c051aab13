from django import forms
from django.core.validators import MaxValueValidator, MinValueValidator
from django.utils.translation import gettext_lazy as _

from scorecards.forms import LONGEST_NOTES

from ..models import Decision, Opening
from ..widgets import ProposedFromShown

# Larger than any panel: a quorum past it is a typo that no application would ever reach.
LARGEST_QUORUM = 20
NO_QUORUM = _("The team decides on at least one scorecard: set a quorum of 1 or more.")


class DecisionRuleForm(ProposedFromShown, forms.ModelForm):
    """The opening's decision rule; a change is a proposal the team's membership rule settles
    (membership.propose_decision_rule), from the rule the page showed."""

    class Meta:
        model = Opening
        fields = Opening.RULE_FIELDS

    def snapshot(self):
        return self.instance.rule_snapshot()

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name in ("min_scorecards", "min_team_fit_peers"):
            self.fields[name].validators.append(MaxValueValidator(LARGEST_QUORUM))
            self.fields[name].widget.attrs["max"] = LARGEST_QUORUM
        # A team decides on feedback: with no scorecard to wait for, a panel all excused
        # would open its debrief on nothing.
        scorecards = self.fields["min_scorecards"]
        scorecards.validators.append(MinValueValidator(1, message=NO_QUORUM))
        scorecards.widget.attrs["min"] = 1


class DecisionForm(forms.Form):
    outcome = forms.ChoiceField(
        choices=Decision.Outcome, widget=forms.RadioSelect, label=_("Outcome")
    )
    rationale = forms.CharField(
        required=False,
        max_length=LONGEST_NOTES,
        widget=forms.Textarea(attrs={"rows": 3}),
        label=_("Rationale"),
        help_text=_("Required when the decision departs from the recommendation."),
    )


class ExcuseForm(forms.Form):
    """The reason to excuse the interviewer of `scorecard`: the debrief shows one form per
    interviewer it waits for, each with ids of its own and only its own errors."""

    reason = forms.CharField(max_length=500, label=_("Why excuse them?"))

    def __init__(self, *args, scorecard, **kwargs):
        super().__init__(*args, auto_id=f"excuse-{scorecard.pk}-%s", **kwargs)
        self.scorecard = scorecard


class WithdrawDecisionForm(forms.Form):
    reason = forms.CharField(max_length=500, label=_("Why take it back?"))
