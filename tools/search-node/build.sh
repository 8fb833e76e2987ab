#!/usr/bin/env bash
# Fetch the OpenSearch 2.19 jars from Maven Central and compile the launcher into
# build/search-node/ (git-ignored). Needs mvn and a Java 17 JDK. A second run with nothing
# changed only checks the stamp and returns.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
repo="$(cd "$here/../.." && pwd)"
out="${SEARCH_NODE_DIR:-$repo/build/search-node}"
stamp="$out/.stamp"
inputs_hash="$(cat "$here/pom.xml" "$here/Launcher.java" | sha256sum | cut -d' ' -f1)"

if [[ -f "$stamp" && "$(cat "$stamp")" == "$inputs_hash" && -d "$out/lib" && -f "$out/classes/Launcher.class" ]]; then
    echo "search node already built in $out"
    exit 0
fi

for tool in mvn javac; do
    if ! command -v "$tool" >/dev/null; then
        echo "build.sh: '$tool' not found; install Debian's maven and openjdk-17-jdk-headless" >&2
        exit 1
    fi
done

rm -rf "$out/lib" "$out/classes"
mkdir -p "$out/lib" "$out/classes"
echo "fetching OpenSearch jars into $out/lib"
mvn -q -B -f "$here/pom.xml" dependency:copy-dependencies -DoutputDirectory="$out/lib"
echo "compiling the launcher"
javac --release 17 -cp "$out/lib/*" -d "$out/classes" "$here/Launcher.java"
echo "$inputs_hash" > "$stamp"
echo "search node built in $out ($(ls "$out/lib" | wc -l) jars)"
