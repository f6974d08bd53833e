"""The CDN: avatars uploaded in the stand-in are downloaded by discord.py's own `Asset.read()`, at the size asked,
and the documented refusals (unknown hash, bad size, forced failures) reach the bot as discord.py raises them."""

from __future__ import annotations

import io

import discord
import pytest
from PIL import Image

from tests.standin import StandIn
from tests.standin.plugin import DefaultGuild

from .selftest_bot import SelfTestBot

pytestmark = pytest.mark.asyncio(loop_scope="session")


def png(colour: tuple[int, int, int], size: int = 64) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (size, size), colour).save(out, format="PNG")
    return out.getvalue()


async def test_an_uploaded_avatar_is_served_at_the_size_asked(standin: StandIn, default_guild: DefaultGuild,
                                                              bot: SelfTestBot) -> None:
    avatar = standin.set_avatar(default_guild.member, png((200, 20, 20)))
    await standin.settle()  # GUILD_MEMBER_UPDATE: the bot sees the new hash
    member = bot.get_guild(default_guild.guild.id).get_member(default_guild.member.id)
    assert member.avatar is not None and member.avatar.key == avatar
    assert member.display_avatar.url.startswith(f"{standin.world.base_url}/cdn/avatars/{member.id}/{avatar}.png")
    data = await member.display_avatar.with_size(128).read()
    image = Image.open(io.BytesIO(data))
    assert image.format == "PNG" and image.size == (128, 128)
    assert image.convert("RGB").getpixel((64, 64)) == (200, 20, 20)
    webp = await member.display_avatar.replace(format="webp", size=32).read()
    assert Image.open(io.BytesIO(webp)).format == "WEBP"
    [request] = standin.requests(route="/cdn/avatars/{user_id}/{avatar}")[:1]
    assert request.status == 200 and request.query == {"size": "128"}


async def test_default_avatars_and_refusals(standin: StandIn, default_guild: DefaultGuild, bot: SelfTestBot) -> None:
    member = bot.get_guild(default_guild.guild.id).get_member(default_guild.member.id)
    assert member.avatar is None
    default = Image.open(io.BytesIO(await member.display_avatar.read()))
    assert default.format == "PNG"
    base = f"{standin.world.base_url}/cdn"
    with pytest.raises(discord.NotFound):  # never uploaded
        await bot.http.get_from_cdn(f"{base}/avatars/{member.id}/{'0' * 32}.png?size=128")
    standin.set_avatar(default_guild.member, png((1, 2, 3)))
    hash_ = default_guild.member.user.avatar
    with pytest.raises(discord.HTTPException) as bad_size:  # not a power of two
        await bot.http.get_from_cdn(f"{base}/avatars/{member.id}/{hash_}.png?size=100")
    assert bad_size.value.status == 400
    standin.fail("GET", "/cdn/avatars/{user_id}/{avatar}", 500)
    with pytest.raises(discord.HTTPException) as failed:
        await bot.http.get_from_cdn(f"{base}/avatars/{member.id}/{hash_}.png?size=128")
    assert failed.value.status == 500
    assert [r.status for r in standin.requests(route="/cdn/avatars/{user_id}/{avatar}")] == [404, 400, 500]
    assert not standin.http.unimplemented
