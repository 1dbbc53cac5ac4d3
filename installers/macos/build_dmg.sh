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
  codesign --force --deep --options runtime --timestamp \
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
  xcrun notarytool submit "$dmg" --apple-id "$APPLE_ID" --team-id "$APPLE_TEAM_ID" \
    --password "$APPLE_APP_PASSWORD" --wait
  xcrun stapler staple "$dmg"
else
  echo "Apple notarisation credentials not set: skipping notarisation"
fi
echo "built $dmg"
