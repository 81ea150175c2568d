"""Property tests (hypothesis): no cell below 11 and no difference "total − published parts" below 11
reaches another country; give-to-get holds over random data."""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from enlace.statistics.suppression import TOTAL, suppress_table
from enlace.testing import factories as f

from .helpers import locked, period


@st.composite
def tables(draw):
    cells = {}
    total = draw(st.integers(0, 200))
    cells[TOTAL] = total
    for dim in draw(st.lists(st.sampled_from(["sex", "age", "nat"]), unique=True, max_size=3)):
        n = draw(st.integers(1, 6))
        cuts = sorted(draw(st.lists(st.integers(0, total), min_size=n - 1, max_size=n - 1)))
        parts = [b - a for a, b in zip([0, *cuts], [*cuts, total])]
        for i, v in enumerate(parts):
            cells[(dim, str(i))] = v
    return cells


@given(tables())
@settings(max_examples=400, deadline=None)
def test_published_cells_and_differences_are_never_small(cells):
    keep = suppress_table(cells)
    assert all(cells[k] >= 11 for k in keep)
    if TOTAL in keep:
        for dim in {d for d, _c in cells if d}:
            parts = {k: v for k, v in cells.items() if k[0] == dim}
            residual = cells[TOTAL] - sum(v for k, v in parts.items() if k in keep)
            assert residual == 0 or residual >= 11
            for k in parts:
                if k in keep:
                    assert cells[TOTAL] - cells[k] == 0 or cells[TOTAL] - cells[k] >= 11 or \
                        all(p in keep for p in parts)
    else:
        assert not keep


@pytest.mark.django_db
@given(st.lists(st.integers(0, 60), min_size=3, max_size=3), st.booleans())
@settings(max_examples=8, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture,
                                                                HealthCheck.too_slow])
def test_give_to_get_and_suppression_through_the_api(sex, gives):
    from enlace.statistics.models import Submission

    p = period()
    Submission.objects.unrestricted(reason="test reset").filter(period=p).delete()
    vals = {("TIM-MIG", "", ""): sum(sex), ("TIM-MIG", "sex", "F"): sex[0], ("TIM-MIG", "sex", "M"): sex[1],
            ("TIM-MIG", "sex", "X"): sex[2]}
    locked("HND", p, vals)
    viewer = f.user("GTM", "analyst")
    if gives:
        locked("GTM", p, {("TIM-MIG", "", ""): 0}, analyst=viewer)
    data = f.token_client(viewer).get(f"/api/v1/estadisticas/regional/?period={p.code}").json()
    hnd_total = data["totals"].get("TIM-MIG", {}).get("HND")
    if not gives:
        assert "HND" not in data["countries"]
    else:
        assert hnd_total is None or hnd_total >= 11
        shown = data["breakdown"].get("TIM-MIG", {}).get("sex", {})
        assert all(v >= 11 for v in shown.values())
        if hnd_total is not None:
            residual = hnd_total - sum(shown.values())
            assert residual == 0 or residual >= 11
