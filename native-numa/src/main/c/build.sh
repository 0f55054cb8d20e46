#!/bin/sh
# Builds the JNI library into the module's classes, so that it ships inside the jar.
#   build.sh JAVA_HOME OUTPUT_DIR
# Without gcc or JNI headers the build goes on without it: the engine then runs with unbound memory and says why.
java_home="$1"
out="$2"
src="$(dirname "$0")/karyon_numa.c"
if ! command -v gcc >/dev/null 2>&1; then
    echo "karyon native-numa: gcc not found, building without the memory-binding library" >&2
    exit 0
fi
if [ ! -f "$java_home/include/jni.h" ]; then
    echo "karyon native-numa: no JNI headers under $java_home/include, building without the memory-binding library" >&2
    exit 0
fi
mkdir -p "$out"
if ! gcc -O2 -fPIC -shared -Wall -Wextra -Werror -I"$java_home/include" -I"$java_home/include/linux" \
    -o "$out/libkaryonnuma.so" "$src"; then
    echo "karyon native-numa: gcc failed, building without the memory-binding library" >&2
    rm -f "$out/libkaryonnuma.so"
fi
exit 0
