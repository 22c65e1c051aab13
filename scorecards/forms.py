from django import forms
from django.core.validators import MaxLengthValidator
from django.utils.translation import gettext_lazy as _

from hiring.models import User
from hiring.widgets import ModelCheckboxesField

from .editing import CRITERION_FIELDS
from .models import RATING_LEVELS, Category, Criterion, Scorecard, Vote


class ScorecardForm(forms.ModelForm):
    class Meta:
        model = Scorecard
        fields = ["name"]
        labels = {"name": _("Name")}


# Longer than any real anchor, question list or note: past it, a page grew by megabytes
# (a criterion of 100,000 questions took a second and a half to render, every edit after).
LONGEST_CRITERION_TEXT = 2000
LONGEST_NOTES = 10_000


class CriterionForm(forms.ModelForm):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name in ["description", "anchor_1", "anchor_2", "anchor_3", "anchor_4", "questions"]:
            self.fields[name].max_length = LONGEST_CRITERION_TEXT
            self.fields[name].validators.append(MaxLengthValidator(LONGEST_CRITERION_TEXT))

    class Meta:
        model = Criterion
        fields = CRITERION_FIELDS
        # The fields whose label Django makes from the field's name (the others' are the
        # model's verbose names).
        labels = {
            "name": _("Name"),
            "category": _("Category"),
            "weight": _("Weight"),
            "questions": _("Questions"),
        }
        widgets = {
            name: forms.Textarea(attrs={"rows": 2})
            for name in ["description", "anchor_1", "anchor_2", "anchor_3", "anchor_4", "questions"]
        }


class AssignForm(forms.Form):
    interviewer = forms.ModelChoiceField(queryset=User.objects.none(), label=_("Interviewer"))
    focus = forms.ChoiceField(choices=Category, label=_("Focus"))
    criteria = ModelCheckboxesField(
        queryset=Criterion.objects.none(),
        required=False,
        label=_("Criteria to cover"),
        help_text=_("Leave empty to cover every criterion of the focus."),
    )

    def __init__(self, *args, application, **kwargs):
        super().__init__(*args, **kwargs)
        opening = application.opening
        self.fields["interviewer"].queryset = opening.team.active_members().order_by("display_name")
        if opening.scorecard:
            self.fields["criteria"].queryset = opening.scorecard.current_version().criteria.all()


NO_EVIDENCE = "none"
SCORE_CHOICES = [(str(level), str(level)) for level in RATING_LEVELS] + [
    (NO_EVIDENCE, _("No evidence"))
]


class FeedbackForm(forms.Form):
    """The interviewer's scorecard: a rating and notes per focus criterion, takeaways and a vote.

    Every field is optional here: drafts save whatever is there; `feedback.submit` decides
    whether it is complete.
    """

    takeaways = forms.CharField(
        label=_("Key takeaways"),
        required=False,
        max_length=LONGEST_NOTES,
        widget=forms.Textarea(attrs={"rows": 4}),
    )
    vote = forms.ChoiceField(
        label=_("Overall vote"), choices=Vote, required=False, widget=forms.RadioSelect
    )
    amend_reason = forms.CharField(
        label=_("Why are you amending?"),
        required=False,
        max_length=LONGEST_NOTES,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    # The draft version the page showed; every save moves it on (scoring.save_draft). Asked
    # for in clean(), which says why it is missing beside the form, not beside a hidden field.
    draft_version = forms.IntegerField(required=False, min_value=0, widget=forms.HiddenInput)

    def __init__(self, *args, criteria, **kwargs):
        super().__init__(*args, **kwargs)
        self.criteria = list(criteria)
        for criterion in self.criteria:
            self.fields[f"score_{criterion.pk}"] = forms.ChoiceField(
                label=criterion.name,
                choices=SCORE_CHOICES,
                required=False,
                widget=forms.RadioSelect,
            )
            self.fields[f"notes_{criterion.pk}"] = forms.CharField(
                label=_("Notes"),
                required=False,
                max_length=LONGEST_NOTES,
                widget=forms.Textarea(attrs={"rows": 3}),
            )

    def clean(self):
        known = {f"{prefix}_{c.pk}" for c in self.criteria for prefix in ("score", "notes")}
        foreign = [
            key for key in self.data if key.startswith(("score_", "notes_")) and key not in known
        ]
        if foreign:
            raise forms.ValidationError(_("That criterion is not part of this scorecard."))
        # Without it a save could not tell whether another tab saved since: never guessed.
        if self.cleaned_data.get("draft_version") is None and "draft_version" not in self.errors:
            raise forms.ValidationError(
                _("This page does not say which draft it shows: reload it, then go on writing.")
            )
        return super().clean()

    def rows(self):
        """(criterion, score field, notes field) in scorecard order, for the template."""
        return [(c, self[f"score_{c.pk}"], self[f"notes_{c.pk}"]) for c in self.criteria]

    def draft_changes(self):
        """What was posted, as `feedback.save_draft` takes it: only the fields present change."""
        return {
            "ratings": self.ratings(),
            "takeaways": self.posted("takeaways"),
            "vote": self.posted("vote"),
            "version": self.cleaned_data.get("draft_version"),
        }

    def ratings(self):
        """The ratings posted, by criterion id: only the fields present."""
        ratings = {}
        for criterion in self.criteria:
            values = {}
            if f"score_{criterion.pk}" in self.data:
                score = self.cleaned_data[f"score_{criterion.pk}"]
                values["no_evidence"] = score == NO_EVIDENCE
                values["score"] = int(score) if score and score != NO_EVIDENCE else None
            if f"notes_{criterion.pk}" in self.data:
                values["notes"] = self.cleaned_data[f"notes_{criterion.pk}"]
            if values:
                ratings[criterion.pk] = values
        return ratings

    def posted(self, name):
        """A posted value, or None when this save did not include the field."""
        return self.cleaned_data[name] if name in self.data else None

    @staticmethod
    def initial_from(revision):
        if revision is None:
            return {"draft_version": 0}
        initial = {"takeaways": revision.takeaways, "vote": revision.vote}
        if revision.is_draft:
            initial["draft_version"] = revision.version
        for rating in revision.ratings.all():
            score = NO_EVIDENCE if rating.no_evidence else rating.score
            initial[f"score_{rating.criterion_id}"] = "" if score is None else str(score)
            initial[f"notes_{rating.criterion_id}"] = rating.notes
        return initial
