"""Layer 7: the click command line, one module per command; `main` is the entry point."""
