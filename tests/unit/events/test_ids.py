import uuid

from hypothesis import given
from hypothesis import strategies as st

from streams.events.ids import DerivedIds

NAMESPACE = uuid.UUID("6f1d7c52-3d0e-4c1b-9a59-1f0e2b7c9a11")


@given(name=st.text(), namespace=st.uuids())
def test_a_derived_id_is_the_name_based_uuid_of_the_standard_library(name, namespace):
    assert DerivedIds(namespace)(name) == str(uuid.uuid5(namespace, name))


def test_the_same_cause_gives_the_same_id_and_another_cause_another():
    ids = DerivedIds(NAMESPACE)
    assert ids("bid-1/decision") == ids("bid-1/decision") != ids("bid-1/extended")
