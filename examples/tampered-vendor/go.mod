module example.com/gogate/tampered-vendor

go 1.22.0

toolchain go1.27.3

require example.com/greeting v1.0.0
