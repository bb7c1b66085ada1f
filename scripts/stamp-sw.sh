#!/bin/sh
# Trunk's post-build hook: writes the build's id into the service worker, so each build has its
# own cache of the app's files. The id is a hash of every file the service worker keeps.
set -eu
cd "$TRUNK_STAGING_DIR"
build=$(cat ./*.wasm ./*.js ./*.css ./*.html ./*.webmanifest icons/* | sha256sum | cut -c1-16)
sed -i "s/@BUILD@/$build/" sw.js
