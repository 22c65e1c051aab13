"""The recruiter's offer pages and the candidate's answer page, through the client."""

import re
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.core import signing
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from hiring.models import Application, AuditEvent, Offer
from hiring.offers import offers
from hiring.portal import status
from hiring.privacy import erasure
from tests.factories import ApplicationFactory, fresh
from tests.offers.conftest import offer_fields

Status = Offer.Status
Stage = Application.Stage


def prepare_url(application):
    return reverse("offer_prepare", args=[application.pk])


def offer_url(name, offer):
    return reverse(name, args=[offer.application_id, offer.pk])


def token_of(offer):
    return offer.get_absolute_url().split("/")[-2]


def form_data(**changes):
    start = (timezone.now() + timedelta(days=30)).date()
    expires = (timezone.now() + timedelta(days=7)).date()
    return {
        "title": "Platform Engineer",
        "start_date": start.isoformat(),
        "terms": "€70,000 a year.",
        "expires_date": expires.isoformat(),
        "expires_time": "17:00",
        **changes,
    }


def state():
    return (
        sorted(Offer.objects.values_list("pk", "status", "decline_reason")),
        sorted(Application.objects.values_list("pk", "stage")),
        AuditEvent.objects.count(),
    )


# Preparing


def test_the_expiry_is_entered_in_the_preparers_zone_and_stored_utc(client, application, recruiter):
    recruiter.time_zone = "Europe/Berlin"
    recruiter.save()
    client.force_login(recruiter)

    page = client.get(prepare_url(application))
    assert page.status_code == 200
    assert "at (Berlin time)" in page.text
    assert 'value="Platform Engineer"' in page.text  # the opening's title to start from

    response = client.post(prepare_url(application), form_data())

    assert response.status_code == 302
    offer = Offer.objects.get()
    day = (timezone.now() + timedelta(days=7)).date()
    expected = datetime.combine(day, time(17), tzinfo=ZoneInfo("Europe/Berlin")).astimezone(UTC)
    assert (offer.status, offer.expires_at) == (Status.DRAFT, expected)


def test_the_form_takes_a_start_date_of_tomorrow_where_the_preparer_is(
    client, application, recruiter, monkeypatch
):
    # 00:47 UTC on 5 December 2030: 21:17 on 4 December in St John's.
    monkeypatch.setattr(timezone, "now", lambda: datetime(2030, 12, 5, 0, 47, tzinfo=UTC))
    recruiter.time_zone = "America/St_Johns"
    recruiter.save()
    client.force_login(recruiter)

    data = form_data(start_date="2030-12-05", expires_date="2030-12-04", expires_time="23:00")
    response = client.post(prepare_url(application), data)

    assert response.status_code == 302
    assert Offer.objects.get().start_date == date(2030, 12, 5)


def test_an_expiry_the_clocks_skip_is_refused_beside_its_time(
    client, application, recruiter, monkeypatch
):
    """As every other time typed: not stored an hour later than the preparer read it."""
    monkeypatch.setattr(timezone, "now", lambda: datetime(2031, 3, 1, 10, 0, tzinfo=UTC))
    recruiter.time_zone = "Europe/Berlin"
    recruiter.save()
    client.force_login(recruiter)
    before = state()

    # Berlin's clocks go from 02:00 to 03:00 on 30 March 2031.
    data = form_data(start_date="2031-05-01", expires_date="2031-03-30", expires_time="02:30")
    response = client.post(prepare_url(application), data)

    assert response.status_code == 400
    assert 'id="id_expires_time_error"' in response.text
    assert "02:30 Berlin time does not exist on 30 March 2031" in response.text
    assert state() == before


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        ({"start_date": "2001-01-01"}, "start_date", "The start date must be in the future."),
        ({"expires_date": "2001-01-01"}, "expires_date", "The offer must expire in the future."),
        ({"expires_date": "9999-12-31"}, "expires_date", "Enter a date within the next 90 days."),
        ({"expires_date": "2030-13-45"}, "expires_date", "Enter a valid date."),
        ({"terms": "x" * 5001}, "terms", "Ensure this value has at most 5000 characters"),
        ({"title": "Line\nbreak"}, "title", "Write this on one line"),
        ({"expires_time": "25:00"}, "expires_time", "Enter a valid time."),
    ],
)
def test_bad_input_is_refused_beside_the_field_with_nothing_stored(
    client, application, recruiter, changes, field, message
):
    client.force_login(recruiter)
    before = state()

    response = client.post(prepare_url(application), form_data(**changes))

    assert response.status_code == 400
    assert f'id="id_{field}_error"' in response.text
    assert message in response.text
    assert state() == before


