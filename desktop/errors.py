"""The app's small exception hierarchy (shared by core and UI, no Qt)."""

from __future__ import annotations

from desktop.domain.errors import DomainError, ValidationError


class AppError(Exception):
    """Root of errors the app raises on purpose."""


class UserFacingError(AppError):
    """An error whose message is written for the user (Danish, with English)."""

    message_da: str
    message_en: str

    def __init__(self, message_da: str, message_en: str = "") -> None:
        super().__init__(message_da)
        self.message_da = message_da
        self.message_en = message_en or message_da

    def message(self, language: str = "da") -> str:
        """The message in the user's language."""
        return self.message_en if language == "en" else self.message_da


class Cancelled(AppError):
    """The user cancelled long work. Never shown as an error."""


__all__ = ["AppError", "Cancelled", "DomainError", "UserFacingError", "ValidationError"]
