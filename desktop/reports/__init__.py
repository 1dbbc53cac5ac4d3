"""Report data and PDF rendering (no Qt)."""
