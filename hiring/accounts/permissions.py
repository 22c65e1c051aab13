"""What the organisation's admin may do in the Django admin: explicit permissions granted by
role, so the admin is staff but never a superuser. Everything else (teams' decisions and
members, feedback, candidates, accounts) is out of its reach there; people's names, roles and
active flags change only through the product's own page (hiring.accounts.people), audited."""

ORGANISATION_ADMIN = frozenset(
    {
        "hiring.view_organisation",
        "hiring.view_invitation",
    }
)


class RolePermissionsBackend:
    """An authentication backend that authenticates nobody and grants the admin role its
    permissions (Django asks every backend in AUTHENTICATION_BACKENDS)."""

    def authenticate(self, request, **credentials):
        return None

    def get_all_permissions(self, user, obj=None):
        if obj is None and user.is_active and user.is_org_admin:
            return set(ORGANISATION_ADMIN)
        return set()

    def has_perm(self, user, perm, obj=None):
        return perm in self.get_all_permissions(user, obj)

    def has_module_perms(self, user, app_label):
        return any(perm.startswith(f"{app_label}.") for perm in self.get_all_permissions(user))
