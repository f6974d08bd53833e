"""The gateway (websocket) side: HELLO, IDENTIFY, READY, dispatch, RESUME.

Dispatches are assigned their sequence number synchronously (``Gateway.broadcast``
can be called from plain functions) and written by a per-connection writer task,
so ordering is preserved. Events for a dropped connection are buffered and
replayed on RESUME.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import uuid
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from aiohttp import WSMsgType, web

from .models import user_payload

if TYPE_CHECKING:
    from .state import World

HEARTBEAT_INTERVAL_MS = 41250
MEMBER_CHUNK = 1000  # members per GUILD_MEMBERS_CHUNK, as on Discord
STREAM_GUILDS_OVER = 200  # a session with more guilds gets its GUILD_CREATEs from a task, STREAM_BATCH at a time
STREAM_BATCH = 5

# Gateway intents required for each event (events not listed are always sent).
INTENT_GUILDS = 1 << 0
INTENT_MEMBERS = 1 << 1
INTENT_MODERATION = 1 << 2
INTENT_EXPRESSIONS = 1 << 3
INTENT_INVITES = 1 << 6
INTENT_VOICE_STATES = 1 << 7
INTENT_GUILD_MESSAGES = 1 << 9
INTENT_GUILD_REACTIONS = 1 << 10
INTENT_DM_MESSAGES = 1 << 12
INTENT_DM_REACTIONS = 1 << 13
INTENT_MESSAGE_CONTENT = 1 << 15
INTENT_SCHEDULED_EVENTS = 1 << 16

_GUILD_EVENT_INTENTS = {
    "GUILD_CREATE": INTENT_GUILDS,
    "GUILD_UPDATE": INTENT_GUILDS,
    "GUILD_DELETE": INTENT_GUILDS,
    "GUILD_ROLE_CREATE": INTENT_GUILDS,
    "GUILD_ROLE_UPDATE": INTENT_GUILDS,
    "GUILD_ROLE_DELETE": INTENT_GUILDS,
    "CHANNEL_CREATE": INTENT_GUILDS,
    "CHANNEL_UPDATE": INTENT_GUILDS,
    "CHANNEL_DELETE": INTENT_GUILDS,
    "CHANNEL_PINS_UPDATE": INTENT_GUILDS,
    "THREAD_CREATE": INTENT_GUILDS,
    "THREAD_UPDATE": INTENT_GUILDS,
    "THREAD_DELETE": INTENT_GUILDS,
    "GUILD_EMOJIS_UPDATE": INTENT_EXPRESSIONS,
    "VOICE_STATE_UPDATE": INTENT_VOICE_STATES,
    "GUILD_MEMBER_ADD": INTENT_MEMBERS,
    "GUILD_MEMBER_UPDATE": INTENT_MEMBERS,
    "GUILD_MEMBER_REMOVE": INTENT_MEMBERS,
    "GUILD_BAN_ADD": INTENT_MODERATION,
    "GUILD_BAN_REMOVE": INTENT_MODERATION,
    "GUILD_AUDIT_LOG_ENTRY_CREATE": INTENT_MODERATION,
    "INVITE_CREATE": INTENT_INVITES,
    "INVITE_DELETE": INTENT_INVITES,
    "GUILD_SCHEDULED_EVENT_CREATE": INTENT_SCHEDULED_EVENTS,
    "GUILD_SCHEDULED_EVENT_UPDATE": INTENT_SCHEDULED_EVENTS,
    "GUILD_SCHEDULED_EVENT_DELETE": INTENT_SCHEDULED_EVENTS,
    "GUILD_SCHEDULED_EVENT_USER_ADD": INTENT_SCHEDULED_EVENTS,
    "GUILD_SCHEDULED_EVENT_USER_REMOVE": INTENT_SCHEDULED_EVENTS,
    "MESSAGE_CREATE": INTENT_GUILD_MESSAGES,
    "MESSAGE_UPDATE": INTENT_GUILD_MESSAGES,
    "MESSAGE_DELETE": INTENT_GUILD_MESSAGES,
    "MESSAGE_DELETE_BULK": INTENT_GUILD_MESSAGES,
    "MESSAGE_REACTION_ADD": INTENT_GUILD_REACTIONS,
    "MESSAGE_REACTION_REMOVE": INTENT_GUILD_REACTIONS,
    "MESSAGE_REACTION_REMOVE_ALL": INTENT_GUILD_REACTIONS,
    "MESSAGE_REACTION_REMOVE_EMOJI": INTENT_GUILD_REACTIONS,
}
_DM_EVENT_INTENTS = {
    "MESSAGE_CREATE": INTENT_DM_MESSAGES,
    "MESSAGE_UPDATE": INTENT_DM_MESSAGES,
    "MESSAGE_DELETE": INTENT_DM_MESSAGES,
    "MESSAGE_REACTION_ADD": INTENT_DM_REACTIONS,
    "MESSAGE_REACTION_REMOVE": INTENT_DM_REACTIONS,
}


@dataclass
class Session:
    """A gateway session (survives dropped connections until RESUMEd)."""

    id: str
    token: str
    intents: int
    shard: list[int] | None
    seq: int = 0
    buffer: list[tuple[int, str]] = field(default_factory=list)
    conn: Connection | None = None
    closed: bool = False
    resumed: asyncio.Event = field(default_factory=asyncio.Event)
    identify: dict[str, Any] = field(default_factory=dict)


class Connection:
    """One websocket connection and its ordered writer."""

    def __init__(self, ws: web.WebSocketResponse) -> None:
        self.ws = ws
        self.queue: asyncio.Queue[str | None] = asyncio.Queue()
        self.session: Session | None = None
        self.writer = asyncio.create_task(self._write(), name="standin-gateway-writer")

    def send(self, payload: dict[str, Any] | str) -> None:
        """Queue a frame."""
        self.queue.put_nowait(payload if isinstance(payload, str) else json.dumps(payload))

    async def _write(self) -> None:
        while True:
            frame = await self.queue.get()
            if frame is None or self.ws.closed:
                return
            try:
                await self.ws.send_str(frame)
            except ConnectionError:
                return


def _strip_content(data: dict[str, Any], bot_id: int) -> dict[str, Any]:
    """Emulate a missing MESSAGE_CONTENT intent for messages not addressed to the bot."""
    author = data.get("author", {})
    mentioned = any(m.get("id") == str(bot_id) for m in data.get("mentions", []))
    if author.get("id") == str(bot_id) or mentioned or "guild_id" not in data:
        return data
    return {**data, "content": "", "embeds": [], "attachments": [], "components": []}


def _guild_create(guild: Any, members: bool, threshold: int) -> dict[str, Any]:
    """GUILD_CREATE for a session: members only with the members intent, only the bot's own in a large guild."""
    large = guild.member_count > threshold
    payload = guild.payload(include_members=members and not large)
    payload["large"] = large
    return payload