def test_every_field_says_what_is_wrong_at_once(client, application, recruiter):
    """The offer's own rules are checked on every field that passed its own check: a bad time
    does not hide that the start date has passed, nor a missing text that it is years away."""
    client.force_login(recruiter)
    before = state()

    past = client.post(
        prepare_url(application),
        form_data(start_date="2001-01-01", terms="", expires_time="25:00"),
    )
    far = client.post(
        prepare_url(application), form_data(start_date="9999-12-31", expires_date="9999-12-31")
    )

    assert past.status_code == far.status_code == 400
    assert errors_by_field(past) == {
        "start_date": "The start date must be in the future.",
        "terms": "This field is required.",
        "expires_time": "Enter a valid time.",
    }
    assert errors_by_field(far) == {
        "start_date": "The start date must be within two years.",
        "expires_date": "Enter a date within the next 90 days.",
    }
    assert state() == before


def test_an_offer_answered_after_its_start_date_is_refused_beside_the_expiry(
    client, application, recruiter
):
    client.force_login(recruiter)
    start = timezone.localdate() + timedelta(days=10)

    on_the_day = client.post(
        prepare_url(application),
        form_data(start_date=start.isoformat(), expires_date=start.isoformat()),
    )

    # 17:00 London time on the start day is that day in New York too, the candidate's zone.
    assert list(errors_by_field(on_the_day)) == ["expires_date"]
    assert errors_by_field(on_the_day)["expires_date"].startswith(
        "The offer must expire before its start date in the candidate&#x27;s time zone"
    )
    assert not Offer.objects.exists()
    day_before = (start - timedelta(days=1)).isoformat()
    taken = client.post(
        prepare_url(application), form_data(start_date=start.isoformat(), expires_date=day_before)
    )
    assert taken.status_code == 302


def errors_by_field(response):
    found = re.findall(r'<ul class="errorlist" id="id_(\w+)_error">(.*?)</ul>', response.text, re.S)
    return {field: re.sub(r"<[^>]+>", "", errors).strip() for field, errors in found}


def test_without_the_teams_decision_to_hire_there_is_no_form(client, team, recruiter):
    application = ApplicationFactory(opening__team=team, stage=Stage.OFFER)
    client.force_login(recruiter)

    page = client.get(prepare_url(application))
    assert "Only the team's decision to hire opens an offer" in page.text
    assert "Save as draft" not in page.text

    response = client.post(prepare_url(application), form_data())
    assert response.status_code == 400
    assert "Only the team&#x27;s decision to hire opens an offer" in response.text
    assert Offer.objects.count() == 0


@pytest.mark.parametrize("persona", ["outsider", "leadership", "org_admin"])
def test_who_does_not_run_the_teams_pipeline_gets_404(request, client, application, persona):
    client.force_login(request.getfixturevalue(persona))
    before = state()

    assert client.get(prepare_url(application)).status_code == 404
    assert client.post(prepare_url(application), form_data()).status_code == 404
    assert state() == before


@pytest.mark.parametrize("persona", ["outsider", "leadership", "org_admin"])
def test_who_does_not_run_the_teams_pipeline_cannot_send_or_withdraw(
    request, client, draft, persona, mailoutbox
):
    client.force_login(request.getfixturevalue(persona))
    before = state()

    for name in ("offer_edit", "offer_send", "offer_withdraw"):
        assert client.get(offer_url(name, draft)).status_code == 404
        assert client.post(offer_url(name, draft), form_data()).status_code == 404
    assert state() == before
    assert mailoutbox == []


# The application page


def test_the_application_page_offers_to_prepare_to_who_runs_the_pipeline(
    client, application, recruiter, leadership, member
):
    for user in (recruiter, member):
        client.force_login(user)
        assert "Prepare offer" in client.get(application.get_absolute_url()).text

    client.force_login(leadership)
    page = client.get(application.get_absolute_url()).text
    assert 'id="offers"' in page
    assert "Prepare offer" not in page


