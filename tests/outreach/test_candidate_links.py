"""The candidate's own signed links (their status page, the times offered, the offer) act as
the candidate: whoever holds one withdraws, books or accepts. Teamfit shows every email to the
candidate with those links as placeholders; only the email sent holds them."""

import re
from datetime import timedelta

from django.core import signing
from django.utils import timezone

from hiring.models import CandidateEmail, EmailTemplate, Offer, SlotOffer
from hiring.offers import offers
from hiring.outreach import messages
from hiring.scheduling import booking
from tests.factories import nine_to_five, team_fit_panel
from tests.offers.conftest import hired_by_the_team, offer_fields

SIGNED = re.compile(r"/(status|offer|schedule)/[\w:-]+/")
OFFER_LINK = re.compile(r"/offer/([\w:-]+)/")


def test_the_offer_email_sent_holds_the_link_and_no_page_shows_it(
    client,
    application,
    recruiter,
    leadership,
    member,
    teammate,
    mailoutbox,
    django_capture_on_commit_callbacks,
):
    application = hired_by_the_team(application, member, teammate)
    offer = offers.prepare(application, recruiter, **offer_fields())
    with django_capture_on_commit_callbacks(execute=True):
        offers.send(offer, recruiter)

    [sent] = mailoutbox
    # The link is signed at the second it is made: read back, not made again.
    assert signing.loads(OFFER_LINK.search(sent.body)[1], salt=Offer.SALT) == offer.pk
    assert messages.status_link(application) in sent.body
    stored = CandidateEmail.objects.get(application=application, kind=EmailTemplate.Kind.OFFER)
    assert "{offer_link}" in stored.body
    assert not SIGNED.search(stored.body)
    for reader in (recruiter, leadership, member):
        client.force_login(reader)
        page = client.get(application.get_absolute_url()).text
        assert "{offer_link}" in page
        assert not OFFER_LINK.search(page)
        assert application.status_url() not in page


def test_the_times_offered_go_out_with_the_link_to_the_latest_offer(
    application, recruiter, member, teammate, mailoutbox, django_capture_on_commit_callbacks
):
    nine_to_five(member, teammate)
    panel = team_fit_panel(application, [member, teammate], recruiter)
    now = timezone.now()
    [option, *_] = booking.find_options(panel, now, now + timedelta(days=14))

    with django_capture_on_commit_callbacks(execute=True):
        slot_offer = booking.offer_to_candidate(panel, [option], recruiter)
        messages.send_due()

    invitation = CandidateEmail.objects.get(kind=EmailTemplate.Kind.INVITATION_TO_SCHEDULE)
    assert "{schedule_link}" in invitation.body
    sent = [mail for mail in mailoutbox if mail.to == [application.candidate.email]]
    # Read back, not signed again: a link is stamped with the second it was made in.
    tokens = [token for mail in sent for token in re.findall(r"/schedule/([^/\s]+)/", mail.body)]
    assert [signing.loads(token, salt=SlotOffer.SALT) for token in tokens] == [slot_offer.pk]
