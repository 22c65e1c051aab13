"""Limits on what anyone may send without signing in (the careers form, candidates' links),
counted in the cache. They fail open: an outage of the cache must not turn people away."""

import functools
import hashlib
import logging
import time

from allauth.account.adapter import get_adapter
from django.core.cache import cache
from django.shortcuts import render

logger = logging.getLogger(__name__)

# A candidate's link takes at most this many POSTs per client address in each window.
CANDIDATE_POSTS = 30
CANDIDATE_POSTS_WINDOW_S = 600


def count(name, value, window):
    """Count one more `name` for `value` in the current window of `window` seconds; how many
    so far, this one included. 0 when the cache fails."""
    digest = hashlib.sha256(str(value).encode()).hexdigest()  # bounded, and keeps no address
    key = f"{name}:{digest}:{int(time.time()) // window}"
    try:
        cache.add(key, 0, timeout=window)
        return cache.incr(key)
    except Exception:  # any backend's error: Redis down, a database cache locked
        logger.warning("%s not counted: the cache failed", name, exc_info=True)
        return 0


def client_address(request):
    return get_adapter(request).get_client_ip(request)  # honours our proxy settings


def limit_candidate_posts(view):
    """Answer 429 past CANDIDATE_POSTS a window from one address to one candidate's link."""

    @functools.wraps(view)
    def limited(request, token, *args, **kwargs):
        if request.method == "POST":
            sent = count(
                "candidate-posts", (client_address(request), token), CANDIDATE_POSTS_WINDOW_S
            )
            if sent > CANDIDATE_POSTS:
                return render(request, "hiring/candidate_slow_down.html", status=429)
        return view(request, token, *args, **kwargs)

    return limited