def test_a_sent_offer_past_its_expiry_shows_expired_before_the_task_runs(
    client, sent, application, recruiter
):
    Offer.objects.filter(pk=sent.pk).update(expires_at=timezone.now() - timedelta(seconds=1))
    client.force_login(recruiter)

    offers_section = client.get(application.get_absolute_url()).text.split('id="offers"')[1]

    assert ">Expired</span>" in offers_section
    assert "Withdraw…" not in offers_section
    assert "Prepare offer" in offers_section


def test_no_offer_section_before_a_decision_to_hire(client, team, recruiter):
    application = ApplicationFactory(opening__team=team, stage=Stage.PANEL)
    client.force_login(recruiter)

    assert 'id="offers"' not in client.get(application.get_absolute_url()).text


def test_the_application_page_lists_offers_in_the_viewers_zone(client, draft, recruiter):
    recruiter.time_zone = "Asia/Tokyo"
    recruiter.save()
    client.force_login(recruiter)

    page = client.get(draft.application.get_absolute_url()).text

    local = draft.expires_at.astimezone(ZoneInfo("Asia/Tokyo"))
    assert f"{local:%H:%M} Tokyo time</time>" in page
    assert offer_url("offer_edit", draft) in page
    assert offer_url("offer_send", draft) in page
    assert "Prepare offer" not in page  # one live offer


def test_the_application_page_lists_offers_in_a_bounded_number_of_queries(
    client, application, recruiter
):
    client.force_login(recruiter)

    def queries():
        with CaptureQueriesContext(connection) as captured:
            assert client.get(application.get_absolute_url()).status_code == 200
        return len(captured)

    offers.withdraw(offers.prepare(application, recruiter, **offer_fields()), recruiter)
    queries()  # the session and the cache settle
    offers.withdraw(offers.prepare(application, recruiter, **offer_fields()), recruiter)
    one = queries()
    for _ in range(4):
        offers.withdraw(offers.prepare(application, recruiter, **offer_fields()), recruiter)
    assert queries() == one


# Sending and withdrawing


def test_sending_asks_to_confirm_with_the_email_then_sends_it(
    client, draft, recruiter, mailoutbox, django_capture_on_commit_callbacks
):
    client.force_login(recruiter)

    confirm = client.get(offer_url("offer_send", draft))
    assert "Your offer for Platform Engineer at Teamfit" in confirm.text
    assert "nina@candidates.example" in confirm.text
    assert Offer.objects.get().status == Status.DRAFT

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(offer_url("offer_send", draft), previewed(confirm))

    assert response.status_code == 302
    assert Offer.objects.get().status == Status.SENT
    assert [mail.to for mail in mailoutbox] == [["nina@candidates.example"]]
    assert "/offer/" in mailoutbox[0].body


def test_editing_a_draft(client, draft, recruiter):
    client.force_login(recruiter)

    page = client.get(offer_url("offer_edit", draft))
    based_on = re.search(r'name="based_on" value="([^"]*)"', page.text)[1]
    response = client.post(
        offer_url("offer_edit", draft), form_data(title="Staff Engineer", based_on=based_on)
    )

    assert response.status_code == 302
    assert Offer.objects.get().title == "Staff Engineer"


def test_withdrawing_asks_to_confirm(client, sent, recruiter):
    client.force_login(recruiter)

    assert "Withdraw the offer" in client.get(offer_url("offer_withdraw", sent)).text
    assert Offer.objects.get().status == Status.SENT

    client.post(offer_url("offer_withdraw", sent))
    assert Offer.objects.get().status == Status.WITHDRAWN
    assert "Prepare offer" in client.get(sent.application.get_absolute_url()).text


def test_a_withdrawal_sent_twice_withdraws_once_and_says_it_was_done(client, sent, recruiter):
    """As reported: the second click (a double click, a second tab) showed an error."""
    client.force_login(recruiter)

    first = client.post(offer_url("offer_withdraw", sent), follow=True)
    second = client.post(offer_url("offer_withdraw", sent), follow=True)

    assert "Offer withdrawn." in first.text
    assert "This offer was already withdrawn." in second.text
    assert "This offer is withdrawn" not in second.text
    assert Offer.objects.get().status == Status.WITHDRAWN
    assert AuditEvent.objects.filter(details="Withdrawn").count() == 1


