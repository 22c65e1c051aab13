"""What people type into a value (an opening's title, a team's name, an offer's title) goes
into the email as text: a placeholder in it is never filled, least of all with the candidate's
own links."""

from datetime import timedelta

from django.utils import timezone

from hiring.models import CandidateEmail, EmailTemplate
from hiring.outreach import messages

Kind = EmailTemplate.Kind


def test_a_link_placeholder_typed_in_a_title_is_not_filled_with_the_link(
    application, member, mailoutbox
):
    application.opening.title = "SRE {status_link}"
    application.opening.save()
    application.opening.team.name = "Ops {offer_link}"
    application.opening.team.save()
    email = messages.queue_email(
        application,
        Kind.MESSAGE,
        by=member,
        subject="About {opening_title}",
        body="Hello {first_name}: {opening_title} with {team_name}. Your page: {status_link}",
    )
    CandidateEmail.objects.filter(pk=email.pk).update(send_after=timezone.now() - timedelta(1))

    assert messages.send(email.pk) is True
    [sent] = mailoutbox
    link = messages.status_link(application)
    # The email's own placeholder and the footer's: the link, twice; the title's: as typed.
    assert sent.body.count(link) == 2
    assert f"Your page: {link}" in sent.body
    assert "SRE {\u2060status_link} with Ops {\u2060offer_link}." in sent.body
    assert sent.subject == "About SRE {\u2060status_link}"
