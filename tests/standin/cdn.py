"""Discord's CDN (``https://cdn.discordapp.com``) for the images a bot downloads: user avatars, guild member
avatars and the default avatars, as Discord's reference documents them ("Image Formatting").

- ``/avatars/{user_id}/{user_avatar}.{png|jpg|jpeg|webp|gif}`` — a user's avatar, by the hash in their user object;
- ``/guilds/{guild_id}/users/{user_id}/avatars/{member_avatar}.{ext}`` — a member's server avatar;
- ``/embed/avatars/{index}.png`` — the default avatars (index 0–5; PNG only).

``?size=`` may be any power of two from 16 to 4096 (else 400); the image is served at that size, converted to the
format of the extension. A hash never uploaded is 404 (an earlier avatar's hash keeps working, as on Discord). Every
request is recorded with the REST requests (``standin.requests(route="/cdn/avatars/{user_id}/{avatar}")``) and
``standin.fail(...)`` applies to these routes too, so a test can make the CDN fail.

Served under ``/cdn`` on the stand-in: ``discord.Asset.BASE`` points there while a bot is connected.
"""

from __future__ import annotations

import hashlib
import io
import re
from typing import TYPE_CHECKING

from aiohttp import web
from PIL import Image

from .server import HttpServer, RecordedRequest

if TYPE_CHECKING:
    from .models import User

CDN_PREFIX = "/cdn"
SIZES = {2 ** n for n in range(4, 13)}  # 16 … 4096
FORMATS = {"png": ("PNG", "image/png"), "jpg": ("JPEG", "image/jpeg"), "jpeg": ("JPEG", "image/jpeg"),
           "webp": ("WEBP", "image/webp"), "gif": ("GIF", "image/gif")}
DEFAULT_COLOURS = [(88, 101, 242), (117, 126, 138), (59, 165, 92), (250, 166, 26), (237, 66, 69), (235, 69, 158)]
_ROUTES = [
    ("/cdn/avatars/{user_id}/{avatar}", re.compile(r"^/avatars/(?P<user_id>\d+)/(?P<hash>[^/.]+)\.(?P<ext>\w+)$")),
    ("/cdn/guilds/{guild_id}/users/{user_id}/avatars/{avatar}",
     re.compile(r"^/guilds/(?P<guild_id>\d+)/users/(?P<user_id>\d+)/avatars/(?P<hash>[^/.]+)\.(?P<ext>\w+)$")),
    ("/cdn/embed/avatars/{index}", re.compile(r"^/embed/avatars/(?P<index>\d+)\.(?P<ext>\w+)$")),
]


def image_hash(data: bytes) -> str:
    """A hash as Discord gives images: 32 hex digits."""
    return hashlib.md5(data, usedforsecurity=False).hexdigest()


class Cdn:
    """The images the CDN holds and its one aiohttp handler (requests and failures shared with the REST server)."""

    def __init__(self, http: HttpServer) -> None:
        self.http = http
        self.images: dict[tuple[int | None, int, str], bytes] = {}  # (guild id or None, user id, hash) → bytes

    def set_avatar(self, user: User, image: bytes | None) -> str | None:
        """Give ``user`` the avatar ``image`` (PNG/JPEG/… bytes; None: back to the default avatar); returns the
        hash now in their user object. The caller sends the gateway update if a bot is connected."""
        if image is None:
            user.avatar = None
            return None
        Image.open(io.BytesIO(image)).verify()  # only real images, as Discord's upload checks
        user.avatar = image_hash(image)
        self.images[(None, user.id, user.avatar)] = image
        return user.avatar

    async def handle(self, request: web.Request) -> web.StreamResponse:
        """Entry point for every ``/cdn/...`` request."""
        path = "/" + request.match_info.get("tail", "")
        template, found = next(((t, m) for t, regex in _ROUTES if (m := regex.match(path))), (None, None))
        params = found.groupdict() if found else {}
        rec = RecordedRequest("GET", template, CDN_PREFIX + path, params, dict(request.query), None,
                              dict(request.headers))
        self.http.requests.append(rec)
        for rule in self.http.failures:
            if rule.matches(rec.method, rec.route, rec.path):
                rule.hits += 1
                response = rule.response()
                rec.status = response.status
                return response
        if found is None:
            self.http.unimplemented.append(rec)
            rec.status = 404
            return web.Response(status=404, text=f"standin: CDN route not implemented: GET {path}")
        response = self._serve(params, request.query.get("size"))
        rec.status = response.status
        return response

    def _serve(self, params: dict[str, str], size_text: str | None) -> web.Response:
        ext = params["ext"].lower()
        if ext not in FORMATS or ("index" in params and ext != "png"):
            return web.Response(status=415, text="Unsupported media type")
        size: int | None = None
        if size_text is not None:
            if not size_text.isdigit() or int(size_text) not in SIZES:
                return web.Response(status=400, text="Invalid size: a power of two from 16 to 4096")
            size = int(size_text)
        if "index" in params:
            index = int(params["index"])
            if index >= len(DEFAULT_COLOURS):
                return web.Response(status=404, text="Not found")
            image = Image.new("RGB", (256, 256), DEFAULT_COLOURS[index])
        else:
            guild_id = int(params["guild_id"]) if "guild_id" in params else None
            data = self.images.get((guild_id, int(params["user_id"]), params["hash"]))
            if data is None:
                return web.Response(status=404, text="Not found")
            image = Image.open(io.BytesIO(data))
        if size is not None:
            image = image.resize((size, size))
        kind, content_type = FORMATS[ext]
        out = io.BytesIO()
        (image.convert("RGB") if kind == "JPEG" else image).save(out, format=kind)
        return web.Response(body=out.getvalue(), content_type=content_type)
