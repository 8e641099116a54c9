"""uvicorn serving the app (`web.app.serve_app`), made to stop promptly while pages are open.

Before it stops, uvicorn lets every open response finish, and each open page holds one: Gradio's
heartbeat stream, which ends only when Gradio's stop event is set. Gradio's own `launch` sets it;
a page mounted in our app needs the server to, or Ctrl-C and SIGTERM wait for every visitor to
close the tab."""

from __future__ import annotations

import asyncio
import socket
from types import FrameType

import uvicorn
from fastapi import FastAPI
from gradio.routes import App as GradioApp

# What a stop still waits for responses in flight (an answer, an upload's progress) before it cuts them.
GRACE_SECONDS = 10


class AppServer(uvicorn.Server):
    """uvicorn that ends the pages' heartbeat streams when it is told to stop. (An MCP client's open
    stream is not one of them: it is cut after GRACE_SECONDS.)"""

    def __init__(self, app: FastAPI, host: str, port: int) -> None:
        super().__init__(uvicorn.Config(app, host=host, port=port, log_level="warning", timeout_graceful_shutdown=GRACE_SECONDS))
        self._page_streams = [route.app.stop_event for route in app.routes if isinstance(getattr(route, "app", None), GradioApp)]
        self._loop: asyncio.AbstractEventLoop | None = None

    async def serve(self, sockets: list[socket.socket] | None = None) -> None:
        self._loop = asyncio.get_running_loop()
        try:
            await super().serve(sockets)
        finally:
            self._loop = None

    def handle_exit(self, sig: int, frame: FrameType | None) -> None:
        """Ctrl-C or SIGTERM, through uvicorn's signal handler (which raises the signal again once
        the server has stopped, so the process ends as that signal says)."""
        super().handle_exit(sig, frame)
        self._end_page_streams()

    def stop(self) -> None:
        """Stop from any thread, as a signal would, without raising one at the end."""
        self.should_exit = True
        self._end_page_streams()

    def _end_page_streams(self) -> None:
        loop = self._loop
        if loop is not None and not loop.is_closed():
            for event in self._page_streams:
                loop.call_soon_threadsafe(event.set)
