import time, pytest
from tests.integration.coreflow.listing import listed
pytestmark = pytest.mark.django_db(transaction=True)
def test_cost(auction_pipeline, client, person, settings):
    settings.AUCTION_READ_YOUR_WRITES_SECONDS = 0
    settings.AUCTION_BIDS_PER_SECOND = 100000
    item = listed(person("seller").user)
    b = person("b")
    h = {"HTTP_AUTHORIZATION": f"Bearer {b.token}"}
    for _ in range(20): client.post(f"/api/items/{item.pk}/bids", {"amount": "12.00"}, content_type="application/json", **h)
    import cProfile, pstats
    pr = cProfile.Profile()
    c0 = time.process_time(); t0 = time.perf_counter()
    pr.enable()
    for _ in range(300): client.post(f"/api/items/{item.pk}/bids", {"amount": "12.00"}, content_type="application/json", **h)
    pr.disable()
    print("cpu ms/req", (time.process_time()-c0)/300*1000, "wall", (time.perf_counter()-t0)/300*1000)
    pstats.Stats(pr).sort_stats("cumulative").print_stats(30)
