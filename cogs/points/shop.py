"""`/shop list|add|edit|remove`: the guild's shop of role items, temporary roles and custom rewards; mixed into the
points cog. Listing is for everyone; changing the shop needs Manage Server, and a role item also passes the
role-safety check against the admin who sets its role (Manage Roles, below their highest role, nothing dangerous
unless they are the owner or an Administrator) — checked again at every purchase (`buying.py`)."""

from __future__ import annotations

import discord
from discord import app_commands

from cogs.points import repo
from cogs.points.contract import MixinMeta
from cogs.points.render import COLOUR, ITEM_KINDS, clean, item_line, item_what, points
from cogs.points.settings import MAX_AMOUNT
from core import duration_input
from core.role_safety import check_role_grant
from utils.errors import BadInput, UserFacingError
from utils.paginator import Paginator

MAX_ITEMS = 50  # per guild
SHOP_PAGE = 10
MAX_DURATION = 365 * 86400
Price = app_commands.Range[int, 1, MAX_AMOUNT]
ItemName = app_commands.Range[str, 1, 60]
Description = app_commands.Range[str, 1, 200]
DurationText = app_commands.Range[str, 1, 30]
KIND_CHOICES = [app_commands.Choice(name=words, value=kind) for kind, words in ITEM_KINDS.items()]


def parse_duration(text: str) -> int:
    """How long a temporary role lasts, in seconds (1 minute to a year); `BadInput` otherwise."""
    return duration_input.parse_duration(text, maximum=MAX_DURATION, what="temporary role",
                                         example="/shop add … kind:temporary role duration:7d")


def _name(text: str) -> str:
    name = " ".join(text.split())
    if not name:
        raise BadInput("The item needs a name.", example="/shop add name:VIP price:500 kind:role role:@VIP")
    return name


