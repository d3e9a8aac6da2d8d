"""What a NUT driver says on its socket, applied to a :class:`Device` (no I/O)."""

from __future__ import annotations

import logging
from dataclasses import dataclass

from upskit.drivers.nutsock.wire import parse_flags
from upskit.model import Device

log = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class Reply:
    """A line that answers the server rather than changing the device."""

    kind: str  # "PONG", "DUMPDONE", "TRACKING"
    ident: str = ""
    status: int = 0


class Mirror:
    """Applies a NUT driver's lines to ``device``.

    During a dump (:meth:`begin_dump` .. ``DUMPDONE``) it remembers the variables and
    commands named, and at ``DUMPDONE`` removes those the driver no longer has (a
    restarted driver may publish less than before).
    """

    def __init__(self, device: Device) -> None:
        self.device = device
        self._seen_vars: set[str] | None = None
        self._seen_cmds: set[str] = set()
        self.bad_lines = 0

    def begin_dump(self) -> None:
        self._seen_vars = set()
        self._seen_cmds = set()

    @property
    def dumping(self) -> bool:
        return self._seen_vars is not None

    def apply(self, words: list[str]) -> Reply | None:
        """Apply one line's words; a :class:`Reply` for PONG, DUMPDONE and TRACKING.

        A line that is not understood is counted in ``bad_lines`` and ignored.
        """
        if not words:
            return None
        verb, args = words[0].upper(), words[1:]
        try:
            handler = _HANDLERS.get(verb)
            if handler is not None:
                if not handler(self, args):
                    self.bad_lines += 1
                return None
            if verb == "PONG":
                return Reply("PONG")
            if verb == "DUMPDONE":
                self._end_dump()
                return Reply("DUMPDONE")
            if verb == "TRACKING" and len(args) == 2:
                return Reply("TRACKING", args[0], int(args[1]))
        except ValueError:
            pass
        self.bad_lines += 1
        return None

    def _end_dump(self) -> None:
        seen, self._seen_vars = self._seen_vars, None
        if seen is None:
            return
        dev = self.device
        for var in dev.variables():
            if var.name not in seen:
                dev.delete(var.name)
        for cmd in dev.commands():
            if cmd not in self._seen_cmds:
                dev.delete_command(cmd)

    def _note(self, name: str) -> None:
        if self._seen_vars is not None:
            self._seen_vars.add(name)

    # Each handler returns False when the line has the wrong shape.
    def _setinfo(self, args: list[str]) -> bool:
        if len(args) != 2:
            return False
        self._note(args[0])
        self.device.set(args[0], args[1])
        return True

    def _delinfo(self, args: list[str]) -> bool:
        if len(args) != 1:
            return False
        self.device.delete(args[0])
        return True

    def _addenum(self, args: list[str]) -> bool:
        if len(args) != 2:
            return False
        self.device.add_enum(args[0], args[1])
        return True

    def _delenum(self, args: list[str]) -> bool:
        if len(args) != 2:
            return False
        var = self.device.variable(args[0])
        if var is not None and args[1] in var.enums:
            kept = [v for v in var.enums if v != args[1]]
            self.device.clear_enums(args[0])
            for value in kept:
                self.device.add_enum(args[0], value)
        return True

    def _addrange(self, args: list[str]) -> bool:
        if len(args) != 3:
            return False
        self.device.add_range(args[0], int(args[1]), int(args[2]))
        return True

    def _delrange(self, args: list[str]) -> bool:
        if len(args) != 3:
            return False
        gone = (int(args[1]), int(args[2]))
        var = self.device.variable(args[0])
        if var is not None and gone in var.ranges:
            kept = [r for r in var.ranges if r != gone]
            self.device.clear_ranges(args[0])
            for low, high in kept:
                self.device.add_range(args[0], low, high)
        return True

    def _setaux(self, args: list[str]) -> bool:
        if len(args) != 2:
            return False
        self.device.set_aux(args[0], int(args[1]))
        return True

    def _setflags(self, args: list[str]) -> bool:
        if not args:
            return False
        self.device.set_flags(args[0], parse_flags(args[1:]))
        return True

    def _addcmd(self, args: list[str]) -> bool:
        if len(args) != 1:
            return False
        self._seen_cmds.add(args[0])
        self.device.add_command(args[0])
        return True

    def _delcmd(self, args: list[str]) -> bool:
        if len(args) != 1:
            return False
        self.device.delete_command(args[0])
        return True

    def _dataok(self, args: list[str]) -> bool:
        self.device.data_ok()
        return not args

    def _datastale(self, args: list[str]) -> bool:
        self.device.data_stale()
        return not args


_HANDLERS = {
    "SETINFO": Mirror._setinfo, "DELINFO": Mirror._delinfo,
    "ADDENUM": Mirror._addenum, "DELENUM": Mirror._delenum,
    "ADDRANGE": Mirror._addrange, "DELRANGE": Mirror._delrange,
    "SETAUX": Mirror._setaux, "SETFLAGS": Mirror._setflags,
    "ADDCMD": Mirror._addcmd, "DELCMD": Mirror._delcmd,
    "DATAOK": Mirror._dataok, "DATASTALE": Mirror._datastale,
}
