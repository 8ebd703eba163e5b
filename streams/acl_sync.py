"""Make a broker's ACLs of the platform's principals exactly the generated set (`streams.acls`).

Run as a super user. For each principal of the set, ACLs the set lacks are created and ACLs the
broker has beyond it are deleted (whatever their host or permission), so a second run changes
nothing and a narrowed declaration narrows the broker. Principals outside the set are left alone.
Returns once the broker serves the new ACLs: its authorizer and its answers to DescribeAcls read
the same metadata, so a client started next is judged by them.
"""
from __future__ import annotations

import time
from collections.abc import Collection
from dataclasses import dataclass

from kafka import KafkaAdminClient
from kafka.admin import (
    ACL,
    ACLFilter,
    ACLOperation,
    ACLPermissionType,
    ACLResourcePatternType,
    ResourcePattern,
    ResourcePatternFilter,
    ResourceType,
)
from kafka.errors import KafkaError, KafkaTimeoutError

from streams.acls import Acl, principals

ANY_HOST = "*"


class AclSyncError(KafkaError):
    """The broker refused to create or delete some ACLs."""


@dataclass(frozen=True)
class AclChanges:
    created: tuple[str, ...]
    deleted: tuple[str, ...]


def to_kafka(acl: Acl) -> ACL:
    return ACL(
        principal=acl.principal,
        host=ANY_HOST,
        operation=ACLOperation[acl.operation],
        permission_type=ACLPermissionType.ALLOW,
        resource_pattern=ResourcePattern(
            ResourceType[acl.resource_type], acl.resource_name, ACLResourcePatternType[acl.pattern_type]
        ),
    )


def _shown(acl: ACL) -> str:
    pattern = acl.resource_pattern
    return (f"{acl.principal} {acl.permission_type.name} {acl.operation.name} {pattern.resource_type.name} "
            f"{pattern.resource_name} ({pattern.pattern_type.name}, host {acl.host})")


def current_acls(admin: KafkaAdminClient, principal: str) -> set[ACL]:
    everything = ResourcePatternFilter(ResourceType.ANY, None, ACLResourcePatternType.ANY)
    found, _ = admin.describe_acls(
        ACLFilter(principal, None, ACLOperation.ANY, ACLPermissionType.ANY, everything)
    )
    return set(found)


def acls_apply(admin: KafkaAdminClient, wanted: Collection[Acl], timeout_s: float = 30.0) -> AclChanges:
    target = {to_kafka(acl) for acl in wanted}
    current: set[ACL] = set()
    for name in principals(wanted):
        current |= current_acls(admin, name)
    missing = sorted(target - current, key=_shown)
    stale = sorted(current - target, key=_shown)
    if missing:
        failed = admin.create_acls(missing)["failed"]
        if failed:
            raise AclSyncError(f"the broker refused to create {len(failed)} ACL(s): {failed}")
    if stale:
        for _, _, error in admin.delete_acls(stale):
            if error.errno:  # NoError is 0
                raise AclSyncError(f"the broker refused to delete ACLs: {error.__name__}")
    _wait_until_served(admin, target, principals(wanted), timeout_s)
    return AclChanges(created=tuple(map(_shown, missing)), deleted=tuple(map(_shown, stale)))


def _wait_until_served(admin: KafkaAdminClient, target: set[ACL], names: list[str], timeout_s: float) -> None:
    deadline = time.monotonic() + timeout_s
    while True:
        served: set[ACL] = set()
        for name in names:
            served |= current_acls(admin, name)
        if served == target:
            return
        if time.monotonic() > deadline:
            raise KafkaTimeoutError(f"the broker does not serve the new ACLs after {timeout_s} s")
        time.sleep(0.1)
