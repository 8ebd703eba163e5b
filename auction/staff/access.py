"""Who counts as staff: the admin and the ops page are theirs alone."""


def is_staff(user) -> bool:
    return user.is_authenticated and user.is_active and user.is_staff
