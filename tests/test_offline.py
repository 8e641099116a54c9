"""The default path (prepare model, index, ask) makes no connection outside loopback."""

from __future__ import annotations

import socket

import pytest


def test_guard_blocks_outside_addresses(no_network):
    s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    s.settimeout(0.2)
    with pytest.raises(OSError, match="blocked"):
        s.connect(("192.0.2.1", 80))
    s.close()
    no_network.clear()  # the guard's own check above is not a leak


def test_index_and_ask_offline(settings, no_network, tmp_path):
    from assistant.pool import open_assistant

    art = tmp_path / "note.txt"
    art.write_text("Offline note\n\nThe library opens at nine on Saturdays.\n", encoding="utf-8")
    a = open_assistant(settings, article=str(art))
    r = a.ask("When does the library open on Saturdays?")
    assert not r.refused and "nine" in r.citations[0].quote
    assert no_network == []
