"""Domain exceptions: a service raises one with a message for the user; the view shows it."""


class DomainError(Exception):
    """A rule refused the operation; str(error) is a translated message for the user."""


class PasswordRejected(DomainError):
    pass


class PermissionDenied(DomainError):
    pass
