"""State, events and Home Assistant discovery over MQTT; aiomqtt is imported only when
the service connects."""

from upskit.exporters.mqtt.service import MqttService

__all__ = ["MqttService"]
