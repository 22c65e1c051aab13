from django import forms
from django.utils.translation import gettext_lazy as _

from ..accounts.forms import TimeZoneField
from ..models import CANDIDATE_REASONS, LONGEST_REASON_NOTE, ClosingReason
from .status import REASONS_IN_THEIR_WORDS


class TimeZoneForm(forms.Form):
    time_zone = TimeZoneField(
        label=_("Your time zone"),
        help_text=_("Times on your pages and in our emails are shown in it."),
    )


class WithdrawForm(forms.Form):
    """Why the candidate withdraws, if they would say: nothing chosen is NOT_GIVEN."""

    reason = forms.ChoiceField(
        label=_("Would you tell us why? (optional)"),
        required=False,
        choices=[
            ("", _("I'd rather not say")),
            *((reason.value, REASONS_IN_THEIR_WORDS[reason]) for reason in CANDIDATE_REASONS),
        ],
    )
    note = forms.CharField(
        label=_("In your words (optional)"),
        required=False,
        max_length=LONGEST_REASON_NOTE,
        widget=forms.Textarea(attrs={"rows": 3}),
    )

    def withdrawal(self):
        """status.withdraw()'s reason and note from what they chose."""
        reason = self.cleaned_data["reason"] or ClosingReason.NOT_GIVEN
        return {"reason": reason, "note": self.cleaned_data["note"]}
