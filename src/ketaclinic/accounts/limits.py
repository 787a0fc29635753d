"""How long the log-in fields may be, at both edges (the log-in form and POST /api/auth/token).

Checked before authentication, so an over-long value never reaches django-axes (which stores the
username tried in a 255-character column) nor the password hasher (Argon2 over a megabyte is
work an anonymous caller should not be able to ask for).
"""

USERNAME_MAX_LENGTH = 150  # accounts.User.username, as Django's AbstractUser
PASSWORD_MAX_LENGTH = 200  # a long passphrase fits; hashing stays cheap
OTP_MAX_LENGTH = 32  # a TOTP code (6 digits) or a recovery code
