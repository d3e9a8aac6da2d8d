"""The MQTT runtime service: one connection to a broker, kept up with back-off."""

from __future__ import annotations

import asyncio
import collections
import contextlib
import json
import logging
import time
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from upskit import __version__
from upskit.config.settings import Settings
from upskit.exporters.mqtt.commands import CommandHandler
from upskit.exporters.mqtt.discovery import Topics, available, discovery, state_document
from upskit.model import Device, DeviceEvent, DeviceRegistry, EventKind
from upskit.model.follow import DeviceFollower

if TYPE_CHECKING:
    import ssl

    import aiomqtt

log = logging.getLogger(__name__)

#: Seconds a burst of variable changes is gathered into one state message.
COALESCE = 0.1
#: First pause before reconnecting, doubled after each failure up to ``reconnect_max``.
BACKOFF_START = 0.5
#: Seconds one publish or the connection handshake may take.
TIMEOUT = 10.0
_EVENTS = {EventKind.STATUS: "status", EventKind.STALE: "stale", EventKind.OK: "ok",
           EventKind.FSD: "fsd", EventKind.FSD_CLEARED: "fsd-cleared"}

Outgoing = tuple[str, str, bool]  # topic, payload, retain


class MqttService:
    """Publishes every UPS's state (a retained JSON document), its availability, its
    events and notifications, and Home Assistant discovery entities; runs commands
    received on ``<topic>/<ups>/command/<user>`` for the configured users, within their
    upsd.users rights.

    The broker being away never touches the UPSes: state is republished in full once
    the connection is back (with discovery), and events wait in a bounded queue (the
    oldest dropped).  The connection is retried with a doubling pause up to
    ``reconnect_max``; the broker publishes ``offline`` on ``<topic>/status`` (the last
    will) when this process goes away.
    """

    name = "mqtt"

    def __init__(self, registry: DeviceRegistry, settings: Settings, *,
                 clock: Callable[[], float] = time.time) -> None:
        self.registry = registry
        self.settings = settings
        self.clock = clock
        self.connected = False
        self.dropped = 0
        self._events: collections.deque[Outgoing] = collections.deque(
            maxlen=settings.mqtt.queue)
        self._dirty: set[str] = set()
        #: Retained messages to clear (a removed UPS): the last word per topic, unbounded
        #: by the event queue since there are only so many topics.
        self._retained: dict[str, str] = {}
        self._wake = asyncio.Event()
        self._published: dict[str, tuple[str, list[str]]] = {}  # ups -> (signature, topics)
        self._follower = DeviceFollower(registry, self._on_device, watched=self._watched,
                                        removed=self._forget)
        self._task: asyncio.Task[None] | None = None
        self._client: aiomqtt.Client | None = None
        self._status_topic = f"{settings.mqtt.topic}/status"
        self.commands = CommandHandler(registry, lambda: self.settings, self._queue_result)

    @property
    def topic(self) -> str:
        return self.settings.mqtt.topic

    # ------------------------------------------------------------ life cycle
    async def start(self) -> None:
        self._follower.start()
        self._task = asyncio.create_task(self._run(), name="mqtt")

    async def stop(self) -> None:
        self._follower.stop()
        client = self._client
        if client is not None and self.connected:
            with contextlib.suppress(Exception):
                async with asyncio.timeout(2.0):  # the connection's topic, before a reload
                    await client.publish(self._status_topic, "offline", qos=1, retain=True)
        task, self._task = self._task, None
        if task is not None:
            task.cancel()
            await asyncio.wait({task}, timeout=5.0)
        await self.commands.aclose()
        self.connected = False

    async def reload(self, settings: Settings) -> None:
        old, self.settings = self.settings, settings
        if old.mqtt != settings.mqtt:
            await self.stop()
            self._events = collections.deque(self._events, maxlen=settings.mqtt.queue)
            self._published.clear()
            if settings.mqtt.enabled:
                log.info("mqtt: new settings; reconnecting")
                await self.start()
            else:
                log.info("mqtt: turned off")
        elif old.users != settings.users:  # buttons follow the command user's rights
            self._published.clear()
            self._dirty.update(d.name for d in self.registry)
            self._wake.set()

    def problems(self) -> list[str]:
        """Always empty: an unreachable broker is logged and retried, never a reason to
        restart the process that protects the system."""
        return []

    # ---------------------------------------------------------- model events
    def _watched(self, device: Device) -> None:
        self._dirty.add(device.name)
        self._wake.set()

    def _on_device(self, event: DeviceEvent) -> None:
        self._dirty.add(event.device)
        self._wake.set()
        kind = _EVENTS.get(event.kind)
        if kind is not None:
            self._event(event.device, {"type": kind, "status": event.value}
                        if kind == "status" else {"type": kind})

    def notification(self, kind: str, ups: str, message: str) -> None:
        """A notification of the monitor (its listener): published as an event of the UPS
        (``ups@host`` names a local UPS by its name), or of the process."""
        name = ups.split("@", 1)[0]
        body = {"type": "notification", "notification": kind, "system": ups,
                "message": message}
        if name and self.registry.get(name) is not None:
            self._event(name, body)
        else:
            self._queue(f"{self.topic}/event", json.dumps({"time": self.clock(), **body}))

    def _event(self, ups: str, body: dict[str, Any]) -> None:
        self._queue(Topics(self.topic, ups).event,
                    json.dumps({"time": self.clock(), "ups": ups, **body}))

    def _queue_result(self, ups: str, body: dict[str, Any]) -> None:
        self._queue(Topics(self.topic, ups).result, json.dumps({"time": self.clock(), **body}))

    def _queue(self, topic: str, payload: str, retain: bool = False) -> None:
        if len(self._events) == self._events.maxlen:
            self.dropped += 1
            if self.dropped == 1 or self.dropped % 100 == 0:
                log.warning("mqtt: %d queued message(s) dropped while the broker is away",
                            self.dropped)
        self._events.append((topic, payload, retain))
        self._wake.set()

    def _forget(self, ups: str) -> None:
        """Remove a UPS no longer configured: its entities, state and availability."""
        self._dirty.discard(ups)
        _signature, topics = self._published.pop(ups, ("", []))
        names = Topics(self.topic, ups)
        for topic in [*topics, names.state, names.availability]:
            self._retained[topic] = ""
        self._wake.set()

    # ------------------------------------------------------------ connection
    async def _run(self) -> None:
        import aiomqtt

        mqtt = self.settings.mqtt
        delay = BACKOFF_START
        failures = 0
        while True:
            try:
                async with self._make_client() as client:
                    self._client = client
                    self.connected = True
                    log.info("mqtt: connected to %s:%d", mqtt.host, mqtt.broker_port)
                    delay, failures = BACKOFF_START, 0
                    await self._serve(client)
            except aiomqtt.MqttError as exc:
                failures += 1
                level = logging.WARNING if failures == 1 else logging.DEBUG
                log.log(level, "mqtt: broker %s:%d: %s; retrying (up to every %g s)",
                        mqtt.host, mqtt.broker_port, exc, mqtt.reconnect_max)
            except OSError as exc:  # TLS files that cannot be read, for one
                failures += 1
                log.error("mqtt: cannot connect to %s:%d: %s", mqtt.host, mqtt.broker_port,
                          exc)
            except Exception:  # a bug here must not end publishing for good
                failures += 1
                log.exception("mqtt: unexpected failure; reconnecting")
            finally:
                self._client = None
                self.connected = False
            await asyncio.sleep(delay)
            delay = min(delay * 2, mqtt.reconnect_max)

    def _make_client(self) -> aiomqtt.Client:
        import aiomqtt

        mqtt = self.settings.mqtt
        return aiomqtt.Client(
            mqtt.host, mqtt.broker_port, username=mqtt.username, password=mqtt.password,
            identifier=mqtt.client_id, keepalive=mqtt.keepalive, timeout=TIMEOUT,
            will=aiomqtt.Will(f"{mqtt.topic}/status", "offline", qos=1, retain=True),
            tls_context=self._tls_context() if mqtt.tls else None,
            logger=logging.getLogger("upskit.exporters.mqtt.client"))

    def _tls_context(self) -> ssl.SSLContext:
        import ssl

        mqtt = self.settings.mqtt
        context = ssl.create_default_context(cafile=mqtt.cafile)
        if mqtt.certfile:
            context.load_cert_chain(mqtt.certfile, mqtt.keyfile)
        if mqtt.tls_insecure:
            context.check_hostname = False
            context.verify_mode = ssl.CERT_NONE
        return context

    async def _serve(self, client: aiomqtt.Client) -> None:
        mqtt = self.settings.mqtt
        self._status_topic = f"{mqtt.topic}/status"
        await client.publish(self._status_topic, "online", qos=1, retain=True)
        if mqtt.discovery:
            await client.subscribe(f"{mqtt.discovery_prefix}/status")
        if mqtt.command_users:
            await client.subscribe(f"{mqtt.topic}/+/command/+", qos=1)
        self._published.clear()  # the broker may have lost its retained messages
        self._dirty.update(d.name for d in self.registry)
        self._wake.set()
        sender = asyncio.create_task(self._send(client), name="mqtt-send")
        receiver = asyncio.create_task(self._receive(client), name="mqtt-receive")
        try:
            done, _pending = await asyncio.wait({sender, receiver},
                                                return_when=asyncio.FIRST_COMPLETED)
            for task in done:
                task.result()
        finally:
            for task in (sender, receiver):
                task.cancel()
            await asyncio.wait({sender, receiver}, timeout=5.0)

    async def _send(self, client: aiomqtt.Client) -> None:
        while True:
            await self._wake.wait()
            self._wake.clear()
            await asyncio.sleep(COALESCE)
            for topic, payload in list(self._retained.items()):
                await client.publish(topic, payload, qos=1, retain=True)
                self._retained.pop(topic, None)
            for name in list(self._dirty):
                self._dirty.discard(name)
                device = self.registry.get(name)
                if device is None:
                    continue
                try:
                    await self._publish_device(client, device)
                except BaseException:
                    self._dirty.add(name)
                    raise
            while self._events:
                topic, payload, retain = self._events[0]
                await client.publish(topic, payload, qos=1, retain=retain)
                self._events.popleft()

    async def _publish_device(self, client: aiomqtt.Client, device: Device) -> None:
        mqtt = self.settings.mqtt
        snapshot = device.snapshot()
        topics = Topics(mqtt.topic, device.name)
        if mqtt.discovery:
            configs = discovery(snapshot, mqtt, self.settings.users, __version__)
            signature = json.dumps(configs, sort_keys=True)
            before, old_topics = self._published.get(device.name, ("", []))
            if signature != before:
                for topic, config in configs.items():
                    await client.publish(topic, json.dumps(config), qos=1, retain=True)
                for topic in set(old_topics) - set(configs):
                    await client.publish(topic, "", qos=1, retain=True)
                self._published[device.name] = (signature, list(configs))
        await client.publish(topics.availability,
                             "online" if available(snapshot) else "offline",
                             qos=1, retain=True)
        await client.publish(topics.state, json.dumps(state_document(snapshot)),
                             qos=1, retain=True)

    async def _receive(self, client: aiomqtt.Client) -> None:
        mqtt = self.settings.mqtt
        async for message in client.messages:
            topic = str(message.topic)
            payload = message.payload
            text = payload.decode("utf-8", "replace") if isinstance(payload, bytes | bytearray) \
                else str(payload or "")
            if topic == f"{mqtt.discovery_prefix}/status":
                if text.strip() == "online":  # Home Assistant restarted: discover again
                    self._published.clear()
                    self._dirty.update(d.name for d in self.registry)
                    self._wake.set()
                continue
            if message.retain:  # an old command kept by the broker is never run again
                log.warning("mqtt: retained message on %s ignored (commands must not be "
                            "retained)", topic)
                continue
            self.commands.received(topic, text)
