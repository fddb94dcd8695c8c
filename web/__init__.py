"""The HTML front end (Jinja2, server-rendered)."""
