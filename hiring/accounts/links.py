from django.shortcuts import render


def link_unusable(request, what, reason, status=410):
    """The page for an invitation or a candidate's link that is expired, used or revoked."""
    context = {"what": what, "reason": reason}
    return render(request, "hiring/accounts/link_unusable.html", context, status=status)
