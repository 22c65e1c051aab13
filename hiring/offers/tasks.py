from celery import shared_task

from ..access import told_of_offer_answer
from ..email.notifications import email_to, send_all
from ..models import Offer
from ..tasks import LONGEST_TIME_LIMIT_S, SENDS_EMAIL
from . import offers


@shared_task(soft_time_limit=LONGEST_TIME_LIMIT_S - 30, time_limit=LONGEST_TIME_LIMIT_S)
def expire_offers():
    """Polled by beat: sent offers past their expiry become expired."""
    return offers.expire_due()


@shared_task(**SENDS_EMAIL)
def send_offer_answered_notices(offer_id):
    """Tell who is told of the offer's answer (access.told_of_offer_answer) that the candidate
    accepted or declined it, once each. Asked here, not as the candidate answered: whoever
    was deactivated or left the team while this waited hears nothing."""
    offer = Offer.objects.select_related(
        "created_by", "application__candidate", "application__opening__team"
    ).get(pk=offer_id)
    return send_all(
        (
            f"offer-answered:{offer.pk}:{person.pk}",
            lambda person=person: email_to(
                "offer_answered", person, {"offer": offer, "person": person}
            ),
        )
        for person in told_of_offer_answer(offer)
    )