# The candidate's answer


def test_the_candidate_reads_the_offer_with_times_in_their_zone(client, sent):
    page = client.get(sent.get_absolute_url())

    assert page.status_code == 200
    assert "Your offer: Platform Engineer" in page.text
    assert "€70,000 a year, 30 days of holiday." in page.text
    assert f"{sent.start_date:%B %Y}" in page.text
    local = sent.expires_at.astimezone(ZoneInfo("America/New_York"))
    assert f"{local:%H:%M} New York time</time>" in page.text


def test_the_candidate_reads_the_start_date_as_their_language_writes_it(client, sent):
    Offer.objects.filter(pk=sent.pk).update(start_date=date(2030, 3, 4))

    page = client.get(sent.get_absolute_url(), HTTP_ACCEPT_LANGUAGE="de")

    assert "<dd>Montag, 4. März 2030</dd>" in page.text


def test_the_candidate_accepts_after_confirming(
    client, sent, application, recruiter, mailoutbox, django_capture_on_commit_callbacks
):
    mailoutbox.clear()
    token = token_of(sent)

    confirm = client.get(reverse("offer_accept", args=[token]))
    assert "Accept the offer?" in confirm.text
    assert fresh(application).stage == Stage.OFFER

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("offer_accept", args=[token]))

    assert response.status_code == 200
    assert "Welcome to the team" in response.text
    assert fresh(application).stage == Stage.HIRED
    assert [mail.to for mail in mailoutbox] == [[recruiter.email]]

    again = client.get(reverse("offer_accept", args=[token]))  # the link reused
    assert again.status_code == 410
    assert "You already accepted this offer." in again.text
    assert len(mailoutbox) == 1
    # The recruiter's timeline says who answered.
    client.force_login(recruiter)
    assert "Accepted by the candidate" in client.get(application.get_absolute_url()).text


def test_the_candidate_declines_with_a_reason(client, sent, application):
    token = token_of(sent)

    confirm = client.get(reverse("offer_decline", args=[token]))
    assert "Your reason (optional)" in confirm.text

    response = client.post(reverse("offer_decline", args=[token]), {"reason": "Too far away."})

    assert "Thank you for letting us know" in response.text
    assert Offer.objects.get().decline_reason == "Too far away."
    assert fresh(application).stage == Stage.WITHDRAWN


def test_an_oversized_reason_is_refused_beside_the_field(client, sent, application):
    before = state()

    response = client.post(reverse("offer_decline", args=[token_of(sent)]), {"reason": "x" * 2001})

    assert response.status_code == 400
    assert 'id="id_reason_error"' in response.text
    assert state() == before


def links_refused(client, token, message, but_a_no=False):
    """`but_a_no`: the decline posted is taken (a no still counts once the offer expired:
    tests/offers/test_review_probes.py), not refused."""
    before = state()
    for name in ("offer_answer", "offer_accept", "offer_decline"):
        responses = [client.get(reverse(name, args=[token]))]
        if not (but_a_no and name == "offer_decline"):
            responses.append(client.post(reverse(name, args=[token]), {"reason": "No"}))
        for response in responses:
            assert 400 <= response.status_code < 500, (name, response.status_code)
            assert message in response.text, name
    assert state() == before


def test_a_tampered_link_is_refused(client, sent):
    links_refused(client, token_of(sent)[:-2] + "xx", "This link is not valid.")
    forged = signing.dumps(sent.pk, salt="not-the-salt")
    links_refused(client, forged, "This link is not valid.")
    links_refused(client, "nonsense", "This link is not valid.")


def test_an_expired_offer_is_refused_before_the_task_runs(client, sent):
    Offer.objects.filter(pk=sent.pk).update(expires_at=timezone.now() - timedelta(minutes=1))

    links_refused(client, token_of(sent), "This offer expired on", but_a_no=True)
    assert Offer.objects.get().status == Status.SENT


def test_a_withdrawn_offer_is_refused(client, sent, recruiter):
    offers.withdraw(sent, recruiter)

    links_refused(client, token_of(sent), "This offer was withdrawn.")


def test_a_draft_is_not_answered_through_a_link(client, draft):
    links_refused(client, token_of(draft), "This offer was withdrawn.")


