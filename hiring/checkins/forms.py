from django import forms
from django.utils.translation import gettext_lazy as _

from scorecards.forms import LONGEST_NOTES, NO_EVIDENCE, SCORE_CHOICES
from scorecards.models import Vote

from .checkins import draft_version


class CheckInForm(forms.Form):
    """A rater's check-in: a score or "no evidence" per criterion of the version the hire was
    hired on, would they hire again, notes. Every field optional here: a draft saves what is
    there; checkins.submit decides whether it is complete."""

    would_hire_again = forms.ChoiceField(
        label=_("Would you hire them again?"),
        choices=Vote,
        required=False,
        widget=forms.RadioSelect,
    )
    notes = forms.CharField(
        label=_("Notes"),
        required=False,
        max_length=LONGEST_NOTES,
        widget=forms.Textarea(attrs={"rows": 4}),
    )
    # The draft version the page showed (checkins.draft_version); every save moves it on.
    draft_version = forms.IntegerField(required=False, min_value=0, widget=forms.HiddenInput)

    def __init__(self, *args, criteria, **kwargs):
        super().__init__(*args, **kwargs)
        self.criteria = list(criteria)
        for criterion in self.criteria:
            self.fields[f"score_{criterion.pk}"] = forms.ChoiceField(
                label=criterion.name, choices=SCORE_CHOICES, required=False
            )

    def clean(self):
        # Without it a save could not tell whether another tab saved since: never guessed.
        # Said beside the form: the hidden field's own error shows nowhere.
        if self.cleaned_data.get("draft_version") is None:
            raise forms.ValidationError(
                _("This page does not say which draft it shows: reload it, then go on writing.")
            )
        return super().clean()

    def rows(self):
        """(criterion, its score field) in the scorecard's order, for the template."""
        return [(criterion, self[f"score_{criterion.pk}"]) for criterion in self.criteria]

    def changes(self):
        """What was posted, as checkins.save_draft takes it: only the fields present change."""
        ratings = {}
        for criterion in self.criteria:
            name = f"score_{criterion.pk}"
            if name in self.data:
                score = self.cleaned_data[name]
                ratings[criterion.pk] = {
                    "no_evidence": score == NO_EVIDENCE,
                    "score": int(score) if score and score != NO_EVIDENCE else None,
                }
        posted = {name: self.cleaned_data[name] for name in ("would_hire_again", "notes")}
        return {
            "ratings": ratings,
            **{name: value if name in self.data else None for name, value in posted.items()},
            "version": self.cleaned_data["draft_version"],
        }

    @staticmethod
    def initial_from(review):
        initial = {"draft_version": draft_version(review)}
        if review is None:
            return initial
        initial |= {"would_hire_again": review.would_hire_again, "notes": review.notes}
        for rating in review.ratings.all():
            value = NO_EVIDENCE if rating.no_evidence else rating.score
            initial[f"score_{rating.criterion_id}"] = "" if value is None else str(value)
        return initial
