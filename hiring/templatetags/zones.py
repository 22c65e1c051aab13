"""Times as a person reads them: `{{ moment|zoned }}` or `{{ moment|zoned:"D j M, H:i" }}`
gives "3 Dec 2026, 10:45 Singapore time" in the zone active while rendering (the viewer's on a
page, the recipient's in an email: hiring.accounts.zones). `{% zone_label %}` names that zone
where a line or a table's heading names it once (`{% zone_label name %}` names another); there
`{{ moment|written:"l j F" }}` writes a moment (or a date) as the language writes the format,
and `{{ end|clock:start }}` the end of a span: "11:00", or "Thu 10 Dec, 01:45" when it falls on
another day than its start."""

import re
from datetime import UTC, datetime

from django import template
from django.utils import timezone
from django.utils.html import conditional_escape, format_html
from django.utils.safestring import mark_safe

from ..accounts import zones

register = template.Library()


@register.filter(needs_autoescape=True)
def zoned(moment, date_format="j M Y, H:i", autoescape=True):
    if not moment:
        return ""
    text = zones.shown(moment, date_format)
    if not autoescape:  # a plain-text email
        return text
    # On a page, the moment itself goes along for machines: the same instant in UTC (its year
    # in four digits, which strftime() does not write below 1000).
    instant = moment.astimezone(UTC).replace(tzinfo=None).isoformat(timespec="seconds") + "Z"
    return format_html('<time datetime="{}">{}</time>', instant, text)


@register.filter
def written(value, date_format="j M Y, H:i"):
    if not value:
        return ""
    return zones.written(value, date_format)


@register.filter
def clock(moment, since):
    if not moment:
        return ""
    return zones.clock(moment, since)


@register.simple_tag
def zone_label(name=None):
    """The zone `name` in words, the current one's by default."""
    return zones.label(name or timezone.get_current_timezone_name())


# How stored text (an audit event's details) names a moment: zones.instant_text(). The details
# also hold what people typed (a display name, a template's name, an excuse, a file's name),
# which may have that shape without being a moment the reader's zone can show.
INSTANT = re.compile(r"\b([0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2})Z\b")


@register.filter(needs_autoescape=True)
def zoned_text(text, autoescape=True):
    """Stored text with the moments it names shown as `zoned` shows them."""
    pieces = INSTANT.split(str(text))
    escape = conditional_escape if autoescape else str
    shown = [
        _named_moment(piece, autoescape) if index % 2 else escape(piece)
        for index, piece in enumerate(pieces)
    ]
    return mark_safe("".join(shown)) if autoescape else "".join(shown)


def _named_moment(text, autoescape):
    """`text` (2025-03-04T09:00, a match of INSTANT) as `zoned` shows it; as written when it is
    no date ("2025-02-30") or falls outside the calendar in the reader's zone (9999-12-31T23:59
    is next year in Tokyo)."""
    try:
        return zoned(datetime.fromisoformat(text).replace(tzinfo=UTC), "D j M, H:i", autoescape)
    except (ValueError, OverflowError):
        typed = f"{text}Z"
        return conditional_escape(typed) if autoescape else typed
