"""Someone deactivated while interviews to come still seat them: whoever schedules each panel
hears of it at once, to replace them before the candidate meets a panel short of them."""

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from hiring.accounts import people
from hiring.models import AuditEvent
from hiring.scheduling import booking
from hiring.tasks import send_departure_notices
from tests.factories import ApplicationFactory, nine_to_five

MONDAY = datetime(2030, 3, 4, tzinfo=UTC)
# What telling one reader of a deactivation takes, the panel's readers asked once.
QUERIES_TO_TELL_OF_A_DEPARTURE = 11  # its ledger row claimed and marked sent, each in a savepoint


@pytest.fixture
def sent(django_capture_on_commit_callbacks):
    return lambda: django_capture_on_commit_callbacks(execute=True)


@pytest.fixture
def panel(team, member, teammate, recruiter, sent, mailoutbox):
    """Ana on skills and Ben on team fit, booked from Monday 4 March 2030 by the recruiter."""
    nine_to_five(member, teammate)
    panel = booking.create_panel(
        ApplicationFactory(opening__team=team, candidate__name="Lena Vogel"),
        recruiter,
        [
            {"focus": "skills", "duration_minutes": 60, "interviewers": [member]},
            {"focus": "team_fit", "duration_minutes": 60, "interviewers": [teammate]},
        ],
    )
    option = booking.find_options(panel, MONDAY, MONDAY + timedelta(days=2), limit=1)[0]
    with sent():
        booking.book(panel, option, recruiter)
    mailoutbox.clear()
    return panel


def deactivate(person, by):
    return people.change_person(
        person, by, display_name=person.display_name, role=person.role, is_active=False
    )


def test_who_scheduled_the_panel_is_told_whom_to_replace_in_their_zone(
    panel, teammate, recruiter, org_admin, sent, mailoutbox
):
    recruiter.time_zone = "Asia/Singapore"
    recruiter.save(update_fields=["time_zone"])
    session = panel.sessions.get(focus="team_fit")

    with sent():
        deactivate(teammate, org_admin)

    [mail] = mailoutbox
    assert mail.to == [recruiter.email]
    assert mail.subject == "Interviews to come seat Ben Teammate, who can no longer sign in"
    # When, in the reader's zone, named.
    start = session.start.astimezone(ZoneInfo("Asia/Singapore"))
    assert f"{start:%A %-d %B %Y, %H:%M} Singapore time: Lena Vogel" in mail.body
    assert panel.get_absolute_url() in mail.body
    assert mail.body.count("Lena Vogel") == 1  # Ben's session alone, not Ana's
    # Run again (a retry), it tells nobody twice.
    send_departure_notices.delay(teammate.pk, _deactivated_at(teammate))
    assert len(mailoutbox) == 1


def _deactivated_at(person):
    """The moment of their latest change on the People page, as the notices' task is given it."""
    changes = AuditEvent.objects.filter(action=AuditEvent.Action.PERSON_CHANGED)
    return changes.filter(details__startswith=str(person)).latest("at").at.isoformat()


def test_nobody_is_told_of_someone_with_no_interview_to_come_or_reactivated_since(
    panel, team, teammate, org_admin, mailoutbox
):
    panel.sessions.update(cancelled_at=MONDAY)
    deactivate(teammate, org_admin)
    send_departure_notices.delay(teammate.pk, _deactivated_at(teammate))
    assert mailoutbox == []

    panel.sessions.update(cancelled_at=None)
    people.change_person(teammate, org_admin, display_name=teammate.display_name,
                         role=teammate.role, is_active=True)  # fmt: skip
    send_departure_notices.delay(teammate.pk, _deactivated_at(teammate))
    assert mailoutbox == []


@pytest.mark.parametrize("sessions", [1, 2])
def test_who_hears_is_asked_once_a_panel_however_many_of_its_sessions_seat_them(
    team, teammate, recruiter, org_admin, sent, mailoutbox, django_assert_max_num_queries, sessions
):
    nine_to_five(teammate)
    panel = booking.create_panel(
        ApplicationFactory(opening__team=team),
        recruiter,
        [{"focus": "skills", "duration_minutes": 30, "interviewers": [teammate]}] * sessions,
        back_to_back=False,  # on days of their own
    )
    option = booking.find_options(panel, MONDAY, MONDAY + timedelta(days=7), limit=1)[0]
    with sent():
        booking.book(panel, option, recruiter)
    deactivate(teammate, org_admin)
    mailoutbox.clear()

    # As many queries for one session as for two: the readers are asked once for the panel.
    with django_assert_max_num_queries(QUERIES_TO_TELL_OF_A_DEPARTURE):
        send_departure_notices.delay(teammate.pk, _deactivated_at(teammate))

    [mail] = mailoutbox
    assert mail.to == [recruiter.email]
