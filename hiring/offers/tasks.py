from celery import shared_task

from ..email.notifications import email_to, send_once
from ..models import Offer, User
from ..tasks import LONGEST_TIME_LIMIT_S, SENDS_EMAIL
from . import offers


@shared_task(soft_time_limit=LONGEST_TIME_LIMIT_S - 30, time_limit=LONGEST_TIME_LIMIT_S)
def expire_offers():
    """Polled by beat: sent offers past their expiry become expired."""
    return offers.expire_due()


@shared_task(**SENDS_EMAIL)
def send_offer_answered(offer_id, person_id):
    """Tell a recruiter, or who prepared the offer, that the candidate accepted or declined
    it, once."""
    offer = Offer.objects.select_related(
        "application__candidate", "application__opening__team"
    ).get(pk=offer_id)
    person = User.objects.get(pk=person_id)
    return send_once(
        f"offer-answered:{offer.pk}:{person.pk}",
        lambda: email_to("offer_answered", person, {"offer": offer, "person": person}),
    )
