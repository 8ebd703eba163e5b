"""Django's middleware run in the event loop (`auction.inline_middleware`): an async request pays no thread
hop per middleware method, and what must read a form or write the session still does, in the sync thread.

The requests go through Django's async handler (`AsyncClient`), the mode uvicorn serves the site in.
"""
import pytest
from asgiref import sync
from asgiref.sync import async_to_sync
from django.test import AsyncClient

pytestmark = pytest.mark.django_db


@pytest.fixture
def hops(monkeypatch) -> list[str]:
    """The name of every function a request runs through `sync_to_async` (a hop to the sync thread)."""
    ran: list[str] = []
    hop = sync.SyncToAsync.__call__

    async def counted(self, *args, **kwargs):
        ran.append(getattr(self.func, "__qualname__", repr(self.func)))
        return await hop(self, *args, **kwargs)

    monkeypatch.setattr(sync.SyncToAsync, "__call__", counted)
    return ran


def test_an_async_request_runs_every_middleware_without_a_thread_hop(hops):
    response = async_to_sync(AsyncClient().get)("/api/openapi.json")

    assert response.status_code == 200
    assert response["X-Frame-Options"] == "DENY"  # the middleware did run: their headers are there
    assert response["X-Content-Type-Options"] == "nosniff"
    assert [name for name in hops if "Middleware" in name] == []


def test_a_form_post_is_csrf_checked_and_a_login_saves_the_session(make_user, password, hops):
    person = make_user()
    client = AsyncClient(enforce_csrf_checks=True)
    credentials = {"username": person.username, "password": password}

    refused = async_to_sync(client.post)("/accounts/login/", credentials)
    assert refused.status_code == 403

    form = async_to_sync(client.get)("/accounts/login/")
    token = form.cookies["csrftoken"].value  # set by the CSRF middleware, in the event loop
    hops.clear()
    logged_in = async_to_sync(client.post)("/accounts/login/", credentials | {"csrfmiddlewaretoken": token})
    assert logged_in.status_code == 302
    assert "CsrfViewMiddleware.process_view" in hops  # the check read the form in the sync thread
    assert "SessionMiddleware.process_response" in hops  # and the new session was saved there

    account = async_to_sync(client.get)("/account/")
    assert account.status_code == 200
    assert person.username in account.content.decode()
