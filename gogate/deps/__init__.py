"""Dependencies: go.mod/go.sum/go.work/modules.txt models and parsers, module zips, vendor trees.

Why a package of its own: these follow Go's module rules (cmd/go, golang.org/x/mod) exactly and
are shared by the ``gosum``, ``modcache``, ``vendor`` and ``sumdb`` checks and their facts.
"""
