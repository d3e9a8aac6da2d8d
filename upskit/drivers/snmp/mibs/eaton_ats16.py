"""``eaton_ats16``: NUT 2.8.0's name of the legacy-NMC Eaton ATS16 table, the same rows
as ``eaton_ats16_nmc`` (detection finds ``eaton_ats16_nmc`` first)."""

from __future__ import annotations

from upskit.drivers.snmp.mibs.eaton_ats16_nmc import nmc

MIB = nmc("eaton_ats16")
