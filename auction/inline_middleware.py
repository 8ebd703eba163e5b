"""Django's own middleware, run in the event loop for async requests instead of hopping to a thread per method.

Under ASGI, Django runs every `MiddlewareMixin` method of an async request in its sync thread
(`sync_to_async`): for the stack in `settings.MIDDLEWARE` that was 13 thread hops per request
before the view ran its first line, each a queue put, a thread switch and a wake-up of the
event loop. Most of those methods only read headers, set headers or build lazy objects, which
is safe, and cheaper, in the event loop. The subclasses here do exactly what Django's do; in
async mode they call those methods directly, and go to the sync thread only where one may touch
the database or read a form:

- the session is saved (modified, or `SESSION_SAVE_EVERY_REQUEST`): the save writes the database;
- messages were read or added: storing them may load and write the session;
- the CSRF check of an unsafe request to a view that is not `csrf_exempt`: it reads `request.POST`
  (a form, maybe an upload); with `CSRF_USE_SESSIONS` the whole CSRF middleware stays as Django's.

A request served by a sync view (the stack in sync mode: the test client, or a sync middleware
below) takes Django's own code path, unchanged.
"""
from __future__ import annotations

from asgiref.sync import sync_to_async
from django.conf import settings
from django.contrib.auth import middleware as auth
from django.contrib.messages import middleware as messages
from django.contrib.sessions import middleware as sessions
from django.http import HttpRequest, HttpResponse
from django.middleware import clickjacking, common, csrf, security

SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS", "TRACE"})


class _InEventLoop:
    """For a `MiddlewareMixin` subclass: its `process_request`/`process_response` run inline in async mode."""

    def response_needs_thread(self, request: HttpRequest, response: HttpResponse) -> bool:
        """Whether `process_response` may do I/O (the database) this time, and so must run in the sync thread."""
        return False

    async def __acall__(self, request: HttpRequest) -> HttpResponse:
        response = None
        if hasattr(self, "process_request"):
            response = self.process_request(request)
        response = response or await self.get_response(request)
        if hasattr(self, "process_response"):
            if self.response_needs_thread(request, response):
                response = await sync_to_async(self.process_response, thread_sensitive=True)(request, response)
            else:
                response = self.process_response(request, response)
        return response


class SecurityMiddleware(_InEventLoop, security.SecurityMiddleware):
    """Headers and the HTTPS redirect: no I/O."""


class CommonMiddleware(_InEventLoop, common.CommonMiddleware):
    """The slash redirect (a URL resolve) and Content-Length: no I/O."""


class XFrameOptionsMiddleware(_InEventLoop, clickjacking.XFrameOptionsMiddleware):
    """One header: no I/O."""


class AuthenticationMiddleware(_InEventLoop, auth.AuthenticationMiddleware):
    """Sets `request.user` as a lazy object: the user is read only where a (sync) view asks for it."""


class SessionMiddleware(_InEventLoop, sessions.SessionMiddleware):
    """Makes the session store (lazy: nothing read yet); saving it writes the database, in the sync thread."""

    def response_needs_thread(self, request: HttpRequest, response: HttpResponse) -> bool:
        session = getattr(request, "session", None)
        return session is not None and (session.modified or settings.SESSION_SAVE_EVERY_REQUEST)


class MessageMiddleware(_InEventLoop, messages.MessageMiddleware):
    """Makes the message storage (lazy); storing messages that were read or added may touch the session."""

    def response_needs_thread(self, request: HttpRequest, response: HttpResponse) -> bool:
        storage = getattr(request, "_messages", None)
        return storage is not None and (storage.used or storage.added_new)


class CsrfViewMiddleware(_InEventLoop, csrf.CsrfViewMiddleware):
    """The CSRF cookie is read and set inline; the check of a form post runs in the sync thread (it reads the form)."""

    def __init__(self, get_response) -> None:
        super().__init__(get_response)
        if self.async_mode and not settings.CSRF_USE_SESSIONS:
            self.process_view = self._process_view_async  # Django's handler awaits a coroutine function as it is

    async def __acall__(self, request: HttpRequest) -> HttpResponse:
        if settings.CSRF_USE_SESSIONS:  # the secret lives in the session: every step may read the database
            return await csrf.CsrfViewMiddleware.__acall__(self, request)
        return await super().__acall__(request)

    async def _process_view_async(self, request: HttpRequest, callback, callback_args, callback_kwargs):
        if request.method in SAFE_METHODS or getattr(callback, "csrf_exempt", False):
            return csrf.CsrfViewMiddleware.process_view(self, request, callback, callback_args, callback_kwargs)
        return await sync_to_async(csrf.CsrfViewMiddleware.process_view, thread_sensitive=True)(
            self, request, callback, callback_args, callback_kwargs
        )
