"""Kept for third-party rules written against promguard 0.1: the programs, images and ports
promguard knows now live in promguard.models.services."""

from .models.services import *  # noqa: F401,F403
from .models.services import __all__  # noqa: F401
