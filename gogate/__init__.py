"""gogate: a CI gate that checks a Go build uses exactly the toolchain and dependencies the repository pinned.

There is no stable Python API: the command line, the report formats and the exit codes are the interface.
"""

__version__ = "0.1.0"
