from tests.e2e.test_deps_gate import deps, DepsRepo, DEP, _alter_gosum_hash, _drop_explicit  # noqa

def test_show(deps: DepsRepo) -> None:
    target = deps.repo / "vendor" / DEP / "inner" / "inner.go"
    target.write_text(target.read_text().replace("41", "666"))
    _alter_gosum_hash(deps)
    _drop_explicit(deps)
    run = deps.gate.run()
    print(run.out, run.err)
