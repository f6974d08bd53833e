"""Developer tools run by hand (`python -m tools.<name>`), not part of the running bot."""
