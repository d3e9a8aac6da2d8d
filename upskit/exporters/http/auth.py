"""NUT's users (upsd.users) over HTTP Basic authentication, and what each may do."""

from __future__ import annotations

import base64
import binascii
import hmac
from collections.abc import Mapping
from dataclasses import dataclass

from upskit.config.settings import UserSettings


@dataclass(frozen=True)
class Credentials:
    """What a request's ``Authorization: Basic`` header says (None when absent)."""

    username: str
    password: str


def parse_basic(header: str | None) -> Credentials | None:
    """The user and password of a Basic header; None when absent or malformed."""
    if not header:
        return None
    scheme, _, token = header.partition(" ")
    if scheme.lower() != "basic" or not token:
        return None
    try:
        text = base64.b64decode(token.strip(), validate=True).decode("utf-8")
    except (binascii.Error, UnicodeDecodeError, ValueError):
        return None
    username, colon, password = text.partition(":")
    if not colon or not username:
        return None
    return Credentials(username, password)


class Users:
    """Checks Basic credentials against upsd.users; rights as upsd grants them:
    ``actions = SET`` to change variables, ``instcmds`` (or ``ALL``) to run commands."""

    def __init__(self, users: Mapping[str, UserSettings]) -> None:
        self._users = dict(users)

    def authenticate(self, credentials: Credentials | None) -> UserSettings | None:
        if credentials is None:
            return None
        user = self._users.get(credentials.username)
        if user is None or user.password is None:
            return None
        if not hmac.compare_digest(user.password.encode(), credentials.password.encode()):
            return None
        return user

    @staticmethod
    def may_set(user: UserSettings | None) -> bool:
        return user is not None and "SET" in {a.upper() for a in user.actions}

    @staticmethod
    def may_instcmd(user: UserSettings | None, command: str) -> bool:
        return user is not None and user.may_instcmd(command)
