module example.com/gogate/passing

go 1.22.0

toolchain go1.27.3
