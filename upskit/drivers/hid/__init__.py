"""HID Power Device Class driver."""
