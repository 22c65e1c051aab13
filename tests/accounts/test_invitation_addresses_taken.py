"""An invitation to the organisation goes to nobody who already signs in with the address."""

from allauth.account.models import EmailAddress
from django.urls import reverse

from hiring.models import Invitation


def test_an_address_another_account_verified_is_not_invited(client, org_admin, member):
    """Its sign-up would be turned away, the address being taken: the invitation could never
    be used."""
    EmailAddress.objects.create(user=member, email="ana.private@example.com", verified=True)
    client.force_login(org_admin)

    response = client.post(
        reverse("invite"), {"email": "Ana.Private@example.com", "role": "leadership"}
    )

    assert response.status_code == 400
    assert response.context["invite_form"].errors["email"] == [
        "Ana.Private@example.com already has an account."
    ]
    assert not Invitation.objects.exists()