class ShopMixin(MixinMeta):
    """The shop's listing and its admin commands."""

    shop = app_commands.Group(name="shop", description="The points shop", guild_only=True)

    @shop.command(name="list", description="What the shop sells (buy with /buy)")
    async def shop_list(self, interaction: discord.Interaction) -> None:
        guild_id = interaction.guild_id

        async def page(index: int) -> tuple[discord.Embed, int]:
            items, total = await repo.items_page(self.pool, guild_id, SHOP_PAGE, index * SHOP_PAGE)
            embed = discord.Embed(title="🛒 Shop", colour=COLOUR,
                                  description="\n".join(item_line(item) for item in items)[:4000]
                                  or "The shop is empty for now.")
            embed.set_author(name="Buy with /buy item:<name>")
            return embed, total

        await Paginator(interaction.user.id, page, SHOP_PAGE).send(interaction)

    @shop.command(name="add", description="Add an item to the shop (admins)")
    @app_commands.describe(name="What the item is called", price="Its price in points",
                           kind="A role for good, a role for a time, or a custom reward staff hand out",
                           role="The role it gives (role items)", duration="How long a temporary role lasts, e.g. 7d",
                           description="A line about it")
    @app_commands.choices(kind=KIND_CHOICES)
    @app_commands.checks.has_permissions(manage_guild=True)
    async def shop_add(self, interaction: discord.Interaction, name: ItemName, price: Price, kind: str,
                       role: discord.Role | None = None, duration: DurationText | None = None,
                       description: Description | None = None) -> None:
        guild = interaction.guild
        clean_name = _name(name)
        seconds = self._kind_parts(interaction, kind, role, duration)
        if await repo.item_count(self.pool, guild.id) >= MAX_ITEMS:
            raise UserFacingError(f"The shop holds at most {MAX_ITEMS} items: remove one first (`/shop remove`).")
        item = await repo.add_item(self.pool, guild.id, clean_name, (description or "").strip(), kind, price,
                                   role.id if role else None, seconds, interaction.user.id, self.bot.clock.now())
        if item is None:
            raise BadInput(f"The shop already has an item called **{clean(clean_name)}**.",
                           example=f"/shop edit item:{clean_name} price:{price}")
        await interaction.response.send_message(
            f"✅ Added **{clean(item.name)}** for {points(item.price)}: {item_what(item)}.", ephemeral=True)

    def _kind_parts(self, interaction: discord.Interaction, kind: str, role: discord.Role | None,
                    duration: str | None) -> int | None:
        """Check that the options fit the kind (and the role is safe to hand out); the duration in seconds."""
        if kind not in ITEM_KINDS:
            raise BadInput("Pick the kind from the list: role, temporary role or custom reward.")
        if kind == "custom":
            if role is not None or duration is not None:
                raise BadInput("A custom reward gives no role and has no duration: staff hand it out.",
                               example="/shop add name:Custom emoji price:300 kind:custom reward")
            return None
        if role is None:
            raise BadInput("A role item needs its role.", example="/shop add name:VIP price:500 kind:role role:@VIP")
        check_role_grant(role, interaction.user, interaction.guild.me)  # against the admin setting it
        if kind == "role":
            if duration is not None:
                raise BadInput("Only a temporary role has a duration: pick kind temporary role.")
            return None
        if duration is None:
            raise BadInput("A temporary role needs its duration.", example="/shop add … kind:temporary role "
                                                                           "duration:7d")
        return parse_duration(duration)

    @shop.command(name="edit", description="Change a shop item (only what you give; admins)")
    @app_commands.describe(item="The item", name="A new name", price="A new price", description="A new line about it",
                           role="A new role (role items)", duration="A new duration (temporary roles), e.g. 7d")
    @app_commands.checks.has_permissions(manage_guild=True)
    async def shop_edit(self, interaction: discord.Interaction, item: ItemName, name: ItemName | None = None,
                        price: Price | None = None, description: Description | None = None,
                        role: discord.Role | None = None, duration: DurationText | None = None) -> None:
        guild = interaction.guild
        found = await self._item(guild.id, item)
        if name is None and price is None and description is None and role is None and duration is None:
            raise BadInput("Give at least one thing to change.", example=f"/shop edit item:{found.name} price:250")
        if role is not None and found.kind == "custom":
            raise BadInput("A custom reward gives no role.")
        if duration is not None and found.kind != "temp_role":
            raise BadInput("Only a temporary role has a duration.")
        role_id, role_set_by = found.role_id, found.role_set_by
        if role is not None:
            check_role_grant(role, interaction.user, guild.me)
            role_id, role_set_by = role.id, interaction.user.id  # the grant is checked against this admin now
        seconds = parse_duration(duration) if duration is not None else found.duration_seconds
        edited = await repo.edit_item(
            self.pool, guild.id, found.id, name=_name(name) if name is not None else found.name,
            description=description.strip() if description is not None else found.description,
            price=price if price is not None else found.price, role_id=role_id, duration=seconds,
            role_set_by=role_set_by)
        if edited is None:
            raise BadInput(f"The shop already has an item called **{clean(name or '')}**.")
        await interaction.response.send_message(
            f"✅ **{clean(edited.name)}** now costs {points(edited.price)} and gives {item_what(edited)}.",
            ephemeral=True)

    @shop.command(name="remove", description="Take an item out of the shop (admins)")
    @app_commands.describe(item="The item")
    @app_commands.checks.has_permissions(manage_guild=True)
    async def shop_remove(self, interaction: discord.Interaction, item: ItemName) -> None:
        found = await self._item(interaction.guild_id, item)
        await repo.remove_item(self.pool, interaction.guild_id, found.id, self.bot.clock.now())
        await interaction.response.send_message(
            f"🗑️ **{clean(found.name)}** is no longer sold. Requests already made can still be decided; "
            "temporary roles already bought still run out on time.", ephemeral=True)

    async def _item(self, guild_id: int, name: str) -> repo.ShopItem:
        found = await repo.item_named(self.pool, guild_id, " ".join(name.split()))
        if found is None:
            raise BadInput(f"The shop has no item called **{clean(name)[:100]}**.", example="/shop list")
        return found

    @shop_edit.autocomplete("item")
    @shop_remove.autocomplete("item")
    async def _admin_item_choices(self, interaction: discord.Interaction,
                                  current: str) -> list[app_commands.Choice[str]]:
        return await self.item_choices(interaction, current)

    async def item_choices(self, interaction: discord.Interaction, current: str) -> list[app_commands.Choice[str]]:
        """The shop's items matching what was typed (the command's own checks ran first: the command tree)."""
        found = await repo.item_names(self.pool, interaction.guild_id, current.strip()[:60])
        return [app_commands.Choice(name=f"{name} — {points(price)}"[:100], value=name) for name, price in found]
