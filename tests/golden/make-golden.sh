#!/bin/sh
# Writes tests/golden/reports.sha256: the SHA-256 of the JSON report of each
# command in tests/golden/commands (a glob expands to one command per file).
# Usage (from the repository root): tests/golden/make-golden.sh build/golive
set -eu
bin=$1
out=tests/golden/reports.sha256
tmp=$out.tmp
: >"$tmp"
grep -v '^#' tests/golden/commands | grep -v '^$' | while read -r cmd rest; do
    last=${rest##* }
    opts=${rest% *}
    [ "$opts" = "$rest" ] && opts=
    for f in $last; do
        case $f in scenarios/schema.json) continue ;; esac
        # shellcheck disable=SC2086
        sum=$("$bin" "$cmd" -q --json - $opts "$f" 2>/dev/null | sha256sum | cut -d' ' -f1)
        echo "$sum  $cmd${opts:+ $opts} $f" >>"$tmp"
    done
done
mv "$tmp" "$out"
echo "golden: $(wc -l <"$out") reports digested into $out"
