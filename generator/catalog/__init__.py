"""The catalog: its model, how it is read, and the checks on it."""
