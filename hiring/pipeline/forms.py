import codecs
import zipfile
from pathlib import PurePath

from django import forms
from django.core.exceptions import ValidationError
from django.core.validators import URLValidator
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from scorecards.forms import LONGEST_NOTES
from scorecards.models import Scorecard

from ..models import (
    LONGEST_REASON_NOTE,
    Application,
    Candidate,
    Opening,
    validate_single_line,
    whole_number,
)
from ..widgets import MAX_ID, EmailAddressField
from .applications import REASON_WANTED, REASONS_BY_HAND

# A candidate's links, one a line: room for a dozen long ones, not for a page of them.
LONGEST_LINKS = 2000


class OpeningForm(forms.ModelForm):
    description = forms.CharField(
        label=gettext_lazy("Description"),
        required=False,
        max_length=LONGEST_NOTES,
        widget=forms.Textarea(attrs={"rows": 4}),
    )

    class Meta:
        model = Opening
        fields = ["title", "description", "status"]

    def clean_title(self):
        # The title goes into emails' subjects and sentences, calendar invites and menus.
        validate_single_line(self.cleaned_data["title"])
        return self.cleaned_data["title"]


class NewOpeningForm(OpeningForm):
    template = forms.ModelChoiceField(
        queryset=Scorecard.objects.none(),
        label=gettext_lazy("Scorecard"),
        help_text=gettext_lazy("The opening gets its own copy, which you can then adapt."),
    )

    class Meta(OpeningForm.Meta):
        fields = ["title", "description"]

    def __init__(self, *args, team, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["template"].queryset = Scorecard.objects.filter(team=team, opening=None)


# Links open from the candidate's page: only the web, never javascript: or data:.
web_link = URLValidator(schemes=["http", "https"])
# What a résumé may be, told by its content, and the names each is stored under.
RESUME_KINDS = {"pdf": ["pdf"], "docx": ["docx"], "odt": ["odt"], "text": ["txt", "rtf"]}
ODT_MIMETYPE = b"application/vnd.oasis.opendocument.text"
CHUNK_BYTES = 64 * 1024


def resume_content(file):
    """What the file's bytes say it is: "pdf", "docx", "odt", "text", or None. Reads the first
    bytes, a zip's directory and one small member, or the text in chunks: never more than the
    file, whose size the model's validator bounds."""
    file.seek(0)
    head = file.read(5)
    if head == b"%PDF-":
        kind = "pdf"
    elif head.startswith(b"PK\x03\x04"):
        kind = _zipped_document(file)
    else:
        kind = "text" if _utf8_text(file) else None
    file.seek(0)
    return kind


def _zipped_document(file):
    try:
        with zipfile.ZipFile(file) as archive:
            names = set(archive.namelist())
            if "[Content_Types].xml" in names and any(n.startswith("word/") for n in names):
                return "docx"
            # OpenDocument stores its mimetype first and uncompressed: nothing to inflate.
            if (
                "mimetype" in names
                and archive.getinfo("mimetype").compress_type == zipfile.ZIP_STORED
            ):
                with archive.open("mimetype") as member:
                    return "odt" if member.read(len(ODT_MIMETYPE) + 1) == ODT_MIMETYPE else None
    # What zipfile raises on a damaged or encrypted archive (found by fuzzing).
    except (zipfile.BadZipFile, ValueError, OSError, EOFError, RuntimeError):
        return None
    return None


def _utf8_text(file):
    file.seek(0)
    decoder = codecs.getincrementaldecoder("utf-8")()
    try:
        while chunk := file.read(CHUNK_BYTES):
            if b"\0" in chunk:
                return False
            decoder.decode(chunk)
        decoder.decode(b"", final=True)
    except UnicodeDecodeError:
        return False
    return True


NOT_A_RESUME = gettext_lazy(
    "This file is not a PDF, a DOCX or ODT document, nor plain UTF-8 text: "
    "save the résumé as one of them."
)


def checked_resume(resume, kinds=tuple(RESUME_KINDS), refused=NOT_A_RESUME):
    """A résumé is what its content says (one of `kinds`, else ValidationError(`refused`)),
    stored under a name that says the same, so that it downloads as what it is."""
    if not resume:
        return resume
    # The model's checks of the name and size first: the content is read within them.
    Candidate._meta.get_field("resume").run_validators(resume)
    kind = resume_content(resume)
    if kind not in kinds:
        raise ValidationError(refused)
    name = PurePath(resume.name)
    # A name of emoji or punctuation alone would be stored as ".pdf", a hidden file with no
    # type once downloaded: it is stored as "resume.pdf".
    stem = name.stem if any(ch.isalnum() for ch in name.stem) else "resume"
    if stem != name.stem or name.suffix.lower().lstrip(".") not in RESUME_KINDS[kind]:
        suffix = name.suffix if name.suffix.lower().lstrip(".") in RESUME_KINDS[kind] else ""
        resume.name = f"{stem}{suffix or '.' + RESUME_KINDS[kind][0]}"
    return resume


def checked_links(text):
    """One http(s) URL a line; blank lines and the spaces around a link go."""
    links = []
    for number, line in enumerate(text.splitlines(), 1):
        if link := line.strip():
            try:
                web_link(link)
            except ValidationError:
                raise ValidationError(
                    _("Line %(number)s is not a web link: each starts with https:// or http://.")
                    % {"number": number}
                ) from None
            links.append(link)
    return "\n".join(links)


class AsksForTheResumeAgain:
    """A form with a `resume` file field that, refused for another field, says beside the
    résumé to choose it again."""

    def clean(self):
        cleaned = super().clean()
        # A browser never fills a file input in again: the résumé sent with a form refused
        # for another field is not on the page that says why, nor in what it sends next.
        if self.errors and cleaned.get("resume"):
            self.add_error(
                "resume",
                _("Choose the résumé again: a file is not kept while the form has errors."),
            )
        return cleaned


class CandidateForm(AsksForTheResumeAgain, forms.ModelForm):
    links = forms.CharField(
        label=gettext_lazy("Links"),
        help_text=Candidate._meta.get_field("links").help_text,
        required=False,
        max_length=LONGEST_LINKS,
        widget=forms.Textarea(attrs={"rows": 2}),
    )

    class Meta:
        model = Candidate
        fields = ["name", "email", "phone", "links", "resume"]
        field_classes = {"email": EmailAddressField}

    def clean_name(self):
        validate_single_line(self.cleaned_data["name"])
        return self.cleaned_data["name"]

    def clean_phone(self):
        validate_single_line(self.cleaned_data["phone"])
        return self.cleaned_data["phone"]

    def clean_resume(self):
        return checked_resume(self.cleaned_data["resume"])

    def clean_links(self):
        return checked_links(self.cleaned_data["links"])


class ClosingReasonForm(forms.Form):
    """Why a move closes an application: a reason (reason_choices()) and a note, which the move
    checks (closing_reason()), its refusal beside the field it names."""

    reason = forms.ChoiceField(label=gettext_lazy("Reason"), required=False)
    reason_note = forms.CharField(
        label=gettext_lazy("Note"),
        help_text=gettext_lazy("Needed for “Other”. The candidate does not see it."),
        required=False,
        max_length=LONGEST_REASON_NOTE,
    )

    def ask_reasons_for(self, stages):
        """The reasons of a move to any of `stages`; one of another list (a page without
        scripts keeps the list of the stage first chosen) is refused as the move would be."""
        self.fields["reason"].choices = reason_choices(stages)
        closing = [stage for stage in stages if stage in REASON_WANTED]
        if len(closing) == 1:
            self.fields["reason"].error_messages["invalid_choice"] = REASON_WANTED[closing[0]]


class StageForm(ClosingReasonForm):
    """A move by hand: the stages `application` may go to now, or, for a move posted from the
    board, every stage a move by hand may reach (move_stage refuses what its stage does not
    allow). A move to Rejected or Withdrawn says why, of the reasons of its stage: move_stage
    refuses it without one, the message beside the field."""

    stage = forms.ChoiceField()
    # The stage the page showed it in (written by the template from the application as it
    # is): a move from a page opened before a colleague's is refused, not made from elsewhere.
    from_stage = forms.ChoiceField(choices=Application.Stage.choices, required=False)

    def __init__(self, *args, application=None, stages=None, **kwargs):
        super().__init__(*args, **kwargs)
        every = [*Application.MANUAL_STAGES, Application.Stage.REJECTED]
        if stages is None and application is not None:
            stages = application.stages_by_hand()
            # The stage posted from a page that showed the application before it moved (a
            # double click, a colleague's move) is move_stage's to judge, saying why.
            posted = self.data.get("stage")
            if posted in every and posted not in stages:
                stages = [*stages, posted]
        elif stages is None:
            stages = every
        stages = [Application.Stage(stage) for stage in stages]
        self.fields["stage"].choices = [(stage.value, stage.label) for stage in stages]
        self.ask_reasons_for(stages)

    def add_move_error(self, error):
        """move_stage's refusal, beside the field it names, else beside the stage."""
        self.add_error(None if hasattr(error, "error_dict") else "stage", error)

    @property
    def closes(self):
        """Whether its stages include one that closes the application: it asks why."""
        return len(self.fields["reason"].choices) > 1


def reason_choices(stages):
    """The reasons to choose from for a move to any of `stages`: those of the one that closes
    the application, or each one's under its name when both are there."""
    groups = [
        (Application.Stage(stage).label, [(r.value, r.label) for r in REASONS_BY_HAND[stage]])
        for stage in stages
        if stage in REASONS_BY_HAND
    ]
    blank = [("", _("Choose a reason"))]
    return blank + groups[0][1] if len(groups) == 1 else blank + groups


class ApplicationIdsField(forms.Field):
    """The ids of the applications ticked in a list; whether the reader runs each is
    hiring.access's to say (get_applications_for_pipeline)."""

    widget = forms.CheckboxSelectMultiple
    default_error_messages = {
        "required": gettext_lazy("Choose the applications to reject."),
        "invalid": gettext_lazy("Choose applications from the list."),
    }

    def to_python(self, value):
        ids = [whole_number(str(pk)) for pk in value or ()]
        if any(pk is None or pk > MAX_ID for pk in ids):
            raise ValidationError(self.error_messages["invalid"], code="invalid")
        return ids


class RejectManyForm(ClosingReasonForm):
    """Reject the applications ticked, all with one reason (reject_many())."""

    applications = ApplicationIdsField()
    send_emails = forms.BooleanField(
        label=gettext_lazy("Send each candidate the rejection email"),
        help_text=gettext_lazy(
            "In their language, after the usual delay to undo it. Unticked, each waits for a "
            "confirmation on its application's page."
        ),
        required=False,
        initial=True,
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.ask_reasons_for([Application.Stage.REJECTED])

    def chosen(self):
        """The ids ticked, as posted, for the list to show them ticked again."""
        return set(self.cleaned_data.get("applications") or ())
