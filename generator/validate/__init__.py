"""Layer 4: validation jobs: the repository (`repository`), built overlays, Argo CD
objects, the rendered-object preflight that generate and validate share, and `lint`."""
