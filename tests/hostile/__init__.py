"""Hostile and broken input: a corpus built in code, run through every loader and upload path."""
