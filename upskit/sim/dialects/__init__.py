"""Simulator responders, one module per Q* dialect (named like the dialect modules).

Each module defines ``make_responder(physics, options) -> CommandResponder``.
"""
