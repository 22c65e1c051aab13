"""What the offers section of the application page offers its viewer
(templates/hiring/offers/_application_offers.html)."""

from django import template

from ..access import runs_pipeline
from ..offers.offers import can_prepare

register = template.Library()


@register.simple_tag(takes_context=True)
def offer_actions(context, application, offers):
    """{"manage": edit, send and withdraw offers; "prepare": a new offer may be prepared}."""
    manages = runs_pipeline(context["user"], application.opening.team)
    return {"manage": manages, "prepare": manages and can_prepare(application, offers)}
