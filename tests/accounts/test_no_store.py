"""Pages with people's data tell browsers and proxies to keep no copy."""


def test_home_lists_candidates_to_score_and_says_no_store(client, member):
    client.force_login(member)

    assert "no-store" in client.get("/")["Cache-Control"]


def test_the_organisations_people_pages_say_no_store(client, org_admin, member):
    client.force_login(org_admin)

    for url in ("/organisation/", f"/organisation/people/{member.pk}/"):
        response = client.get(url)
        assert response.status_code == 200, url
        assert "no-store" in response["Cache-Control"], url
