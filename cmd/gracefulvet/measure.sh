#!/usr/bin/env bash
# measure.sh times gracefulvet against go vet's default suite on a large
# real module, golang.org/x/tools@v0.52.0 from the module cache, and prints
# the ratios. Run it from anywhere: cmd/gracefulvet/measure.sh
#
# The scenario is a developer re-running vet after editing the module, with
# a warm build cache: before each timed run, one file of every package of
# the module gets a new trailing comment, so every package of the module is
# recompiled and re-analysed while the standard library stays cached (go vet
# caches its results per package and per tool). Each vet run is then
# repeated unchanged, which measures the fully cached case.
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
work=$(mktemp -d)
trap 'chmod -R u+w "$work"; rm -rf "$work"' EXIT

cp -r "$(go env GOMODCACHE)/golang.org/x/tools@v0.52.0" "$work/xtools"
chmod -R u+w "$work/xtools"
(cd "$root" && go build -o "$work/gracefulvet" ./cmd/gracefulvet)

cd "$work/xtools"
export GOWORK=off GOFLAGS=-buildvcs=false
go mod download
files=$(go list -f '{{if .GoFiles}}{{.Dir}}/{{index .GoFiles 0}}{{end}}' ./...)

# Warm the build cache and both tools' results for the standard library.
go build ./...
go vet ./... >/dev/null 2>&1 || true
go vet -vettool="$work/gracefulvet" ./... >/dev/null 2>&1 || true

edit() { # edit N: touch every package of the module
	for f in $files; do printf '\n// measure edit %s\n' "$1" >>"$f"; done
}
timed() { # timed LABEL CMD...: print LABEL, wall seconds and CPU seconds of CMD
	/usr/bin/time -f "$1 %e %U %S" -o "$work/time" "${@:2}" >/dev/null 2>&1 || true
	tail -n 1 "$work/time" | awk '{ printf "%-16s wall %7.2fs  cpu %7.2fs\n", $1, $2, $3 + $4 }'
}

{
	edit 1
	timed govet go vet ./...
	timed govet-cached go vet ./...
	edit 2
	timed vettool go vet -vettool="$work/gracefulvet" ./...
	timed vettool-cached go vet -vettool="$work/gracefulvet" ./...
	edit 3
	timed standalone "$work/gracefulvet" ./...
} | tee "$work/results"

awk '
	{ wall[$1] = $3 + 0; cpu[$1] = $5 + 0 }
	END {
		printf "go vet -vettool=gracefulvet / go vet: wall %.2f, cpu %.2f\n", wall["vettool"] / wall["govet"], cpu["vettool"] / cpu["govet"]
		printf "gracefulvet / go vet:                 wall %.2f, cpu %.2f\n", wall["standalone"] / wall["govet"], cpu["standalone"] / cpu["govet"]
		printf "cached, vettool / go vet:             wall %.2f, cpu %.2f\n", wall["vettool-cached"] / wall["govet-cached"], cpu["vettool-cached"] / cpu["govet-cached"]
	}' "$work/results"
