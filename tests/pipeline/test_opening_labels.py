"""An opening's forms label their fields in the reader's language."""

from django.urls import reverse


def test_the_opening_forms_read_in_german(client, member, team):
    member.language = "de"
    member.save(update_fields=["language"])
    client.force_login(member)
    opening = team.openings.create(title="Backend engineer")

    new = client.get(reverse("opening_create", args=[team.pk])).text
    rule = client.get(opening.get_absolute_url()).text

    assert '<label for="id_title">Titel:</label>' in new
    assert '<label for="id_description">Beschreibung:</label>' in new
    assert '<label for="id_skills_threshold">Schwelle Fachliches:</label>' in rule
    assert '<label for="id_team_fit_threshold">Schwelle Teampassung:</label>' in rule
