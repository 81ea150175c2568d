import pytest


@pytest.fixture(autouse=True)
def _catalogue(request):
    """The requirements catalogue, as after `enlace load-legislation-catalogue` (idempotent)."""
    if not ({"db", "transactional_db", "live_server"} & set(request.fixturenames)
            or request.node.get_closest_marker("django_db")):
        return
    from enlace.legislation.actions import do_load_catalogue

    do_load_catalogue()
