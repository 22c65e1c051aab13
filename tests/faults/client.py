"""A browser as the fault scenarios need one, on the standard library alone.

It keeps cookies, signs in through the login form, sends the CSRF token Django set, and adds
the headers of the TLS-terminating proxy that production puts in front of gunicorn (README,
Production): `X-Forwarded-Proto: https`, which the settings trust, and `X-Forwarded-For`. Its
requests go round the web nodes in turn, as a load balancer would spread them.
"""

import http.client
import itertools
import re
import time
import urllib.parse
from dataclasses import dataclass
from html.parser import HTMLParser


@dataclass
class Response:
    status: int  # 0 when no response came: refused, reset or timed out
    location: str
    text: str
    started: float  # time.monotonic()
    ended: float
    path: str = ""
    error: str = ""

    @property
    def failed(self):
        """A server error or no answer at all: what a user sees as the app being broken."""
        return self.status == 0 or self.status >= 500


class Client:
    def __init__(self, ports, client_ip="10.0.0.1", timeout=20):
        self.ports = itertools.cycle(ports)
        self.client_ip = client_ip
        self.timeout = timeout
        self.cookies = {}
        self.csrf_token = ""  # the last page's, as htmx sends it (hx-headers) and forms post it

    def get(self, path):
        return self.request("GET", path)

    def post(self, path, fields, htmx=False):
        return self.request("POST", path, fields, htmx)

    def request(self, method, path, fields=None, htmx=False):
        port = next(self.ports)
        origin = f"https://127.0.0.1:{port}"
        headers = {
            "Host": f"127.0.0.1:{port}",
            "X-Forwarded-Proto": "https",
            "X-Forwarded-For": self.client_ip,
        }
        if self.cookies:
            headers["Cookie"] = "; ".join(f"{name}={value}" for name, value in self.cookies.items())
        body = None
        if method == "POST":
            body = urllib.parse.urlencode(fields or {}, doseq=True)
            headers["Content-Type"] = "application/x-www-form-urlencoded"
            # Over HTTPS Django's CSRF check wants the origin the browser would send.
            headers["Origin"], headers["Referer"] = origin, origin + path
            headers["X-CSRFToken"] = self.csrf_token or self.cookies.get("csrftoken", "")
        if htmx:
            headers["HX-Request"] = "true"
        started = time.monotonic()
        connection = http.client.HTTPConnection("127.0.0.1", port, timeout=self.timeout)
        try:
            connection.request(method, path, body=body, headers=headers)
            response = connection.getresponse()
            text = response.read().decode("utf-8", "replace")
        except (OSError, http.client.HTTPException) as error:
            return Response(0, "", "", started, time.monotonic(), path, repr(error))
        finally:
            connection.close()
        self.remember(response.headers.get_all("Set-Cookie") or [])
        if token := CSRF_IN_PAGE.search(text):
            self.csrf_token = token.group(1) or token.group(2)
        location = response.headers.get("Location", "")
        return Response(response.status, location, text, started, time.monotonic(), path)

    def remember(self, set_cookies):
        for header in set_cookies:
            name, _, rest = header.partition("=")
            value = rest.split(";", 1)[0]
            if value in ("", '""') or "max-age=0" in header.lower():
                self.cookies.pop(name.strip(), None)
            else:
                self.cookies[name.strip()] = value

    def login(self, email, password):
        """Sign in through allauth's form; returns the form post's response (302 when in)."""
        page = self.get("/accounts/login/")
        if page.failed:
            return page
        fields = {"login": email, "password": password, "csrfmiddlewaretoken": self.csrf_token}
        response = self.post("/accounts/login/", fields)
        self.csrf_token = ""  # signing in rotates it: the next page brings the new one
        return response


# A form's hidden field, or the <body hx-headers> that htmx sends with every request.
CSRF_IN_PAGE = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"|"X-CSRFToken": "([^"]+)"')


def signed_in(response):
    return response.status == 302 and "/accounts/login/" not in response.location


class _FormFields(HTMLParser):
    def __init__(self):
        super().__init__()
        self.values, self.actions, self.textarea = {}, [], None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        name = attrs.get("name")
        if tag == "form":
            self.actions.append(attrs.get("action") or "")
        elif tag == "input" and name:
            kind = attrs.get("type", "text")
            if kind in ("radio", "checkbox"):
                if "checked" in attrs:
                    self.values[name] = attrs.get("value") or "on"
            elif kind not in ("submit", "button"):
                self.values[name] = attrs.get("value") or ""
        elif tag == "textarea" and name:
            self.textarea = name
            self.values[name] = ""

    def handle_data(self, data):
        if self.textarea:
            self.values[self.textarea] += data

    def handle_endtag(self, tag):
        if tag == "textarea" and self.textarea:
            # A browser drops one newline right after <textarea>.
            self.values[self.textarea] = self.values[self.textarea].removeprefix("\n")
            self.textarea = None


def form_fields(html):
    """What the page's fields hold, as a browser would post them: inputs (radios and
    checkboxes only when checked) and textareas, by name; the last one wins."""
    parser = _FormFields()
    parser.feed(html)
    return parser.values


def form_actions(html):
    parser = _FormFields()
    parser.feed(html)
    return parser.actions
