"""Compose ``ups.status`` and ``ups.alarm`` from tokens and alarm texts, the NUT way."""

from __future__ import annotations

from collections.abc import Iterable

#: Status tokens NUT defines; drivers may publish others, which consumers see as "OTHER".
STANDARD_TOKENS: tuple[str, ...] = (
    "OL", "OB", "LB", "HB", "RB", "CHRG", "DISCHRG", "BYPASS", "CAL", "OFF",
    "OVER", "TRIM", "BOOST", "FSD", "ALARM", "ECO", "WAIT",
)  # fmt: skip


def compose_status(tokens: Iterable[str], alarms: Iterable[str] = ()) -> tuple[str, str | None]:
    """Return ``(ups.status, ups.alarm)``.

    Tokens may hold several space-separated words; duplicates are dropped keeping the
    first position.  ``ALARM`` is put first whenever there are alarm texts (an explicit
    ``ALARM`` token is merged, not repeated).  Alarm texts are joined with spaces and
    keep duplicates; ``None`` means ``ups.alarm`` is to be removed.
    """
    alarm_list = [a for a in alarms if a]
    words: list[str] = []
    seen: set[str] = set()
    for token in tokens:
        for word in token.split():
            if word not in seen:
                seen.add(word)
                words.append(word)
    if alarm_list or "ALARM" in seen:
        words = ["ALARM", *(w for w in words if w != "ALARM")]
    return " ".join(words), (" ".join(alarm_list) if alarm_list else None)
