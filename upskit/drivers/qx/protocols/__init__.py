"""Q* protocol dialects, one module each, in NUT's probe order."""
