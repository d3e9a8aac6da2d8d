"""Replays NUT device dumps (.dev/.seq) or relays another NUT server (dummy-ups)."""
