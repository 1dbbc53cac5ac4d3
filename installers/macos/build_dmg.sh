#!/usr/bin/env bash
# Build dist/Feltbog.app into a DMG; sign and notarise only when the secrets are present.
# Usage: bash installers/macos/build_dmg.sh VERSION
# Signing:     MACOS_SIGN_IDENTITY="Developer ID Application: ..." (keychain already holds the cert)
# Notarising:  APPLE_ID, APPLE_TEAM_ID, APPLE_APP_PASSWORD (an app-specific password)
set -euo pipefail
cd "$(dirname "$0")/../.."
version=${1:?version}
arch=$(uname -m)
app="dist/Feltbog.app"
dmg="dist/installer/Feltbog-${version}-macos-${arch}.dmg"
mkdir -p dist/installer

if [ -n "${MACOS_SIGN_IDENTITY:-}" ]; then
  echo "Signing with ${MACOS_SIGN_IDENTITY}"
  # Inside out, as Apple asks (--deep is deprecated and misses code in Resources): every library
  # and executable in the bundle, then the bundle with the hardened runtime and its entitlements.
  find "$app/Contents" -type f \( -name "*.dylib" -o -name "*.so" -o -perm -u+x \) -print0 |
    while IFS= read -r -d '' file; do
      if file "$file" | grep -q "Mach-O"; then
        codesign --force --options runtime --timestamp --sign "${MACOS_SIGN_IDENTITY}" "$file"
      fi
    done
  find "$app/Contents" -type d -name "*.framework" -prune -print0 |
    while IFS= read -r -d '' framework; do
      codesign --force --options runtime --timestamp --sign "${MACOS_SIGN_IDENTITY}" "$framework"
    done
  codesign --force --options runtime --timestamp \
    --entitlements installers/macos/entitlements.plist \
    --sign "${MACOS_SIGN_IDENTITY}" "$app"
  codesign --verify --deep --strict --verbose=2 "$app"
else
  echo "MACOS_SIGN_IDENTITY not set: building an unsigned DMG"
fi

staging=$(mktemp -d)
cp -R "$app" "$staging/"
ln -s /Applications "$staging/Applications"
rm -f "$dmg"
hdiutil create -volname "Feltbog ${version}" -srcfolder "$staging" -ov -format UDZO "$dmg"
rm -rf "$staging"

if [ -n "${MACOS_SIGN_IDENTITY:-}" ]; then
  codesign --force --timestamp --sign "${MACOS_SIGN_IDENTITY}" "$dmg"
fi
if [ -n "${APPLE_ID:-}" ] && [ -n "${APPLE_TEAM_ID:-}" ] && [ -n "${APPLE_APP_PASSWORD:-}" ]; then
  echo "Notarising"
  result=$(xcrun notarytool submit "$dmg" --apple-id "$APPLE_ID" --team-id "$APPLE_TEAM_ID" \
    --password "$APPLE_APP_PASSWORD" --wait --output-format json)
  echo "$result"
  # notarytool exits 0 also when Apple refuses the app: read the verdict, and show Apple's log if refused.
  status=$(printf '%s' "$result" | python3 -c 'import json,sys; print(json.load(sys.stdin).get("status", ""))')
  if [ "$status" != "Accepted" ]; then
    id=$(printf '%s' "$result" | python3 -c 'import json,sys; print(json.load(sys.stdin).get("id", ""))')
    xcrun notarytool log "$id" --apple-id "$APPLE_ID" --team-id "$APPLE_TEAM_ID" --password "$APPLE_APP_PASSWORD" || true
    echo "notarisation: $status" >&2
    exit 1
  fi
  xcrun stapler staple "$dmg"
  xcrun stapler validate "$dmg"
else
  echo "Apple notarisation credentials not set: skipping notarisation"
fi
echo "built $dmg"
