"""The dashboard's side of Discord's OAuth2 authorization-code flow (scopes `identify guilds`).

The access token is used for two reads (the user, their guilds) inside `login_identity` and never leaves it: it is
not stored, logged or returned.
"""

from __future__ import annotations

import urllib.parse
from dataclasses import dataclass

import httpx

SCOPES = "identify guilds"
TIMEOUT = httpx.Timeout(10.0)


class LoginFailed(Exception):
    """Discord refused the code or could not be reached: the message is for the person logging in."""


@dataclass(frozen=True)
class Identity:
    """Who logged in, and the guild ids they were in at that moment (informative only: access is re-checked)."""

    user_id: int
    name: str
    guild_ids: frozenset[int]


@dataclass(frozen=True)
class OAuthClient:
    """The application's OAuth2 client."""

    api_base: str  # e.g. https://discord.com/api/v10
    client_id: str
    client_secret: str
    redirect_uri: str

    def authorize_url(self, state: str) -> str:
        """Where the browser goes to approve the login."""
        query = urllib.parse.urlencode({"response_type": "code", "client_id": self.client_id, "scope": SCOPES,
                                        "state": state, "redirect_uri": self.redirect_uri, "prompt": "none"})
        return f"{self.api_base}/oauth2/authorize?{query}"

    async def login_identity(self, code: str) -> Identity:
        """Exchange the code, read the user and their guilds, drop the token."""
        form = {"grant_type": "authorization_code", "code": code, "redirect_uri": self.redirect_uri}
        try:
            async with httpx.AsyncClient(base_url=self.api_base, timeout=TIMEOUT) as client:
                answer = await client.post("/oauth2/token", data=form, auth=(self.client_id, self.client_secret))
                if answer.status_code != 200:
                    raise LoginFailed(_refusal(answer))
                headers = {"Authorization": f"Bearer {answer.json()['access_token']}"}
                user = await client.get("/users/@me", headers=headers)
                guilds = await client.get("/users/@me/guilds", headers=headers)
        except httpx.HTTPError as exc:
            raise LoginFailed("Discord could not be reached to finish the login; try again in a minute.") from exc
        if user.status_code != 200 or guilds.status_code != 200:
            raise LoginFailed("Discord did not share your account and servers with Hearth; log in again and allow "
                              "both.")
        me = user.json()
        return Identity(int(me["id"]), str(me.get("global_name") or me.get("username") or me["id"]),
                        frozenset(int(guild["id"]) for guild in guilds.json()))


def _refusal(answer: httpx.Response) -> str:
    try:
        error = answer.json().get("error", "")
    except ValueError:
        error = ""
    if error == "invalid_client":
        return ("Discord refused this bot's OAuth2 client: the operator must check DISCORD_CLIENT_ID and "
                "DISCORD_CLIENT_SECRET.")
    return "This login link was already used or has expired; log in again."
