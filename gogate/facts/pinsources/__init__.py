"""Extractors for version statements in container and CI files; each exposes ``extract(root, relative)``."""
