from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils.translation import gettext, gettext_lazy

from ..models import Application, EmailTemplate, validate_single_line
from . import editing, messages, placeholders

Kind = EmailTemplate.Kind

# Generous for a letter, small enough that a pasted novel is refused beside the field.
BODY_MAX = 10_000
PREVIEW_CHOICES = 20


class TemplateForm(forms.Form):
    name = forms.CharField(
        label=gettext_lazy("Name"), max_length=80, validators=[validate_single_line]
    )
    subject = forms.CharField(
        label=gettext_lazy("Subject"), max_length=200, validators=[validate_single_line]
    )
    body = forms.CharField(
        label=gettext_lazy("Body"),
        max_length=BODY_MAX,
        widget=forms.Textarea(attrs={"rows": 14}),
    )
    language = forms.ChoiceField(
        label=gettext_lazy("Language"),
        required=False,
        choices=settings.LANGUAGES,
        help_text=gettext_lazy("It goes to the candidates who write in this language."),
    )
    send_on_stage = forms.ChoiceField(
        label=gettext_lazy("Send on a move to"),
        required=False,
        choices=[("", gettext_lazy("No stage: people send it by hand"))]
        + [(stage.value, stage.label) for stage in editing.AUTOMATIC_STAGES],
        help_text=gettext_lazy(
            "Sent, after the undo delay, when an application of this team moves there."
        ),
    )
    preview_with = forms.TypedChoiceField(
        label=gettext_lazy("Preview with"), required=False, coerce=int, empty_value=None
    )

    def __init__(self, *args, kind, team, editor, template=None, languages=None, **kwargs):
        """`languages`: those to offer (a new kind: those it has no version in yet)."""
        super().__init__(*args, **kwargs)
        self.kind, self.team, self.template = kind, team, template
        if languages is not None:
            self.fields["language"].choices = [
                (code, name) for code, name in settings.LANGUAGES if code in languages
            ]
        if kind != Kind.MESSAGE:
            del self.fields["name"]
        if kind not in editing.AUTOMATIC_KINDS:
            del self.fields["send_on_stage"]
        recent = Application.objects.visible_to(editor).select_related("candidate", "opening")
        if team is not None:
            recent = recent.filter(opening__team=team)
        self.recent = {application.pk: application for application in recent[:PREVIEW_CHOICES]}
        chosen = str(self.data.get("preview_with", ""))
        if chosen.isdigit() and int(chosen) not in self.recent:
            # Chosen on a page opened before newer applications came: still one they see.
            self.recent.update((found.pk, found) for found in recent.filter(pk=int(chosen)))
        self.fields["preview_with"].choices = [("", gettext("A sample candidate"))] + [
            (
                pk,
                gettext("%(candidate)s for %(opening)s")
                % {"candidate": application.candidate, "opening": application.opening.title},
            )
            for pk, application in self.recent.items()
        ]

    def clean(self):
        data = super().clean()
        # A language not offered is refused beside its field; the rest is checked in a valid one.
        if {"subject", "body", "language"} <= data.keys() and "name" not in self.errors:
            try:
                editing.check(
                    self.team,
                    self.kind,
                    subject=data["subject"],
                    body=data["body"],
                    name=data.get("name", ""),
                    send_on_stage=data.get("send_on_stage", ""),
                    language=data["language"],
                    template=self.template,
                )
            except ValidationError as error:
                for field, messages in error.message_dict.items():
                    self.add_error(field if field in self.fields else None, messages)
        return data

    def clean_language(self):
        """A form sent without it (from a page opened before it was asked) keeps the one its
        page started with."""
        return self.cleaned_data["language"] or self.initial.get("language", settings.LANGUAGE_CODE)

    def text(self):
        data = self.cleaned_data
        return placeholders.Text(data["subject"], data["body"], data["language"])

    def preview_application(self):
        return self.recent.get(self.cleaned_data.get("preview_with"))


class ComposeForm(forms.Form):
    """An email a person writes to the candidate, starting from a template's text."""

    # A key of the starting points (editing.starting_points): what kind of email it is.
    start = forms.CharField(widget=forms.HiddenInput)
    subject = forms.CharField(
        label=gettext_lazy("Subject"), max_length=200, validators=[validate_single_line]
    )
    body = forms.CharField(
        label=gettext_lazy("Body"),
        max_length=BODY_MAX,
        widget=forms.Textarea(attrs={"rows": 14}),
    )

    def __init__(self, *args, points, **kwargs):
        super().__init__(*args, **kwargs)
        self.points = points

    def clean_start(self):
        start = self.cleaned_data["start"]
        if start.startswith("template:") and start not in self.points:
            # A saved message a colleague deleted since the page was opened: what is sent is
            # the text typed here, a message all the same.
            return f"kind:{Kind.MESSAGE}"
        if start not in self.points and start.removeprefix("kind:") in messages.REJECTIONS:
            # Offered on a page opened while the screen could still reject the application.
            raise ValidationError(messages.NO_REJECTION_NOW)
        if start not in self.points:
            raise ValidationError(gettext("Start from one of the texts offered."))
        return start

    @property
    def kind(self):
        return self.points[self.cleaned_data["start"]].kind

    def clean(self):
        data = super().clean()
        if {"start", "subject", "body"} <= data.keys():
            found = placeholders.problems(self.kind, data["subject"], data["body"])
            for field, message in found.items():
                self.add_error(field, message)
        return data

    def text(self):
        return placeholders.Text(self.cleaned_data["subject"], self.cleaned_data["body"])
