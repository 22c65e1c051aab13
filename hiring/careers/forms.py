from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import FileExtensionValidator
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext, gettext_lazy

from ..accounts import zones
from ..models import (
    LONGEST_LONG_ANSWER,
    LONGEST_QUESTION_CHOICE,
    LONGEST_SHORT_ANSWER,
    MOST_QUESTION_CHOICES,
    OpeningQuestion,
    validate_single_line,
)
from ..pipeline.forms import (
    LONGEST_LINKS,
    AsksForTheResumeAgain,
    checked_links,
    checked_resume,
)
from ..widgets import EmailAddressField

# The careers page takes documents only: no plain text, no old Word files with their macros.
RESUME_KINDS = ("pdf", "docx", "odt")
NOT_A_DOCUMENT = gettext_lazy(
    "This file is not a PDF, DOCX or ODT document: save the résumé as one of them."
)
# A list longer than this is a menu: radio buttons past it make a long page of one question.
RADIOS_AT_MOST = 6
MINIMUM_CHOICES = 2


class CandidateDetailsForm(AsksForTheResumeAgain, forms.Form):
    """Who applies, or who is referred: what the candidate's record holds, bounded."""

    name = forms.CharField(
        label=gettext_lazy("Full name"),
        max_length=120,
        validators=[validate_single_line],
        widget=forms.TextInput(attrs={"autocomplete": "name"}),
    )
    email = EmailAddressField(
        label=gettext_lazy("Email address"),
        max_length=254,
        help_text=gettext_lazy("We write to you here about your application."),
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
    )
    phone = forms.CharField(
        label=gettext_lazy("Phone (optional)"),
        max_length=40,
        required=False,
        validators=[validate_single_line],
        widget=forms.TextInput(attrs={"autocomplete": "tel", "inputmode": "tel"}),
    )
    links = forms.CharField(
        label=gettext_lazy("Links (optional)"),
        max_length=LONGEST_LINKS,
        required=False,
        help_text=gettext_lazy(
            "One a line, each starting with https://: portfolio, GitHub, LinkedIn."
        ),
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    resume = forms.FileField(
        label=gettext_lazy("Résumé"),
        validators=[FileExtensionValidator(RESUME_KINDS)],
        widget=forms.FileInput(attrs={"accept": ".pdf,.docx,.odt"}),
    )
    note = forms.CharField(
        label=gettext_lazy("Anything you would like to tell the team (optional)"),
        max_length=3000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        megabytes = settings.RESUME_MAX_BYTES // (1024 * 1024)
        self.fields["resume"].help_text = gettext(
            "A PDF, DOCX or ODT document, at most %(megabytes)s MB."
        ) % {"megabytes": megabytes}

    def clean_resume(self):
        return checked_resume(self.cleaned_data["resume"], RESUME_KINDS, NOT_A_DOCUMENT)

    def clean_links(self):
        return checked_links(self.cleaned_data["links"])

    def candidate_fields(self):
        """What `careers.apply` takes, the form's own checks aside."""
        fields = dict(self.cleaned_data)
        for name in ("consent", "website"):
            fields.pop(name, None)
        return fields


class ApplicationForm(CandidateDetailsForm):
    """The careers form: the candidate's details, then the opening's own `questions` in order
    (one field each, named by question_fields()), then the consent."""

    consent = forms.BooleanField(
        error_messages={
            "required": gettext_lazy(
                "Agree to the privacy notice to apply: we cannot consider an "
                "application without it."
            )
        },
    )
    # Filled by the browser (careers.js); without JavaScript, or with a zone we do not know,
    # the candidate's times show in UTC until they choose their zone.
    time_zone = forms.CharField(required=False, widget=forms.HiddenInput)
    # A trap for robots: hidden from people, so anything in it was not typed by one.
    website = forms.CharField(
        label=gettext_lazy("Leave this field empty"),
        required=False,
        widget=forms.TextInput(attrs={"autocomplete": "off", "tabindex": "-1"}),
    )

    def __init__(self, *args, questions=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.questions = list(questions)
        asked = {f"question_{question.pk}": answer_field(question) for question in self.questions}
        names = list(self.fields)
        before = names[: names.index("consent")]
        self.fields.update(asked)
        self.order_fields([*before, *asked])
        self.fields["consent"].label = format_html(
            gettext(
                'I have read the <a href="{url}">privacy notice</a> and agree that what I send '
                "here is kept to consider my application."
            ),
            url=reverse("careers_privacy"),
        )

    def clean_time_zone(self):
        # Some browsers still report an alias (Asia/Calcutta): stored as the menu names it.
        return zones.listed_as(self.cleaned_data["time_zone"]) or ""

    def clean_website(self):
        if self.cleaned_data["website"]:
            raise ValidationError(gettext("Leave this field empty."))
        return ""

    def candidate_fields(self):
        fields = super().candidate_fields()
        for question in self.questions:
            fields.pop(f"question_{question.pk}")
        return fields

    def answers(self):
        """[(question, answer)] in the form's order: what careers.apply keeps."""
        return [
            (question, self.cleaned_data[f"question_{question.pk}"]) for question in self.questions
        ]


def answer_field(question):
    """The careers form's field for `question`: its widget by its kind, its answer bounded and,
    for a yes/no or a list, one of the values offered."""
    label = question.text
    if not question.required:
        label = gettext("%(question)s (optional)") % {"question": question.text}
    common = {"label": label, "help_text": question.help_text, "required": question.required}
    Kind = OpeningQuestion.Kind
    if question.kind == Kind.YES_NO:
        return forms.ChoiceField(
            choices=list(OpeningQuestion.YES_NO.items()), widget=forms.RadioSelect, **common
        )
    if question.kind == Kind.CHOICE:
        choices = [(choice, choice) for choice in question.choices]
        if len(choices) <= RADIOS_AT_MOST:
            return forms.ChoiceField(choices=choices, widget=forms.RadioSelect, **common)
        return forms.ChoiceField(choices=[("", "—"), *choices], **common)
    if question.kind == Kind.LONG_TEXT:
        widget = forms.Textarea(attrs={"rows": 4})
        return forms.CharField(max_length=LONGEST_LONG_ANSWER, widget=widget, **common)
    return forms.CharField(
        max_length=LONGEST_SHORT_ANSWER, validators=[validate_single_line], **common
    )


class QuestionForm(forms.ModelForm):
    """A question of an opening's own, as its team writes it."""

    choices = forms.CharField(
        label=gettext_lazy("Choices"),
        required=False,
        max_length=MOST_QUESTION_CHOICES * (LONGEST_QUESTION_CHOICE + 2),
        help_text=gettext_lazy(
            "For “One of a list”: one choice a line, from 2 to 20, each at most 100 characters."
        ),
        widget=forms.Textarea(attrs={"rows": 4}),
    )

    class Meta:
        model = OpeningQuestion
        fields = ["text", "help_text", "kind", "choices", "required"]
        widgets = {"help_text": forms.TextInput}
        labels = {
            "text": gettext_lazy("Question"),
            "help_text": gettext_lazy("Help text (optional)"),
            "kind": gettext_lazy("Answer"),
            "required": gettext_lazy("Candidates must answer it"),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk and not self.is_bound:
            self.initial["choices"] = "\n".join(self.instance.choices)

    def clean_choices(self):
        """The choices as a list, for a list question only."""
        lines = [line.strip() for line in self.cleaned_data["choices"].splitlines()]
        choices = [line for line in lines if line]
        if self.cleaned_data.get("kind") != OpeningQuestion.Kind.CHOICE:
            return []
        if not MINIMUM_CHOICES <= len(choices) <= MOST_QUESTION_CHOICES:
            raise ValidationError(
                gettext("Give from %(least)s to %(most)s choices, one a line.")
                % {"least": MINIMUM_CHOICES, "most": MOST_QUESTION_CHOICES}
            )
        for choice in choices:
            validate_single_line(choice)
            if len(choice) > LONGEST_QUESTION_CHOICE:
                raise ValidationError(
                    gettext("“%(choice)s” is longer than %(most)s characters.")
                    % {"choice": choice[:20] + "…", "most": LONGEST_QUESTION_CHOICE}
                )
        if len(set(choices)) < len(choices):
            raise ValidationError(gettext("Give each choice once."))
        return choices

    def clean_help_text(self):
        validate_single_line(self.cleaned_data["help_text"])
        return self.cleaned_data["help_text"]


class ReferralForm(CandidateDetailsForm):
    phone = None
    resume = forms.FileField(
        label=gettext_lazy("Their résumé (optional)"),
        required=False,
        validators=[FileExtensionValidator(RESUME_KINDS)],
        widget=forms.FileInput(attrs={"accept": ".pdf,.docx,.odt"}),
    )
    note = forms.CharField(
        label=gettext_lazy("Why you recommend them"),
        max_length=3000,
        widget=forms.Textarea(attrs={"rows": 4}),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["name"].label = gettext("Their full name")
        self.fields["email"].label = gettext("Their email address")
        self.fields["email"].help_text = gettext(
            "We write to them that their application was received, with a link to their own "
            "page where they follow it or withdraw it."
        )
        self.fields["links"].help_text = gettext("One a line, each starting with https://.")


class StatusLinksForm(forms.Form):
    """The privacy page's "Send me my links": the address their applications are at."""

    email = EmailAddressField(
        label=gettext_lazy("Email address"),
        max_length=254,
        help_text=gettext_lazy("The address you applied with, or that we wrote to you at."),
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
    )
