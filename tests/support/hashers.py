"""A password hasher that counts its work, to show when a login computed a hash and when it did not."""
from django.contrib.auth.hashers import MD5PasswordHasher


class CountingHasher(MD5PasswordHasher):
    """MD5 (fast; tests only), counting every hash it computes: checking a password, or hashing one."""

    hashes = 0

    def encode(self, password, salt):
        CountingHasher.hashes += 1
        return super().encode(password, salt)
