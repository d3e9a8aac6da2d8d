"""SNMP UPS driver."""
