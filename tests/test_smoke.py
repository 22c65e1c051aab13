def test_home_redirects_anonymous_to_login(client):
    response = client.get("/")
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")


def test_team_page_lists_members(client, member, team):
    client.force_login(member)
    response = client.get(team.get_absolute_url())
    assert response.status_code == 200
    assert "Ben Teammate" in response.text
