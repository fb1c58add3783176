module github.com/gracefulgen/gracefulgen/internal/testsupport

go 1.24
