"""What an email to a candidate may say: the built-in texts (Teamfit's words, translated and
written in the candidate's language until the organisation writes its own), and the
`{placeholder}`s each kind of email fills in. Plain data and functions, so a template is
checked when it is saved, not when a candidate would receive it."""

import re
from dataclasses import dataclass

from django.conf import settings
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from ..models import EmailTemplate

Kind = EmailTemplate.Kind

PLACEHOLDER = re.compile(r"\{(\w*)\}")
# Anything in braces: a placeholder, or a near miss ({first name}, {first_name!r},
# {{first_name}}) that would reach the candidate as written. Each match starts where its run of
# braces does, and takes what it can for good: else a body of ten thousand braces or letters
# took seconds (each position scanned the rest of its run again).
BRACED = re.compile(r"(?<!\{)\{++[^{}]*+\}+")
# A brace left without its pair ("{first_name", "first_name}"), with the word it touches.
STRAY = re.compile(r"\{+\w*+|(?<!\w)\w*+\}+")

COMMON = {
    "candidate_name": gettext_lazy("the candidate's full name"),
    "first_name": gettext_lazy("the candidate's first name"),
    "opening_title": gettext_lazy("the opening they applied for"),
    "team_name": gettext_lazy("the team hiring"),
    "organisation_name": gettext_lazy("your organisation"),
    "sender_name": gettext_lazy("who sends the email (the organisation for automatic ones)"),
    "status_link": gettext_lazy(
        "the candidate's own page: where they are, their interviews, withdraw"
    ),
}
OWN = {
    Kind.INVITATION_TO_SCHEDULE: {
        "schedule_link": gettext_lazy("the page where the candidate picks interview times"),
        "schedule_expires": gettext_lazy("when that link expires, in the candidate's time zone"),
    },
    Kind.OFFER: {
        "offer_link": gettext_lazy("the page where the candidate reads and answers the offer"),
        "offer_title": gettext_lazy("the job title offered"),
        "offer_start_date": gettext_lazy("the start date offered"),
        "offer_expires": gettext_lazy("when the offer expires, in the candidate's time zone"),
    },
}
# The candidate's own signed links: whoever holds one acts as the candidate (withdraws, books,
# accepts an offer). An email keeps them as placeholders in Teamfit, where everyone running
# the pipeline reads it, and is given them only as it goes out (messages.message).
LINKS = ("status_link", "schedule_link", "offer_link")
LINK_IN_VALUE = re.compile("|".join(rf"\{{{name}\}}" for name in LINKS))
# Without these the email cannot do its job.
REQUIRED = {
    Kind.INVITATION_TO_SCHEDULE: {"schedule_link"},
    Kind.OFFER: {"offer_link"},
}


def allowed(kind):
    """The placeholders an email of `kind` fills in, with what each stands for."""
    return {**COMMON, **OWN.get(kind, {})}


@dataclass(frozen=True)
class Text:
    subject: str
    body: str
    # What it is written in (settings.LANGUAGES); None: Teamfit's built-in text, translated
    # into the candidate's language, or a person's own text, in the default language.
    language: str | None = None

    @property
    def written_in(self):
        """The language its dates are filled in, when it goes as written."""
        return self.language or settings.LANGUAGE_CODE


