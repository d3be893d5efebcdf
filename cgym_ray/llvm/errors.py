"""Compatibility alias: the exceptions live in `cgym_ray.errors`."""

from cgym_ray.errors import *  # noqa: F401,F403
