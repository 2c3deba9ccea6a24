module example.com/gogate/pin-drift

go 1.22.0

toolchain go1.27.3
