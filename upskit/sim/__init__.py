"""Simulated devices for every protocol and bridge, usable as ``sim://...`` ports."""
