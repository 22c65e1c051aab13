"""Two people editing one panel: a page opened before a colleague saved neither throws the
colleague's sessions away unseen (an interviewer they added) nor drops what was chosen."""

import re

from django.test import Client

from hiring.models import AuditEvent
from hiring.scheduling import booking
from tests.factories import management, url


def signed_in(user):
    client = Client()
    client.force_login(user)
    return client


def fields(page, interviewers, **chosen):
    """What the edit page posts for one session: its hidden fields, and what was chosen."""
    hidden = dict(re.findall(r'<input type="hidden" name="(\w+)" value="([^"]*)"', page.text))
    hidden.pop("csrfmiddlewaretoken", None)
    return {
        **management(1),
        **hidden,
        "sessions-0-focus": "team_fit",
        "sessions-0-duration_minutes": "60",
        "sessions-0-interviewers": [user.pk for user in interviewers],
        "back_to_back": "on",
        **chosen,
    }


def seated(panel):
    session = panel.sessions.get()
    return session.duration_minutes, sorted(session.interviewers.values_list("user", flat=True))


def test_a_save_from_a_page_opened_before_a_colleague_added_an_interviewer_keeps_them(
    panel, application, member, teammate, recruiter
):
    only_ana = [{"focus": "team_fit", "duration_minutes": 60, "interviewers": [member]}]
    booking.edit_panel(panel, only_ana, back_to_back=True, by=recruiter)
    edit = url("panel_edit", application)
    mine, theirs = signed_in(recruiter), signed_in(member)
    my_page = mine.get(edit)
    added = theirs.post(edit, fields(theirs.get(edit), [member, teammate]))
    assert added.status_code == 302

    response = mine.post(edit, fields(my_page, [member], **{"sessions-0-duration_minutes": "90"}))

    assert response.status_code == 409
    assert "Someone saved this panel after you opened this page." in response.text
    assert '<option value="90" selected>' in response.text  # what Rita chose, to save again
    assert "The panel as it is now" in response.text
    assert str(teammate) in response.text  # and the interviewer Ana added
    assert seated(panel) == (60, sorted([member.pk, teammate.pk]))
    again = mine.post(edit, fields(response, [member], **{"sessions-0-duration_minutes": "90"}))
    assert again.status_code == 302
    assert seated(panel) == (90, [member.pk])


def test_saving_twice_from_one_page_saves_once_without_a_conflict(
    panel, application, member, recruiter
):
    edit = url("panel_edit", application)
    mine = signed_in(recruiter)
    page = mine.get(edit)

    first = mine.post(edit, fields(page, [member]))
    second = mine.post(edit, fields(page, [member]))  # a double click

    assert (first.status_code, second.status_code) == (302, 302)
    assert seated(panel) == (60, [member.pk])
    assert AuditEvent.objects.filter(details__startswith="Edited:").count() == 1
