"""redline's HTTP server: yente-compatible screening routes, redline's workflow API,
API keys with roles, and problem responses for every error. Start it with
``redline serve``; build it in code with :func:`create_app`."""

from redline.server.app import create_app

__all__ = ["create_app"]
