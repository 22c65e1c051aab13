"""Emails to the candidate on the application page (templates/hiring/outreach/
_application_emails.html) and on its timeline (templates/hiring/_timeline.html)."""

from django import template

from ..access import runs_pipeline

register = template.Library()


@register.simple_tag(takes_context=True)
def manages_candidate_emails(context, application):
    """Whether the viewer writes, undoes and confirms emails to this candidate: those who run
    the application's pipeline. The application page knows it already for an open
    application (its `runs_pipeline`); a closed one's rejection may still await confirmation."""
    known = context.get("runs_pipeline")
    if known is not None and (known or not application.is_closed):
        return known
    return runs_pipeline(context["user"], application.opening.team)


@register.simple_tag
def with_candidate_emails(events, emails=None):
    """The timeline: audit events and emails to the candidate, newest first, as
    ("event" or "email", item)."""
    entries = [(event.at, "event", event) for event in events]
    entries += [(email.created_at, "email", email) for email in emails or []]
    entries.sort(key=lambda entry: entry[0], reverse=True)
    return [(kind, item) for _, kind, item in entries]
