"""
An HTTP client for the Wagtail admin that signs in through the login form, and helpers that
extract the text a staff member reads on a page.
"""

import http.cookiejar
import json
import re
import urllib.error
import urllib.parse
import urllib.request
from dataclasses import dataclass

from bs4 import BeautifulSoup

# Attributes whose values a staff member reads or hears (tooltips, screen-reader labels, buttons).
READABLE_ATTRIBUTES = ("aria-label", "title", "placeholder", "alt", "data-w-tooltip-content-value")
CSRF_INPUT = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')


@dataclass
class Response:
    status: int
    url: str
    body: str

    def json(self):
        return json.loads(self.body)


class AdminSession:
    """A browser-like session against a live server: cookies, CSRF token and form posts."""

    def __init__(self, base_url, accept_language="vi"):
        self.base_url = base_url.rstrip("/")
        self.cookies = http.cookiejar.CookieJar()
        self.opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(self.cookies))
        self.accept_language = accept_language

    def request(self, path, data=None, headers=None):
        request = urllib.request.Request(self.base_url + path, data=data, headers=headers or {})
        request.add_header("Accept-Language", self.accept_language)
        try:
            with self.opener.open(request, timeout=60) as response:
                return Response(response.status, response.url, response.read().decode("utf-8"))
        except urllib.error.HTTPError as error:
            return Response(error.code, error.url, error.read().decode("utf-8", errors="replace"))

    def get(self, path):
        return self.request(path)

    def post(self, path, fields, referer_path=None, ajax=False):
        """Post a form with the session's CSRF token, as a browser does after loading `referer_path`."""
        fields = {"csrfmiddlewaretoken": self.csrf_token(), **fields}
        headers = {
            "Content-Type": "application/x-www-form-urlencoded",
            "Referer": self.base_url + (referer_path or path),
        }
        if ajax:
            headers["X-Requested-With"] = "XMLHttpRequest"
        return self.request(path, urllib.parse.urlencode(fields).encode("utf-8"), headers)

    def csrf_token(self):
        for cookie in self.cookies:
            if cookie.name == "csrftoken":
                return cookie.value
        raise LookupError("No csrftoken cookie: load a page with a form first.")

    def login(self, username, password, login_path="/quan-tri/login/"):
        """Sign in through Wagtail's login form and return the page it lands on."""
        form = self.get(login_path)
        token = CSRF_INPUT.search(form.body)
        if form.status != 200 or token is None:
            raise AssertionError(f"Login form at {login_path} returned {form.status} without a CSRF token.")

        response = self.post(login_path, {"username": username, "password": password, "next": "/quan-tri/"})
        if response.url.rstrip("/").endswith("login"):
            raise AssertionError(f"Login as {username!r} failed; the login form came back.")
        return response


def readable_text(html):
    """Return the text a user reads or hears on an HTML page: text nodes and labelling attributes.

    Scripts, styles and JSON islands are left out; `<template>` content is kept because the admin
    shows it (dialogs, empty states).
    """
    soup = BeautifulSoup(html, "html.parser")
    for element in soup(["script", "style"]):
        element.decompose()

    parts = [" ".join(soup.get_text(" ").split())]
    for element in soup.find_all(True):
        for attribute in READABLE_ATTRIBUTES:
            value = element.get(attribute)
            if value:
                parts.append(value)
        if element.name == "input" and element.get("type") in {"submit", "button"} and element.get("value"):
            parts.append(element["value"])
    return "\n".join(parts)


def english_leftovers(text, phrases):
    """Return the English phrases that appear in `text` as whole words (case-sensitive)."""
    found = []
    for phrase in phrases:
        pattern = r"(?<![\w-])" + re.escape(phrase) + r"(?![\w-])"
        if re.search(pattern, text):
            found.append(phrase)
    return found
