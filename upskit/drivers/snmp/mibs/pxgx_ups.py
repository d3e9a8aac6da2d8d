"""``pxgx_ups``: NUT 2.8.0's name of the Power Xpert Gateway table, the same rows as
``eaton_pxg_ups`` (detection finds ``eaton_pxg_ups`` first)."""

from __future__ import annotations

from upskit.drivers.snmp.mibs.eaton_pxg_ups import pxg

MIB = pxg("pxgx_ups")
