"""Times as a person reads them: `{{ moment|zoned }}` or `{{ moment|zoned:"D j M, H:i" }}`
gives "3 Dec 2026, 10:45 Singapore time" in the zone active while rendering (the viewer's on a
page, the recipient's in an email: hiring.accounts.zones). `{% zone_label %}` names that zone
where a table's heading names it once."""

from datetime import UTC

from django import template
from django.utils import timezone
from django.utils.html import format_html

from ..accounts import zones

register = template.Library()


@register.filter(needs_autoescape=True)
def zoned(moment, date_format="j M Y, H:i", autoescape=True):
    if not moment:
        return ""
    text = zones.shown(moment, date_format)
    if not autoescape:  # a plain-text email
        return text
    # On a page, the moment itself goes along for machines: the same instant in UTC.
    instant = moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
    return format_html('<time datetime="{}">{}</time>', instant, text)


@register.simple_tag
def zone_label():
    return zones.label(timezone.get_current_timezone_name())
