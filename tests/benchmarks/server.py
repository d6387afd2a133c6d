"""Pages as the web server asks Django for them, for timing "server time".

Django's test Client is made for assertions, not for timing: while it runs it listens to
every template being rendered and keeps a copy of each template's context, so that a test
can read `response.context`. On the ledger page that bookkeeping was a third of the time
measured. gunicorn calls Django's WSGI handler with the request's environ and reads the
body; `Browser.get` does the same, in this process, with a signed-in person's cookie, and
without the test Client's listeners. What runs is everything production runs: the whole
middleware stack, the session, the access checks, the view and its templates.
"""

from __future__ import annotations

from django.core.handlers.wsgi import WSGIHandler
from django.test import Client, RequestFactory


class Browser:
    def __init__(self, user) -> None:
        client = Client()
        client.force_login(user)
        self._factory = RequestFactory()
        self._factory.cookies = client.cookies
        self._handler = WSGIHandler()

    def get(self, url: str, **headers: str) -> tuple[int, bytes]:
        """Status and body of a GET; headers as HTTP names, e.g. HX_Request="true"."""
        environ = self._factory.get(
            url, headers={name.replace("_", "-"): value for name, value in headers.items()}
        )
        statuses = []
        response = self._handler(environ.environ, lambda status, _headers: statuses.append(status))
        try:
            body = b"".join(response)
        finally:
            response.close()
        return int(statuses[0].split()[0]), body
