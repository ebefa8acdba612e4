"""Metrics: SQL aggregates -> small frames -> statistics -> frozen result objects.

One module per page's question; siblings never import each other (what they share is in
``common``)."""
