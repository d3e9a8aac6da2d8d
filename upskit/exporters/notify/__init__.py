"""The monitor's notifications sent to Apprise URLs (e-mail, ntfy, Telegram, Slack,
webhooks ...); Apprise is imported only when targets are configured."""

from upskit.exporters.notify.service import NotifyService

__all__ = ["NotifyService"]
