"""The whole loop through the product's own pages, as issue 13's "done when" walks it: a person
applies on the careers page, the recruiter sees them in Applied, the team runs its panel and
decides hire, the recruiter sends an offer, the candidate accepts through the link in the email
and the card moves to Hired; the funnel counts the hire."""

import csv
import io
import re
from datetime import timedelta

from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from hiring.models import Application
from tests.factories import SKILLS, TEAM_FIT, OpeningFactory, fresh, submitted

PDF = b"%PDF-1.4\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n"


def column(client, stage):
    return client.get(reverse("pipeline_column", args=[stage])).content.decode()


def test_from_the_careers_page_to_hired(
    client, member, teammate, team, recruiter, mailoutbox, django_capture_on_commit_callbacks
):
    opening = OpeningFactory(team=team, title="Platform Engineer", description="Run our platform.")
    candidate = client  # anonymous: the candidate has no account

    with django_capture_on_commit_callbacks(execute=True):
        applied = candidate.post(
            reverse("careers_opening", args=[opening.pk]),
            {
                "name": "Noor Haddad",
                "email": "noor@candidates.example",
                "links": "https://noor.example",
                "consent": "on",
                "time_zone": "Asia/Dubai",
                "resume": SimpleUploadedFile("noor.pdf", PDF, "application/pdf"),
            },
        )
    assert applied.status_code == 302
    [received] = mailoutbox
    assert received.to == ["noor@candidates.example"]
    status_page = re.search(r"https?://\S+(/status/\S+/)", received.body)[1]
    application = Application.objects.get(candidate__email="noor@candidates.example")
    assert (application.stage, application.source) == ("applied", "careers")

    # The recruiter sees them in Applied and moves them on to the panel.
    rita = type(client)()
    rita.force_login(recruiter)
    assert "Noor Haddad" in column(rita, "applied")
    for stage in ("screen", "panel"):
        url = reverse("application_stage", args=[application.pk])
        assert rita.post(url, {"stage": stage}).status_code == 302

    # The team scores independently and decides hire.
    submitted(application, member, SKILLS, "yes")
    submitted(application, teammate, TEAM_FIT, "strong_yes")
    ana = type(client)()
    ana.force_login(member)
    decided = ana.post(reverse("record_decision", args=[application.pk]), {"outcome": "hire"})
    assert decided.status_code == 302
    assert fresh(application).stage == "offer"

    # The recruiter prepares and sends the offer.
    expires = timezone.localdate() + timedelta(days=7)
    prepared = rita.post(
        reverse("offer_prepare", args=[application.pk]),
        {
            "title": "Platform Engineer",
            "start_date": (timezone.localdate() + timedelta(days=40)).isoformat(),
            "terms": "€80,000 a year.",
            "expires_date": expires.isoformat(),
            "expires_time": "17:00",
        },
    )
    assert prepared.status_code == 302
    offer = application.offers.get()
    with django_capture_on_commit_callbacks(execute=True):
        url = reverse("offer_send", args=[application.pk, offer.pk])
        read = re.search(r'name="previewed" value="(\w+)"', rita.get(url).text)[1]
        sent = rita.post(url, {"previewed": read})
    assert sent.status_code == 302
    offer_email = mailoutbox[-1]
    assert offer_email.to == ["noor@candidates.example"]
    assert "Dubai time" in offer_email.body  # the expiry in the candidate's own zone
    offer_link = re.search(r"https?://\S+(/offer/\S+/)", offer_email.body)[1]

    # The candidate reads the offer through the link and accepts it.
    assert "Hired" not in candidate.get(status_page).content.decode()
    assert "€80,000 a year." in candidate.get(offer_link).content.decode()
    accepted = candidate.post(offer_link + "accept/")
    assert accepted.status_code == 200
    assert fresh(application).stage == "hired"
    assert "Noor Haddad" in column(rita, "hired")
    assert "Hired" in candidate.get(status_page).content.decode()

    # The team's funnel counts the hire.
    report = ana.get(reverse("report_csv", args=["funnel"]), {"team": team.pk})
    text = report.content.decode("utf-8-sig")  # the CSV starts with a byte order mark
    rows = {row["Stage"]: row["Reached"] for row in csv.DictReader(io.StringIO(text))}
    assert rows["Hired"] == "1"
