"""Everything that reads meaning runs with the network off: the sentence model, name recognition,
code search and the assistant load from installed packages, never from a hub."""

from __future__ import annotations

import subprocess
import sys
import textwrap

import pytest

PROGRAM = textwrap.dedent(
    """
    import socket

    def refuse(*args, **kwargs):
        raise OSError("the network is off for this test")

    socket.socket.connect = refuse
    socket.socket.connect_ex = refuse
    socket.create_connection = refuse
    socket.getaddrinfo = refuse

    import datetime as dt

    from caseledger.codes.ask import ask
    from caseledger.codes.search import search
    from caseledger.notes.embeddings import default_embedder
    from caseledger.policy import load_policy
    from caseledger.redaction import redact

    embedder = default_embedder()
    assert embedder.embed(["Drove the client to probation."]).shape == (1, 384)
    assert "[NAME]" in redact("Met Dana Whitfield at the clinic.").text
    policy = load_policy()
    hits = search(policy, "social skills group", dt.date(2025, 3, 1), embedder=embedder, limit=3)
    assert hits
    assert ask(policy, "how many people may one professional lead in a psychosocial "
               "rehabilitation group?", embedder=embedder).found
    print("offline ok")
    """
)


@pytest.mark.slow
def test_models_and_tools_work_with_the_network_off() -> None:
    done = subprocess.run(
        [sys.executable, "-c", PROGRAM], capture_output=True, text=True, timeout=600
    )
    assert done.returncode == 0, done.stderr[-2000:]
    assert "offline ok" in done.stdout