DEFAULTS = {
    Kind.APPLICATION_RECEIVED: Text(
        gettext_lazy("We received your application for {opening_title}"),
        gettext_lazy(
            "Hello {first_name},\n\n"
            "Thank you for applying for {opening_title} at {organisation_name}. The {team_name} "
            "team reads every application itself, and we will write to you as soon as they have "
            "looked at yours.\n\n"
            "You can see where your application stands, or withdraw it, on your page:\n"
            "{status_link}\n\n"
            "{sender_name}"
        ),
    ),
    # To someone a colleague referred: they did not apply, and have not agreed to anything yet.
    Kind.REFERRAL_RECEIVED: Text(
        gettext_lazy("You were recommended for {opening_title}"),
        gettext_lazy(
            "Hello {first_name},\n\n"
            "Someone at {organisation_name} recommended you for {opening_title}, and the "
            "{team_name} team would like to consider you for it. The team reads every "
            "application itself, and we will write to you as soon as they have looked at "
            "yours.\n\n"
            "If you are not interested, you can withdraw on your page, where you can also see "
            "where your application stands and ask us to erase what we hold about you:\n"
            "{status_link}\n\n"
            "{sender_name}"
        ),
    ),
    Kind.INVITATION_TO_SCHEDULE: Text(
        gettext_lazy("Pick your interview times for {opening_title}"),
        gettext_lazy(
            "Hello {first_name},\n\n"
            "The {team_name} team would like to meet you for {opening_title}. Please pick the "
            "times that suit you best:\n\n"
            "{schedule_link}\n\n"
            "The page shows the times in your own time zone. If none suits you, you can tell us "
            "when you are free. The link works once and expires on {schedule_expires}.\n\n"
            "{sender_name}"
        ),
    ),
    Kind.REJECTED_AFTER_SCREEN: Text(
        gettext_lazy("Your application for {opening_title}"),
        gettext_lazy(
            "Hello {first_name},\n\n"
            "Thank you for your interest in {opening_title} at {organisation_name}. The "
            "{team_name} team has read your application carefully and decided not to move "
            "forward with it.\n\n"
            "We know this is not the news you hoped for, and we wish you the best in your "
            "search.\n\n"
            "{sender_name}"
        ),
    ),
    Kind.REJECTED_AFTER_INTERVIEWS: Text(
        gettext_lazy("Your interviews for {opening_title}"),
        gettext_lazy(
            "Hello {first_name},\n\n"
            "Thank you for the time you gave the {team_name} team in your interviews for "
            "{opening_title}. After discussing them together, the team decided not to make an "
            "offer.\n\n"
            "It was not an easy decision, and we are grateful for the care you put into the "
            "process. We wish you the very best.\n\n"
            "{sender_name}"
        ),
    ),
    Kind.OFFER: Text(
        gettext_lazy("Your offer for {offer_title} at {organisation_name}"),
        gettext_lazy(
            "Hello {first_name},\n\n"
            "The {team_name} team would love you to join them. Your offer for {offer_title}, "
            "starting on {offer_start_date}, is here:\n\n"
            "{offer_link}\n\n"
            "You can accept or decline it on that page until {offer_expires}. Reply to this email "
            "with any question.\n\n"
            "{sender_name}"
        ),
    ),
    Kind.MESSAGE: Text(
        gettext_lazy("About your application for {opening_title}"),
        gettext_lazy("Hello {first_name},\n\n\n\n{sender_name}"),
    ),
}


def problems(kind, subject, body):
    """What is wrong with a template's text, by field: unknown placeholders, braces without
    their pair, a link in the subject (it is filled in the body alone), and the required ones
    it leaves out."""
    found = {}
    known = allowed(kind)
    subject, body = str(subject), str(body)  # a built-in text is translated when read
    for field, text in (("subject", subject), ("body", body)):
        if problem := _problem(text, known):
            found[field] = problem
    if "subject" not in found and (links := _names(subject) & set(LINKS)):
        found["subject"] = _("A link cannot go in the subject: put %(names)s in the body.") % {
            "names": _listed(links)
        }
    missing = sorted(REQUIRED.get(kind, set()) - _names(body))
    if missing:
        found.setdefault(
            "body",
            _("This email needs %(names)s: without it the candidate cannot act.")
            % {"names": _listed(missing)},
        )
    return found


def _problem(text, known):
    unknown = {braced for braced in BRACED.findall(text) if braced[1:-1] not in known}
    if unknown:
        return _("Unknown placeholder: %(names)s. Use one of those listed.") % {
            "names": ", ".join(sorted(unknown, key=lambda braced: braced.strip("{}")))
        }
    stray = STRAY.findall(BRACED.sub(" ", text))
    if stray:
        return _(
            "A brace without its pair: %(words)s. Write a placeholder with one brace on each "
            "side, such as {first_name}."
        ) % {"words": ", ".join(dict.fromkeys(stray))}
    return None


def _names(text):
    return set(PLACEHOLDER.findall(text))


def _listed(names):
    return ", ".join(f"{{{name}}}" for name in sorted(names))


def fits(template):
    """Whether a saved template passes today's check: one saved before a rule was added (a
    near miss such as {first name}) is passed over for the text it replaced."""
    return not problems(template.kind, template.subject, template.body)


def inert(value):
    """`value` (a title, a name: what people type) with each candidate's-link placeholder it
    holds made plain text: only the email's own text gets the links, as it goes out. A word
    joiner after the brace: the candidate reads the value as it was typed."""
    return LINK_IN_VALUE.sub(lambda match: "{\u2060" + match[0][1:], value)


def fill(text, values):
    """`text` with each placeholder replaced by its value; one without a value is left as it is
    (a template checked on saving has none)."""
    return PLACEHOLDER.sub(lambda match: str(values.get(match[1], match[0])), text)