def test_an_answered_offer_is_refused(client, sent):
    offers.decline(sent, "Too far away.")  # the same "No" again is a double click: taken once

    links_refused(client, token_of(sent), "You already declined this offer.")


def test_an_erased_candidates_link_says_nothing_of_their_offer(
    client, sent, recruiter, django_capture_on_commit_callbacks
):
    offers.accept(sent)
    with django_capture_on_commit_callbacks(execute=True):
        erasure.erase(sent.application.candidate, by=recruiter)

    links_refused(client, token_of(sent), "We no longer hold this application.")
    assert "accepted" not in client.get(sent.get_absolute_url()).text


def test_answering_an_offer_takes_thirty_posts_in_ten_minutes_from_one_address(client, sent):
    link = sent.get_absolute_url()
    token = link.split("/")[-2]
    for _ in range(30):
        too_long = {"reason": "x" * 5000}
        assert client.post(reverse("offer_decline", args=[token]), too_long).status_code == 400

    refused = client.post(reverse("offer_accept", args=[token]))

    assert refused.status_code == 429
    sent.refresh_from_db()
    assert sent.status == Offer.Status.SENT


def previewed(page):
    """What the confirmation page posts besides: the fingerprint of the email it shows."""
    return {"previewed": re.search(r'name="previewed" value="(\w+)"', page.text)[1]}


def test_an_expiry_on_the_start_day_in_the_zone_the_candidate_set_since_is_refused_at_sending(
    client, application, recruiter, mailoutbox, django_capture_on_commit_callbacks
):
    """As reported: saved while the candidate was in New York, 22:00 London the day before the
    start is 17:00 there; they moved to Tokyo since, where it is the start day's morning."""
    start = timezone.localdate() + timedelta(days=10)
    expires_at = datetime.combine(start - timedelta(days=1), time(22), ZoneInfo("Europe/London"))
    draft = offers.prepare(
        application, recruiter, **offer_fields(start_date=start, expires_at=expires_at)
    )
    client.force_login(recruiter)
    confirm = client.get(offer_url("offer_send", draft))
    status.set_time_zone(application.candidate, "Asia/Tokyo")  # as the recruiter reads it

    with django_capture_on_commit_callbacks(execute=True):
        refused = client.post(offer_url("offer_send", draft), previewed(confirm))

    assert refused.status_code == 400
    assert list(errors_by_field(refused)) == ["expires_date"]
    assert errors_by_field(refused)["expires_date"].startswith(
        "The offer must expire before its start date in the candidate&#x27;s time zone"
    )
    assert f'action="{offer_url("offer_edit", draft)}"' in refused.text  # to fix it there
    assert Offer.objects.get().status == Status.DRAFT
    assert mailoutbox == []


def test_a_draft_whose_expiry_the_candidates_new_zone_puts_on_the_start_day_opens_to_mend(
    client, application, recruiter
):
    """The page that shows the email to send showed it as if it could go: the refusal came only
    at Send."""
    start = timezone.localdate() + timedelta(days=10)
    expires_at = datetime.combine(start - timedelta(days=1), time(22), ZoneInfo("Europe/London"))
    draft = offers.prepare(
        application, recruiter, **offer_fields(start_date=start, expires_at=expires_at)
    )
    status.set_time_zone(application.candidate, "Asia/Tokyo")
    client.force_login(recruiter)

    page = client.get(offer_url("offer_send", draft))

    assert page.status_code == 400
    assert list(errors_by_field(page)) == ["expires_date"]
    assert 'name="previewed"' not in page.text  # nothing to send from
    assert f'action="{offer_url("offer_edit", draft)}"' in page.text


def test_an_offer_edited_since_it_was_read_is_not_sent_unseen(
    client, draft, recruiter, member, mailoutbox, django_capture_on_commit_callbacks
):
    client.force_login(recruiter)
    confirm = client.get(offer_url("offer_send", draft))
    draft.terms = "EUR 70,000"  # a colleague's edit, meanwhile
    draft.save(update_fields=["terms"])

    with django_capture_on_commit_callbacks(execute=True):
        refused = client.post(offer_url("offer_send", draft), previewed(confirm), follow=True)

    assert "The offer changed since you read it" in refused.text
    assert "EUR 70,000" in refused.text  # shown again as it is now
    assert Offer.objects.get().status == Status.DRAFT
    assert mailoutbox == []
    with django_capture_on_commit_callbacks(execute=True):
        client.post(offer_url("offer_send", draft), previewed(refused))
    assert Offer.objects.get().status == Status.SENT


