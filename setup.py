"""Builds the optional native fast path of the server (Linux); everything else is in pyproject.toml.

Where it cannot be compiled (no C compiler, not Linux) the install goes on without it
and the server answers every connection from Python.
"""

import sys

from setuptools import Extension, setup

native = []
if sys.platform.startswith("linux"):
    native.append(Extension(
        "upskit.server._fastpath",
        sources=["upskit/server/_fastpath.c"],
        extra_compile_args=["-O2", "-std=gnu11", "-Wall", "-Wextra", "-Wno-unused-parameter",
                            "-Wno-missing-field-initializers", "-Wno-cast-function-type"],
        optional=True,
    ))

setup(ext_modules=native)
