"""What the servers kept in one data folder share: the folder, under the profile's, and it as their marker."""

from __future__ import annotations

from .profiles import Profile


class DataDirServer:
    """A server whose data folder is on its command line, which tells this profile's server from another's."""

    name: str

    def __init__(self, profile: Profile) -> None:
        self.profile = profile
        self.data_dir = profile.data_dir(self.name)

    def marker(self) -> str:
        return str(self.data_dir)
