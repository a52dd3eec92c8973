"""``caseledger serve``: the web application."""

from __future__ import annotations

import os

import typer

from caseledger.cli.common import console, state, store_errors


def serve_command(
    ctx: typer.Context,
    host: str = typer.Option("localhost", "--host", help="Interface to listen on."),
    port: int = typer.Option(8000, "--port", min=1, max=65535, help="Port to listen on."),
    workers: int = typer.Option(
        1,
        "--workers",
        min=0,
        help="Worker processes, each with its own prepared rule checks (0: one per CPU core). "
        "On a SQLite store one is best: the processes would take turns at its write lock.",
    ),
    checkers: int = typer.Option(
        1,
        "--checkers",
        min=1,
        help="Single-encounter checks a worker runs at once (the live check as users type); "
        "each keeps its own prepared rules. More than one helps only where the rules' queries, "
        "not Python, are the larger part of a check.",
    ),
) -> None:
    """Serve the web application on the store. Cookies are sent over HTTPS only (browsers make
    an exception for localhost): put a TLS-terminating proxy in front for any other address."""
    import uvicorn

    from caseledger.config import ENV_DB
    from caseledger.web.app import create_app
    from caseledger.web.site import ENV_CHECKERS

    url = state(ctx).db_url
    os.environ[ENV_CHECKERS] = str(checkers)
    with store_errors(url):
        app = create_app(url)  # opens the store once here, so a bad --db fails before serving
    count = workers or os.cpu_count() or 1
    console.print(f"caseledger is at http://{host}:{port}/ ({count} worker(s); Ctrl+C stops it)")
    if count == 1:
        uvicorn.run(app, host=host, port=port, log_level="warning")
        return
    # Each worker process builds its own app from the store's address.
    os.environ[ENV_DB] = url
    uvicorn.run(
        "caseledger.web.app:from_environment",
        factory=True,
        host=host,
        port=port,
        workers=count,
        log_level="warning",
    )
