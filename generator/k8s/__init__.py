"""Layer 1 and 2: Kubernetes facts as plain functions: quantities, image references, pod
specs and workloads, resources after admission, kinds, and the API and CRD schemas."""
