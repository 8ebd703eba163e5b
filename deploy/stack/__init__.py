"""The local servers (Kafka, PostgreSQL, Redis) of a named profile, started without Docker or root.

Runs before Django is set up, so it imports nothing from `auction` or `streams`.
"""

from .errors import StackError
from .profiles import PROFILE_NAMES, Profile, named_profile
from .stack import SERVER_NAMES, URL_VARIABLES, Stack

__all__ = ["PROFILE_NAMES", "SERVER_NAMES", "URL_VARIABLES", "Profile", "Stack", "StackError", "named_profile"]
