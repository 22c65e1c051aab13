from functools import wraps

from django.shortcuts import render

from ..models import LinkError


def link_unusable(request, what, reason, status=410):
    """The page for an invitation or a candidate's link that is expired, used or revoked."""
    context = {"what": what, "reason": reason}
    return render(request, "hiring/accounts/link_unusable.html", context, status=status)


def signed_link(load, what="link"):
    """A view of a signed link: it is called with what `load(token)` finds, and a link that
    cannot be used, found so on loading or by the view itself (LinkError), gets the page
    saying why."""

    def decorator(view):
        @wraps(view)
        def wrapper(request, token, *args, **kwargs):
            try:
                return view(request, load(token), token, *args, **kwargs)
            except LinkError as error:
                return link_unusable(request, what, error)

        return wrapper

    return decorator
