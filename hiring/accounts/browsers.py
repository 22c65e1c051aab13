"""A browser as a person recognises it ("Firefox on Windows"), from the User-Agent string it
signed in with: the sessions page lists where one is signed in, and nobody reads
"Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/537.36 ..." as their laptop."""

import re

from django.utils.translation import gettext

# Each name with what its string says, tried in order. Browsers name the ones they resemble
# too (Edge says Chrome and Safari, Chrome says Safari), and Android and iOS name Linux and
# macOS: the first found is the one it is.
BROWSERS = {
    "Edge": r"\bEdg(e|A|iOS)?/",
    "Opera": r"\b(OPR|Opera)/",
    "Samsung Internet": r"\bSamsungBrowser/",
    "Firefox": r"\b(Firefox|FxiOS)/",
    "Chrome": r"\b(Chrome|Chromium|CriOS)/",
    "Safari": r"\bSafari/",
}
SYSTEMS = {
    "Android": r"\bAndroid\b",
    "iOS": r"\b(iPhone|iPod)\b",
    "iPadOS": r"\biPad\b",
    "ChromeOS": r"\bCrOS\b",
    "Windows": r"\bWindows\b",
    "macOS": r"\bMac OS X\b|\bMacintosh\b",
    "Linux": r"\bLinux\b",
}


def describe(user_agent):
    """The browser on its system, as in "Firefox on Windows"; the one of them known alone, or
    an empty string when neither is."""
    browser = _first(BROWSERS, user_agent)
    system = _first(SYSTEMS, user_agent)
    if browser and system:
        return gettext("%(browser)s on %(system)s") % {"browser": browser, "system": system}
    return browser or system


def _first(names, user_agent):
    return next((name for name, says in names.items() if re.search(says, user_agent)), "")
