"""Simulated SNMP UPS cards: a stateful agent of our own on UDP (v1, v2c) serving
RFC 1628 (``ietf``), APC PowerNet (``apcc``) and Eaton XUPS (``pw``) tables driven by
the physics simulator.  :func:`upskit.sim.snmp.serve.start_agent` starts one inside a
running event loop; ``upskit simulate snmp <mib>`` serves one in the foreground."""
