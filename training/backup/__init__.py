"""Backing up a running instance and restoring into an empty one: archive.py does it, cli.py is its commands."""
