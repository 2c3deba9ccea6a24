"""Allow ``python -m gogate``."""

from gogate.cli import entry_point

if __name__ == "__main__":  # pragma: no cover
    entry_point()
