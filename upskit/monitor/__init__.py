"""Shutdown policy (upsmon and upssched behaviour) and notifications."""
