# Sourced by ./gale and .ci/run: selects a JDK 21 or newer, exporting JAVA_HOME and PATH.
# Looks at JAVA_HOME, the java on PATH, then the usual install places; prefers the newest found.

gale_java_major() {
    local release
    # A JDK's release file names its version: reading it is instant, starting that JVM is not.
    release=$(sed -n 's/^JAVA_VERSION="\([0-9]*\).*/\1/p' "$1/release" 2>/dev/null)
    if [ -n "$release" ]; then
        echo "$release"
        return
    fi
    "$1/bin/java" -XshowSettings:properties -version 2>&1 \
        | awk -F'= ' '/java.specification.version/ {print $2; exit}' | cut -d. -f1
}

gale_select_jdk() {
    local candidates=() best="" best_major=0 dir major
    [ -n "${JAVA_HOME:-}" ] && candidates+=("$JAVA_HOME")
    if command -v java >/dev/null 2>&1; then
        candidates+=("$(dirname "$(dirname "$(readlink -f "$(command -v java)")")")")
    fi
    for dir in /usr/lib/jvm/* /opt/java/* /opt/jdk* "$HOME"/.sdkman/candidates/java/* /Library/Java/JavaVirtualMachines/*/Contents/Home; do
        [ -d "$dir" ] && candidates+=("$dir")
    done
    for dir in "${candidates[@]}"; do
        [ -x "$dir/bin/java" ] && [ -x "$dir/bin/javac" ] || continue
        major=$(gale_java_major "$dir")
        [ -n "$major" ] || continue
        if [ "$major" -ge 21 ] && [ "$major" -gt "$best_major" ]; then
            best="$dir"
            best_major="$major"
        fi
    done
    if [ -z "$best" ]; then
        echo "gale: no JDK 21 or newer found. Install one (e.g. Temurin 21) and set JAVA_HOME to it." >&2
        return 1
    fi
    export JAVA_HOME="$best"
    export PATH="$JAVA_HOME/bin:$PATH"
    GALE_JAVA_MAJOR="$best_major"
}
