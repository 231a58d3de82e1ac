import pytest


@pytest.fixture
def items(db):
    """The seeded items (a transactional test's flush removes the migration's rows)."""
    from fangkong.supplies.catalogue import items_ensure
    from fangkong.supplies.models import Item

    items_ensure()
    return {i.code: i for i in Item.objects.all()}
