module example.com/gogate/stale-lock

go 1.22.0

toolchain go1.27.3
