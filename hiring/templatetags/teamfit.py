from django import template
from django.utils.translation import get_language

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
