"""A fake Slack Socket Mode server (WebSocket, 127.0.0.1) that pushes envelopes and records acks.

Point the fake Web API's ``apps.connections.open`` at ``server.url``; every bot that connects
gets Slack's ``hello`` frame. A test then pushes envelopes (events, slash commands, clicks)
to one connection or spreads them over all, and waits for the bot's ack frames.
"""

from __future__ import annotations

import asyncio
import json
import threading
import uuid
from typing import Any

from websockets.asyncio.server import Server, ServerConnection, serve
from websockets.exceptions import ConnectionClosed

from tests.reference import slack_example


class FakeSocketMode:
    """Runs its own event loop in a thread; every public method is safe to call from tests."""

    def __init__(self) -> None:
        self.acks: dict[str, list[dict[str, Any]]] = {}
        self.connections: list[ServerConnection] = []
        self.connects = 0
        self._cond = threading.Condition()
        self._loop = asyncio.new_event_loop()
        self._thread = threading.Thread(target=self._loop.run_forever, daemon=True)
        self._server: Server | None = None

    def start(self) -> FakeSocketMode:
        self._thread.start()

        async def open_server() -> Server:
            return await serve(self._session, "127.0.0.1", 0)

        self._server = asyncio.run_coroutine_threadsafe(open_server(), self._loop).result(10)
        return self

    def close(self) -> None:
        async def stop() -> None:
            if self._server is not None:
                self._server.close()
                await self._server.wait_closed()

        asyncio.run_coroutine_threadsafe(stop(), self._loop).result(10)
        self._loop.call_soon_threadsafe(self._loop.stop)
        self._thread.join(5)

    def __enter__(self) -> FakeSocketMode:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.close()

    @property
    def url(self) -> str:
        assert self._server is not None
        port = next(iter(self._server.sockets)).getsockname()[1]
        return f"ws://127.0.0.1:{port}/link/?ticket={uuid.uuid4().hex}&app_id=A0ACRBOT01"

    # -- the WebSocket side ---------------------------------------------------------------

    async def _session(self, connection: ServerConnection) -> None:
        with self._cond:
            self.connections.append(connection)
            self.connects += 1
            self._cond.notify_all()
        try:
            await connection.send(json.dumps(slack_example("socket_mode/hello.json")))
            async for frame in connection:
                try:
                    message = json.loads(frame)
                except (TypeError, ValueError):
                    continue
                envelope_id = message.get("envelope_id") if isinstance(message, dict) else None
                if envelope_id:
                    with self._cond:
                        self.acks.setdefault(envelope_id, []).append(message)
                        self._cond.notify_all()
        except ConnectionClosed:
            pass
        finally:
            with self._cond:
                if connection in self.connections:
                    self.connections.remove(connection)
                self._cond.notify_all()

    # -- test controls --------------------------------------------------------------------

    def wait_connections(self, count: int = 1, timeout: float = 15.0) -> None:
        with self._cond:
            if not self._cond.wait_for(lambda: len(self.connections) >= count, timeout):
                raise AssertionError(f"{len(self.connections)} of {count} bots connected")

    def wait_connects(self, total: int, timeout: float = 15.0) -> None:
        """Wait until ``total`` connections have been opened since the start (reconnects count)."""
        with self._cond:
            opened = self._cond.wait_for(
                lambda: self.connects >= total and bool(self.connections), timeout
            )
            if not opened:
                raise AssertionError(f"{self.connects} connections, expected {total}")

    def send(self, envelope: dict[str, Any], connection: int = 0) -> str:
        """Push one envelope to connection number ``connection``; return its envelope id."""
        with self._cond:
            target = self.connections[connection % len(self.connections)]
        text = json.dumps(envelope)
        asyncio.run_coroutine_threadsafe(target.send(text), self._loop).result(10)
        return str(envelope.get("envelope_id", ""))

    def wait_ack(self, envelope_id: str, timeout: float = 10.0) -> dict[str, Any]:
        """The first ack frame for ``envelope_id`` (raise if none arrives in time)."""
        with self._cond:
            if not self._cond.wait_for(lambda: envelope_id in self.acks, timeout):
                raise AssertionError(f"no ack for envelope {envelope_id}")
            return self.acks[envelope_id][0]

    def drop_all(self) -> None:
        """Close every connection from the server side (the bots should reconnect)."""
        with self._cond:
            targets = list(self.connections)
        for connection in targets:
            asyncio.run_coroutine_threadsafe(connection.close(), self._loop).result(10)


def _envelope(kind: str, payload: dict[str, Any], accepts_response: bool) -> dict[str, Any]:
    return {
        "envelope_id": str(uuid.uuid4()),
        "payload": payload,
        "type": kind,
        "accepts_response_payload": accepts_response,
    }


def events_envelope(body: dict[str, Any], retry_attempt: int = 0) -> dict[str, Any]:
    """Wrap an Events API body as Slack's Socket Mode does (a retry carries retry_attempt)."""
    envelope = _envelope("events_api", body, accepts_response=False)
    envelope.update(retry_attempt=retry_attempt, retry_reason="timeout" if retry_attempt else "")
    return envelope


def command_envelope(payload: dict[str, Any]) -> dict[str, Any]:
    return _envelope("slash_commands", payload, accepts_response=True)


def interactive_envelope(payload: dict[str, Any]) -> dict[str, Any]:
    return _envelope("interactive", payload, accepts_response=False)
