from django import forms
from django.utils.translation import gettext_lazy as _

from scorecards.forms import LONGEST_NOTES

from ..models import LONGEST_EMAIL, Team, validate_single_line
from ..widgets import ProposedFromShown


class TeamForm(forms.ModelForm):
    description = forms.CharField(
        label=_("Description"),
        required=False,
        max_length=LONGEST_NOTES,
        widget=forms.Textarea(attrs={"rows": 3}),
    )

    class Meta:
        model = Team
        fields = ["name", "description"]
        labels = {"name": _("Name")}

    def clean_name(self):
        # The name goes into colleagues' emails and every page of the team, as one line.
        validate_single_line(self.cleaned_data["name"])
        return self.cleaned_data["name"]


class ProposeMemberForm(forms.Form):
    email = forms.EmailField(
        label=_("Colleague's email"),
        max_length=LONGEST_EMAIL,
        help_text=_("Once the team agrees, they are invited, and join the team when they accept."),
    )
    # The team's hire the person proposed is, if they are (Application.member_email): hidden on
    # the hire's page, a choice on the team page.
    hire = forms.IntegerField(required=False, widget=forms.HiddenInput)

    def __init__(self, *args, hires=(), **kwargs):
        """`hires`: the team's hires not yet in it, as (application id, name) pairs
        (membership.hires_to_join): the team page asks whether the person is one of them."""
        super().__init__(*args, **kwargs)
        if hires:
            hire = self.fields["hire"]
            hire.label = _("Is this the team's hire?")
            hire.help_text = _(
                "Say which: this address then says who the hire is, so they never rate or read "
                "their own check-ins."
            )
            hire.widget = forms.Select(choices=[("", _("No, a colleague")), *hires])


class ProposeHireForm(ProposeMemberForm):
    """A hire proposed from their application's page, at the address they will sign in with."""

    email = forms.EmailField(
        label=_("Their email"),
        max_length=LONGEST_EMAIL,
        help_text=_(
            "The address they will sign in with, their work address if they have one: it "
            "says who this hire is, so they never rate or read their own check-ins."
        ),
    )


class MembershipRuleForm(ProposedFromShown):
    """A change of `team`'s membership rule, proposed from the rule the page showed
    (membership.propose_rule)."""

    membership_rule = forms.ChoiceField(
        label=_("Membership rule"), choices=Team.MembershipRule, widget=forms.RadioSelect
    )

    def __init__(self, *args, team, **kwargs):
        self.team = team
        super().__init__(*args, initial={"membership_rule": team.membership_rule}, **kwargs)

    def snapshot(self):
        return self.team.membership_rule


class TeamSettingsForm(ProposedFromShown, forms.ModelForm):
    """The team's own settings: its check-ins after a hire and its trainees' path. A change is
    a proposal the team's membership rule settles (membership.propose_settings), from the
    settings the page showed."""

    def snapshot(self):
        return self.instance.settings_snapshot()

    def clean_check_in_days(self):
        """ "090, 180,365" is 90,180,365: compared with the team's as the days they are."""
        value = self.cleaned_data["check_in_days"]
        try:
            return ",".join(str(int(part)) for part in value.split(","))
        except ValueError:
            return value  # the model's validator says why

    def proposed(self):
        """The settings proposed, as membership.propose_settings takes them."""
        return {name: self.cleaned_data[name] for name in Team.SETTINGS_FIELDS}

    class Meta:
        model = Team
        fields = Team.SETTINGS_FIELDS
        help_texts = {
            "practice_to_graduate": _(
                "How many practice scorecards within the tolerance before a member may propose "
                "a trainee as a full interviewer."
            ),
        }
