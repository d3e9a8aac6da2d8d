"""``--mqtt HOST[:PORT]`` for ``upskit run``: turns the MQTT service on for this broker."""

from __future__ import annotations

import argparse
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from upskit.config.settings import Settings


def parse_mqtt(text: str) -> tuple[str, int | None]:
    """``HOST``, ``HOST:PORT`` or ``[V6]:PORT``."""
    from upskit.config.integrations_conf import broker
    from upskit.config.values import BadValue

    try:
        return broker(text)
    except BadValue as exc:
        raise argparse.ArgumentTypeError(f"--mqtt {exc}") from None


def add_mqtt_argument(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--mqtt", type=parse_mqtt, metavar="HOST[:PORT]",
        help="publish state, events and Home Assistant discovery to this MQTT broker "
             "(needs upskit[mqtt]; other settings from upskit-mqtt.conf or [mqtt])")


def apply_mqtt(settings: Settings, broker: tuple[str, int | None] | None) -> None:
    """Turn the MQTT service on for ``broker`` (from ``--mqtt``), over the configuration."""
    if broker is not None:
        mqtt = settings.mqtt
        mqtt.enabled, (mqtt.host, mqtt.port) = True, broker
        mqtt.origin = "--mqtt"
