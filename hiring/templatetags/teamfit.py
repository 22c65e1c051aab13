from django import template
from django.utils.translation import get_language

from ..accounts import browsers

register = template.Library()


@register.filter
def get_item(mapping, key):
    return mapping.get(key)


@register.filter
def in_sentence(label):
    """A label (a choice's display, "Team fit") as a word inside a sentence: lower-cased, but
    as written in German, whose nouns keep their capital ("Teampassung")."""
    label = str(label)
    return label if (get_language() or "").startswith("de") else label.lower()


@register.filter
def browser(user_agent):
    """A User-Agent string as a person recognises the browser ("Firefox on Windows"), else the
    string itself."""
    return browsers.describe(user_agent) or user_agent
