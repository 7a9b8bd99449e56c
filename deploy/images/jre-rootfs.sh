#!/usr/bin/env bash
# Writes the root filesystem of Gale's offline images (profile `images` with the `scratch` base) to $1:
# a JRE linked from the build JDK at /opt/java, the glibc libraries it loads (a scratch image has none),
# /etc/passwd and /etc/group naming the non-root user 1000, and a /tmp the JVM can write to.
# With "true" as $2 (a base image that brings its own Java and libc) $1 is left empty.
set -euo pipefail
out="$1"
rm -rf "$out"
if [ "${2:-false}" = true ]; then
    mkdir -p "$out"
    exit 0
fi
jdk="${JAVA_HOME:?JAVA_HOME must point at the JDK to link the image JRE from}"
mkdir -p "$out/etc" "$out/tmp" "$out/opt" "$out/proc"
# The modules Spring Boot, gRPC, Netty, jOOQ, the JDBC driver and ONNX Runtime use; java.se is the full SE API;
# jdk.jfr for Gale's flight-recorder events (gale bench hops, jcmd JFR.start).
"$jdk/bin/jlink" --add-modules java.se,jdk.unsupported,jdk.management,jdk.crypto.ec,jdk.zipfs,jdk.naming.dns,jdk.net,jdk.jfr \
    --strip-debug --no-man-pages --no-header-files --output "$out/opt/java"
# ONNX Runtime's native library (unpacked by the workers at run time) needs the C++ runtime besides glibc, and
# XGBoost's (retrain_recommender) the OpenMP runtime as well.
# ldconfig lives in /sbin, which a plain user's PATH may lack.
extra_libs=$("$(command -v ldconfig || echo /sbin/ldconfig)" -p | awk '/(libstdc\+\+\.so\.6|libgcc_s\.so\.1|libgomp\.so\.1) \(libc6,x86-64\)/ {print $NF}')
{
    # The X11 and sound libraries of java.desktop are never loaded by a headless server: their X11 dependencies stay out.
    find "$out/opt/java" -type f \( -name '*.so' -o -path '*/bin/*' -o -name jspawnhelper \) \
        ! -name libawt_xawt.so ! -name libjawt.so ! -name libjsound.so ! -name libsplashscreen.so -exec ldd {} \; 2>/dev/null
    for lib in $extra_libs; do echo "$lib"; ldd "$lib"; done
} | grep -o '/[^ ]*\.so[^ ]*' | grep -v "^$out" | sort -u | while read -r lib; do
    mkdir -p "$out$(dirname "$lib")"
    cp -L "$lib" "$out$lib"
done
echo 'gale:x:1000:1000:Gale:/tmp:/sbin/nologin' > "$out/etc/passwd"
echo 'gale:x:1000:' > "$out/etc/group"
