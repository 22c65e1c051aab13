"""Health checks for a load balancer or an orchestrator: /health/live/ says the process
answers, /health/ready/ that it can also reach its database (503 while it cannot). The cache
and the broker are left out: the site stays up without either (hiring/cache.py, the on-commit
tasks), so taking a host out of service for them would only turn people away."""

from django.db import DatabaseError, connection
from django.http import HttpResponse

LIVE = "/health/live/"
READY = "/health/ready/"


class HealthCheckMiddleware:
    """First in MIDDLEWARE. A probe comes to the host's own address over plain HTTP, which the
    host check (ALLOWED_HOSTS) and the redirect to HTTPS would refuse; it needs no session,
    user or language, and answers the same to anyone (a probe's answer shows nothing)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.path == LIVE:
            return _answer(200, "ok")
        if request.path == READY:
            return _ready()
        return self.get_response(request)


def _ready():
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
    except DatabaseError:  # a broken connection is closed as the request ends, as any is
        return _answer(503, "database unreachable")
    return _answer(200, "ok")


def _answer(status, text):
    response = HttpResponse(f"{text}\n", status=status, content_type="text/plain")
    response["Cache-Control"] = "no-store"
    return response