class Gateway:
    """Sessions and connections; ``broadcast`` is installed as ``World.emit``."""

    def __init__(self, world: World) -> None:
        self.world = world
        self.sessions: dict[str, Session] = {}
        self.connections: set[Connection] = set()
        self.url = ""
        self.shard_count = 1
        self.identified = asyncio.Event()
        self.events: list[tuple[str, dict[str, Any]]] = []  # every dispatch, for assertions
        self.member_requests: list[tuple[int, dict[str, Any]]] = []  # REQUEST_GUILD_MEMBERS (op 8): guild, data
        self._streams: set[asyncio.Task[None]] = set()

    @property
    def live_sessions(self) -> list[Session]:
        """Sessions that were not closed by the bot."""
        return [s for s in self.sessions.values() if not s.closed]

    def session_for_token(self, token: str) -> Session | None:
        """Most recent live session identified with ``token``."""
        found = [s for s in self.live_sessions if s.token == token]
        return found[-1] if found else None

    # -- dispatching -----------------------------------------------------------
    def broadcast(self, event: str, data: dict[str, Any], guild_id: int | None = None) -> None:
        """Dispatch ``event`` to every live session that should receive it."""
        self.events.append((event, data))
        for session in self.live_sessions:
            if guild_id is not None and session.shard and (guild_id >> 22) % session.shard[1] != session.shard[0]:
                continue
            self.dispatch(session, event, data, guild_id)

    def dispatch(self, session: Session, event: str, data: dict[str, Any], guild_id: int | None = None) -> None:
        """Dispatch to one session, honouring its intents."""
        table = _GUILD_EVENT_INTENTS if guild_id is not None else _DM_EVENT_INTENTS
        needed = table.get(event)
        if needed is not None and not session.intents & needed:
            return
        if event in ("MESSAGE_CREATE", "MESSAGE_UPDATE") and not session.intents & INTENT_MESSAGE_CONTENT:
            data = _strip_content(data, self.world.bot_user.id)
        session.seq += 1
        frame = json.dumps({"op": 0, "t": event, "s": session.seq, "d": data})
        session.buffer.append((session.seq, frame))
        if session.conn is not None:
            session.conn.send(frame)

    # -- websocket handling ------------------------------------------------------
    async def handle(self, request: web.Request) -> web.StreamResponse:
        """aiohttp handler for ``/gateway``."""
        ws = web.WebSocketResponse(autoping=True, max_msg_size=0)
        await ws.prepare(request)
        conn = Connection(ws)
        self.connections.add(conn)
        conn.send({"op": 10, "d": {"heartbeat_interval": HEARTBEAT_INTERVAL_MS}, "s": None, "t": None})
        try:
            async for msg in ws:
                if msg.type is WSMsgType.TEXT:
                    self._on_frame(conn, json.loads(msg.data))
                elif msg.type is WSMsgType.ERROR:
                    break
        finally:
            self.connections.discard(conn)
            conn.queue.put_nowait(None)
            session = conn.session
            if session is not None and session.conn is conn:
                session.conn = None
                if ws.close_code in (1000, 1001) and not getattr(conn, "dropped", False):
                    session.closed = True
        return ws

    def _on_frame(self, conn: Connection, frame: dict[str, Any]) -> None:
        op, data = frame.get("op"), frame.get("d")
        if op == 1:
            conn.send({"op": 11, "d": None, "s": None, "t": None})
        elif op == 2:
            self._identify(conn, data or {})
        elif op == 6:
            self._resume(conn, data or {})
        elif op == 8:
            self._request_members(conn, data or {})

    def _identify(self, conn: Connection, data: dict[str, Any]) -> None:
        shard = data.get("shard")
        session = Session(uuid.uuid4().hex, data.get("token", ""), int(data.get("intents", 0)), shard, identify=data)
        self.sessions[session.id] = session
        session.conn = conn
        conn.session = session
        guilds = [g for g in self.world.guilds.values() if not shard or (g.id >> 22) % shard[1] == shard[0]]
        ready: dict[str, Any] = {
            "v": 10,
            "user": {**user_payload(self.world.bot_user), "verified": True, "mfa_enabled": False, "flags": 0},
            "guilds": [{"id": str(g.id), "unavailable": True} for g in guilds],
            "session_id": session.id,
            "session_type": "normal",
            "resume_gateway_url": self.url,
            "application": {"id": str(self.world.application_id), "flags": 0},
            "private_channels": [],
            "relationships": [],
            "presences": [],
            "guild_join_requests": [],
            "geo_ordered_rtc_regions": [],
            "user_settings": {},
        }
        if shard:
            ready["shard"] = shard
        self.dispatch(session, "READY", ready)
        members = bool(session.intents & INTENT_MEMBERS)
        # Discord's large_threshold (IDENTIFY, 50 to 250, default 50; discord.py sends 250): a guild with more
        # members is "large" and its GUILD_CREATE carries only the bot's own member (no presences here); the
        # client asks for the others with REQUEST_GUILD_MEMBERS (op 8), answered in chunks of 1,000.
        threshold = min(max(int(data.get("large_threshold") or 50), 50), 250)
        if len(guilds) <= STREAM_GUILDS_OVER:
            for guild in guilds:
                self.dispatch(session, "GUILD_CREATE", _guild_create(guild, members, threshold), guild.id)
            self.identified.set()
        else:  # a big world: READY now, then the guilds a few at a time, so the loop keeps serving everyone
            task = asyncio.create_task(self._stream_guilds(session, guilds, members, threshold),
                                       name="standin-guild-creates")
            self._streams.add(task)
            task.add_done_callback(self._streams.discard)

    async def _stream_guilds(self, session: Session, guilds: list[Any], members: bool, threshold: int) -> None:
        for n, guild in enumerate(guilds, start=1):
            if session.closed:
                return
            self.dispatch(session, "GUILD_CREATE", _guild_create(guild, members, threshold), guild.id)
            if n % STREAM_BATCH == 0:
                # At the pace of the writer (the socket): the client sees a steady flow of guilds, never a pause
                # longer than its guild_ready_timeout while the next ones are being serialised.
                while session.conn is not None and session.conn.queue.qsize() > STREAM_BATCH:  # noqa: ASYNC110
                    await asyncio.sleep(0.001)  # (the writer signals nothing per frame)
                await asyncio.sleep(0)
        self.identified.set()

    def _resume(self, conn: Connection, data: dict[str, Any]) -> None:
        session = self.sessions.get(data.get("session_id", ""))
        if session is None or session.closed or session.token != data.get("token"):
            conn.send({"op": 9, "d": False, "s": None, "t": None})
            return
        session.conn = conn
        conn.session = session
        last = int(data.get("seq") or 0)
        for seq, frame in session.buffer:
            if seq > last:
                conn.send(frame)
        self.dispatch(session, "RESUMED", {})
        session.resumed.set()

    def _request_members(self, conn: Connection, data: dict[str, Any]) -> None:
        session = conn.session
        guild = self.world.guilds.get(int(data.get("guild_id", 0)))
        if session is None or guild is None:
            return
        members = list(guild.members.values())
        if data.get("user_ids"):
            wanted = {int(u) for u in data["user_ids"]}
            members = [m for m in members if m.user.id in wanted]
        elif data.get("query"):
            members = [m for m in members if m.user.username.lower().startswith(str(data["query"]).lower())]
        if data.get("limit"):
            members = members[:int(data["limit"])]
        self.member_requests.append((int(guild.id), data))
        parts = [members[i:i + MEMBER_CHUNK] for i in range(0, len(members), MEMBER_CHUNK)] or [[]]
        for index, part in enumerate(parts):
            chunk: dict[str, Any] = {
                "guild_id": str(guild.id),
                "members": [self.world.member_payload(m) for m in part],
                "chunk_index": index,
                "chunk_count": len(parts),
                "not_found": [],
            }
            if data.get("nonce"):
                chunk["nonce"] = data["nonce"]
            self.dispatch(session, "GUILD_MEMBERS_CHUNK", chunk, guild.id)

    async def drop(self, session: Session) -> None:
        """Close the session's connection abnormally (4000) so the bot RESUMEs."""
        conn = session.conn
        if conn is None:
            return
        conn.dropped = True  # type: ignore[attr-defined]
        session.resumed.clear()
        session.conn = None
        with contextlib.suppress(Exception):
            await conn.ws.close(code=4000, message=b"standin drop")
