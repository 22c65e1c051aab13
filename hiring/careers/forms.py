from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import FileExtensionValidator
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext, gettext_lazy

from ..accounts import zones
from ..models import validate_single_line
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

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
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
