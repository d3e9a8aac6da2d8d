"""Megatec/Q* family driver: protocol dialects and USB-to-serial bridges."""
