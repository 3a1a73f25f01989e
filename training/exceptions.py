"""Domain exceptions: a service raises one with a message for the user; the view shows it.

InvalidValue is a rule's refusal of one value as typed or read from a sheet (an ID number, a
phone, a wage); the form or the import shows it beside that field or cell.
"""


class DomainError(Exception):
    """A rule refused the operation; str(error) is a translated message for the user."""


class PasswordRejected(DomainError):
    pass


class PermissionDenied(DomainError):
    pass


class InvalidValue(ValueError):
    """A value that cannot be accepted; str() is the user's explanation."""

    def __init__(self, message):
        super().__init__(message)
        self.message = message

    def __str__(self) -> str:
        return str(self.message)
