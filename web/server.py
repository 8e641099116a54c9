"""uvicorn serving the app (`web.app.serve_app`), made to stop promptly while pages are open.

Before it stops, uvicorn lets every open response finish, and each open page holds one: Gradio's
heartbeat stream, which ends only when Gradio's stop event is set. Gradio's own `launch` sets it;
a page mounted in our app needs the server to, or Ctrl-C and SIGTERM wait for every visitor to
close the tab."""

from __future__ import annotations

import asyncio
import signal
from types import FrameType

import uvicorn
from fastapi import FastAPI
from gradio.routes import App as GradioApp

# What a stop still waits for responses in flight (an answer, an upload's progress) before it cuts them.
GRACE_SECONDS = 10


class AppServer(uvicorn.Server):
    def __init__(self, app: FastAPI, host: str, port: int) -> None:
        super().__init__(uvicorn.Config(app, host=host, port=port, log_level="warning", timeout_graceful_shutdown=GRACE_SECONDS))
        self._page_streams = [route.app.stop_event for route in app.routes if isinstance(getattr(route, "app", None), GradioApp)]
        self._loop: asyncio.AbstractEventLoop | None = None

    async def serve(self, sockets=None) -> None:
        self._loop = asyncio.get_running_loop()
        await super().serve(sockets)

    def handle_exit(self, sig: int, frame: FrameType | None) -> None:
        """Ctrl-C or SIGTERM (uvicorn's signal handler), or `stop`: the pages' streams end too."""
        super().handle_exit(sig, frame)
        if self._loop is not None:
            for event in self._page_streams:
                self._loop.call_soon_threadsafe(event.set)

    def stop(self) -> None:
        """Stop as SIGTERM would, from any thread."""
        self.handle_exit(signal.SIGTERM, None)
