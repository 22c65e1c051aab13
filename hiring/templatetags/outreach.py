"""Emails to the candidate on the application's timeline (templates/hiring/_timeline.html)."""

from django import template

register = template.Library()


@register.simple_tag
def with_candidate_emails(events, emails=None):
    """The timeline: audit events and emails to the candidate, newest first, as
    ("event" or "email", item)."""
    entries = [(event.at, "event", event) for event in events]
    entries += [(email.created_at, "email", email) for email in emails or []]
    entries.sort(key=lambda entry: entry[0], reverse=True)
    return [(kind, item) for _, kind, item in entries]
