module github.com/gracefulgen/gracefulgen/runtime

go 1.21
