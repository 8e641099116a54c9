"""The Gradio app: `python ui.py` or `article-chat serve` (what `make run` starts)."""

from __future__ import annotations

from web.app import build, launch_options, main

__all__ = ["build", "launch_options", "main"]

if __name__ == "__main__":
    main()
