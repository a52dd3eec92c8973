"""``caseledger serve``: the web application."""

from __future__ import annotations

import typer

from caseledger.cli.common import console, state, store_errors


def serve_command(
    ctx: typer.Context,
    host: str = typer.Option("localhost", "--host", help="Interface to listen on."),
    port: int = typer.Option(8000, "--port", min=1, max=65535, help="Port to listen on."),
) -> None:
    """Serve the web application on the store. Cookies are sent over HTTPS only (browsers make
    an exception for localhost): put a TLS-terminating proxy in front for any other address."""
    import uvicorn

    from caseledger.web.app import create_app

    url = state(ctx).db_url
    with store_errors(url):
        app = create_app(url)
    console.print(f"caseledger is at http://{host}:{port}/ (Ctrl+C stops it)")
    uvicorn.run(app, host=host, port=port, log_level="warning")
