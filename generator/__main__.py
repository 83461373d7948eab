from __future__ import annotations

from generator.cli.main import main

main()
