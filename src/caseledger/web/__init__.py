"""The web application: server-rendered pages on the secure core and the audit engine."""
