"""Building folders with Kustomize: what a build reads, batched builds split back per folder,
and the cache of builds and findings on disk."""
