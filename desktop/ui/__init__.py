"""Everything that imports PySide6: windows, screens, table models, dialogs, background tasks."""
