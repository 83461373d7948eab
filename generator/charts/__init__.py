"""Helm charts for validation: where a chart comes from (the repository's charts/, the Helm
cache, a pull), the values Argo CD renders it with, and its render, cached."""
