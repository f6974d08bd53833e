"""`/xp import`: a CSV export (MEE6-style columns, XP or levels, optionally messages) replaces the listed members'
XP in one statement; a file with problems imports nothing and says which lines to fix."""

from __future__ import annotations

from cogs.levels import curve
from tests.kit.levels import LevelsDesk
from utils.errors import BadInput

IDS = [412_345_678_901_234_567 + n for n in range(5)]


async def _import(levels: LevelsDesk, data: bytes, *, by=None, name: str = "levels.csv") -> str:
    result = await levels.discord.slash("xp import", user=by or levels.owner, guild=levels.server,
                                        channel=levels.guild.general, file=(name, data, "text/csv"))
    assert result.ephemeral
    return result.text


async def _rows(levels: LevelsDesk) -> dict[int, tuple[int, int]]:
    rows = await levels.db.fetch("SELECT user_id, xp, messages FROM levels_members WHERE guild_id = $1",
                                 levels.server.id)
    return {r["user_id"]: (r["xp"], r["messages"]) for r in rows}


async def test_an_xp_export_with_messages(levels: LevelsDesk) -> None:
    await levels.seed(levels.member, 50)
    data = ("\ufeffUser ID,Username,XP,Level,Message Count\n"
            f"{IDS[0]},ann,\"4,200\",9,310\n"
            f"{IDS[1]},ben,0,0,0\n"
            "\n"
            f"{levels.member.id},bob,1150,5,12\n").encode()
    text = await _import(levels, data)
    assert "Imported the XP of 3 member(s): 2 new, 1 replaced, with their message counts" in text
    assert await _rows(levels) == {IDS[0]: (4200, 310), IDS[1]: (0, 0), levels.member.id: (1150, 12)}
    assert levels.heard == []  # an import announces nothing


async def test_a_levels_only_export_starts_each_member_at_their_level(levels: LevelsDesk) -> None:
    await levels.seed(levels.member, 5)
    levels.fixed_xp(20)
    await levels.talk(levels.member)  # buffered before the import: written, then replaced
    data = f"id;lvl\n{IDS[0]};3\n".replace(";", ",").encode() + f"{levels.member.id},10\n".encode()
    text = await _import(levels, data)
    assert "levels (converted to XP on MEE6's curve)" in text and "with their message counts" not in text
    rows = await _rows(levels)
    assert rows[IDS[0]][0] == curve.total_xp(3) == 475
    assert rows[levels.member.id][0] == curve.total_xp(10)
    assert rows[levels.member.id][1] == 1  # messages kept when the file has none


async def test_problems_are_listed_by_line_and_nothing_is_imported(levels: LevelsDesk) -> None:
    data = ("user_id,xp,level\n"
            f"{IDS[0]},100,1\n"
            "not-an-id,100,1\n"
            f"{IDS[1]},-5,0\n"
            f"{IDS[2]},50,3\n"
            f"{IDS[0]},200,1\n"
            f"{IDS[3]}\n").encode()
    async with levels.discord.expect_errors(BadInput):
        text = await _import(levels, data)
    assert "Nothing was imported: 5 line(s) need fixing." in text
    assert "line 3: `not-an-id` is not a Discord member id" in text
    assert "line 4: XP `-5` is not a whole number" in text
    assert "line 5: 50 XP is level 0 on MEE6's curve, but the file says level 3" in text
    assert f"line 6: member {IDS[0]} is already on line 2" in text
    assert "line 7: the `xp` column is missing" in text
    assert await _rows(levels) == {}


async def test_unreadable_files(levels: LevelsDesk) -> None:
    cases = {
        b"": "The file is empty.",
        b"name,score\nann,5\n": "no member id column",
        b"user_id,username\n123456789012345678,ann\n": "neither an `xp` nor a `level` column",
        b"user_id,xp\n": "a header but no members",
        "user_id,xp\n412345678901234567,5\xe9\n".encode("latin-1"): "not UTF-8",
    }
    async with levels.discord.expect_errors(BadInput):
        for data, expected in cases.items():
            assert expected in await _import(levels, data)
    assert await _rows(levels) == {}


async def test_only_admins_import(levels: LevelsDesk) -> None:
    result = await levels.discord.slash("xp import", user=levels.member, guild=levels.server,
                                        file=("levels.csv", f"user_id,xp\n{IDS[0]},100\n".encode(), "text/csv"),
                                        check_permissions=False)
    assert result.ephemeral and "Manage Server" in result.text
    assert await _rows(levels) == {}
