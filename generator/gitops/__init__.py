"""Layers 2 and 5: git (the one gitpython adapter), what a change touches, `diff`, and
promotion: its plan, its history and the in-place catalog edit."""
