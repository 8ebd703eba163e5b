"""A thin async client of the JSON API (the OpenAPI document at /api/openapi.json describes it)."""
import time
import uuid

import httpx


class Api:
    def __init__(self, http: httpx.AsyncClient, token: str | None = None, username: str | None = None) -> None:
        self.http = http
        self.username = username
        self.headers = {"Authorization": f"Bearer {token}"} if token else {}

    @classmethod
    async def signed_up(cls, http: httpx.AsyncClient, prefix: str) -> "Api":
        """A new account (a random suffix keeps runs apart) with its bearer token."""
        username = f"{prefix}-{uuid.uuid4().hex[:8]}"
        password = f"pw-{uuid.uuid4().hex}"
        (await http.post("/api/users", json={"username": username, "email": f"{username}@example.com", "password": password})).raise_for_status()
        reply = await http.post("/api/tokens", json={"username": username, "password": password})
        reply.raise_for_status()
        return cls(http, reply.json()["token"], username)

    async def list_item(self, body: dict) -> dict:
        reply = await self.http.post("/api/items", json=body, headers=self.headers)
        reply.raise_for_status()
        return reply.json()

    async def open_items(self) -> list[dict]:
        reply = await self.http.get("/api/items", params={"status": "open", "sort": "ending"}, headers=self.headers)
        reply.raise_for_status()
        return reply.json()["items"]

    async def all_open_items(self) -> list[dict]:
        """Every open item, page by page."""
        found, page, pages = [], 1, 1
        while page <= pages:
            reply = await self.http.get("/api/items", params={"status": "open", "sort": "ending", "page": page}, headers=self.headers)
            reply.raise_for_status()
            body = reply.json()
            found.extend(body["items"])
            page, pages = page + 1, body["pages"]
        return found

    async def item(self, item_id: str) -> dict:
        reply = await self.http.get(f"/api/items/{item_id}", headers=self.headers)
        reply.raise_for_status()
        return reply.json()

    async def bid(self, item_id: str, amount: str, max_amount: str | None) -> tuple[int, dict, float]:
        """(HTTP status, reply, seconds from POST to reply)."""
        body = {"amount": amount} | ({"max_amount": max_amount} if max_amount else {})
        started = time.perf_counter()
        reply = await self.http.post(f"/api/items/{item_id}/bids", json=body, headers=self.headers)
        return reply.status_code, reply.json(), time.perf_counter() - started

    async def buy_now(self, item_id: str) -> int:
        return (await self.http.post(f"/api/items/{item_id}/buy-now", headers=self.headers)).status_code