@pytest.mark.parametrize("htmx", [False, True])
def test_undo_of_the_offers_email_on_the_page_makes_it_a_draft_again(
    client, draft, application, recruiter, htmx
):
    offers.send(draft, recruiter)  # its email still in its undo delay
    email = application.emails.get()
    client.force_login(recruiter)
    headers = {"HX-Request": "true"} if htmx else {}

    response = client.post(
        reverse("candidate_email_cancel", args=[application.pk, email.pk]), headers=headers
    )

    # The offer's section changes too: htmx reloads the page, which says so.
    if htmx:
        assert response["HX-Refresh"] == "true"
    else:
        assert response["Location"] == application.get_absolute_url()
    assert Offer.objects.get().status == Status.DRAFT
    page = client.get(application.get_absolute_url()).text
    assert "will not be sent: the offer is a draft again." in page


def test_after_a_decline_the_page_offers_a_revised_offer_from_the_declined_one(
    client, sent, application, recruiter
):
    offers.decline(sent, "The salary is too low.")
    client.force_login(recruiter)

    page = client.get(application.get_absolute_url()).text
    form = client.get(prepare_url(application)).text

    assert "Prepare a revised offer" in page
    assert "A revised offer reopens the application once it is sent" in page
    assert sent.terms in form
    response = client.post(prepare_url(application), form_data(terms="€80,000 a year."))
    assert response["Location"] == application.get_absolute_url()
    assert fresh(application).stage == Application.Stage.WITHDRAWN


def test_a_revised_draft_changes_nothing_the_candidate_reads(
    client, sent, application, recruiter, django_capture_on_commit_callbacks
):
    offers.decline(sent, "The salary is too low.")
    client.force_login(recruiter)
    client.post(prepare_url(application), form_data(terms="€80,000 a year."))
    revised = Offer.objects.get(status=Status.DRAFT)
    client.logout()

    page = client.get(application.status_url()).text
    assert "Withdrawn" in page
    assert "deciding" not in page
    assert "€80,000" not in page

    client.force_login(recruiter)
    page = client.get(application.get_absolute_url()).text
    assert "A revised offer reopens the application once it is sent" in page
    confirm = client.get(offer_url("offer_send", revised))
    with django_capture_on_commit_callbacks(execute=True):
        client.post(offer_url("offer_send", revised), previewed(confirm))
    assert fresh(application).stage == Application.Stage.OFFER
    client.logout()
    assert "Read and answer your offer" in client.get(application.status_url()).text


def test_a_revision_after_a_draft_discarded_starts_from_the_declined_offer_again(
    client, sent, application, recruiter
):
    offers.decline(sent, "The salary is too low.")
    draft = offers.prepare(fresh(application), recruiter, **offer_fields(terms="€75,000 a year."))
    offers.withdraw(draft, recruiter)
    client.force_login(recruiter)

    form = client.get(prepare_url(application)).text

    assert sent.terms in form
    assert "€75,000" not in form


def test_the_candidates_page_says_their_offer_expired_not_that_the_team_is_deciding(
    client, sent, application
):
    Offer.objects.filter(pk=sent.pk).update(expires_at=timezone.now() - timedelta(minutes=1))
    local = (sent.expires_at - timedelta(minutes=1)).astimezone(ZoneInfo("America/New_York"))

    page = client.get(application.status_url()).text

    assert "<h1>Offer</h1>" in page
    assert "This offer expired on" in page
    assert f"{local:%H:%M}" in page
    assert "New York time" in page
    assert "The team is talking about your interviews" not in page


def test_the_decline_form_names_everyone_who_reads_the_reason(
    client, sent, application, leadership
):
    """Leadership reads every team's pipeline (SPEC's permission matrix), the reason with it:
    the form says so."""
    token = token_of(sent)

    form = client.get(reverse("offer_decline", args=[token])).text
    client.post(reverse("offer_decline", args=[token]), {"reason": "ZEBRA-DECLINE: too far"})

    assert "Only the team, the recruiters and leadership read it." in form
    client.force_login(leadership)
    assert "ZEBRA-DECLINE: too far" in client.get(application.get_absolute_url()).text
