"""Who may do what: users from ``upsd.users`` and the rights their sections grant."""

from __future__ import annotations

from collections.abc import Mapping

from upskit.config.settings import UserSettings


class Accounts:
    """Checks a connection's USERNAME/PASSWORD pair against the configured users.

    As upsd does, the pair is only checked when a protected action is attempted, so
    an unknown user or a wrong password shows up as ``ACCESS-DENIED`` then.  An
    ``upsmon`` role grants ``LOGIN`` (both roles) and ``PRIMARY`` and ``FSD``
    (primary only); those words may also be listed under ``actions``.
    """

    def __init__(self, users: Mapping[str, UserSettings]) -> None:
        self._users = dict(users)

    def authenticate(self, username: str | None, password: str | None) -> UserSettings | None:
        """The user when both name and password match, otherwise ``None``."""
        if username is None or password is None:
            return None
        user = self._users.get(username)
        if user is None or user.password is None:
            return None
        if not _same(user.password.encode(), password.encode()):
            return None
        return user

    @staticmethod
    def _actions(user: UserSettings) -> set[str]:
        actions = {a.upper() for a in user.actions}
        if user.upsmon is not None:
            actions.add("LOGIN")
        if user.upsmon == "primary":
            actions.update(("PRIMARY", "FSD"))
        if "MASTER" in actions:
            actions.add("PRIMARY")
        return actions

    def may(self, username: str | None, password: str | None, action: str) -> bool:
        """Whether the pair authenticates and grants ``action`` (SET, FSD, LOGIN, PRIMARY)."""
        user = self.authenticate(username, password)
        return user is not None and action.upper() in self._actions(user)

    def may_instcmd(self, username: str | None, password: str | None, command: str) -> bool:
        user = self.authenticate(username, password)
        return user is not None and user.may_instcmd(command)


def _same(a: bytes, b: bytes) -> bool:
    """Compare secrets without stopping at the first differing byte."""
    difference = len(a) ^ len(b)
    for x, y in zip(a, b.ljust(len(a), b"\0"), strict=False):
        difference |= x ^ y
    return difference == 0
