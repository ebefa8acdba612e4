"""Reusable page parts; each a function with a key."""
