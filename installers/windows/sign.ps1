# Authenticode-sign files with signtool (Windows SDK), timestamped, SHA-256.
# Usage: installers\windows\sign.ps1 FILE [FILE ...]
# Needs WINDOWS_CERTIFICATE (the code-signing certificate as a base64 .pfx) and
# WINDOWS_CERTIFICATE_PASSWORD; WINDOWS_TIMESTAMP_URL overrides the timestamp server.
# A signed, timestamped .exe passes AppLocker publisher rules and builds SmartScreen reputation;
# the signature stays valid after the certificate expires because of the timestamp.
param([Parameter(Mandatory = $true, ValueFromRemainingArguments = $true)][string[]]$Files)
$ErrorActionPreference = "Stop"
if (-not $env:WINDOWS_CERTIFICATE) { throw "WINDOWS_CERTIFICATE is not set" }
$signtool = Get-ChildItem "${env:ProgramFiles(x86)}\Windows Kits\10\bin\*\x64\signtool.exe" |
    Sort-Object FullName -Descending | Select-Object -First 1
if (-not $signtool) { throw "signtool.exe not found (install the Windows 10/11 SDK)" }
$timestamp = if ($env:WINDOWS_TIMESTAMP_URL) { $env:WINDOWS_TIMESTAMP_URL } else { "http://timestamp.digicert.com" }
$pfx = Join-Path $env:RUNNER_TEMP "feltbog-signing.pfx"
[IO.File]::WriteAllBytes($pfx, [Convert]::FromBase64String($env:WINDOWS_CERTIFICATE))
try {
    foreach ($file in $Files) {
        & $signtool.FullName sign /f $pfx /p $env:WINDOWS_CERTIFICATE_PASSWORD /fd sha256 /tr $timestamp /td sha256 `
            /d "Feltbog" $file
        if ($LASTEXITCODE -ne 0) { throw "signtool sign failed for $file" }
        & $signtool.FullName verify /pa /v $file
        if ($LASTEXITCODE -ne 0) { throw "the signature of $file does not verify" }
    }
} finally {
    Remove-Item $pfx -Force -ErrorAction SilentlyContinue
}
