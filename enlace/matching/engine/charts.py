"""Diagnostics of an estimated model, readable offline (no CDN, no JavaScript).

Writes, next to the model:

* ``m_u.svg`` - m and u probability of every comparison level (Splink's "m/u parameters" chart);
* ``match_weights.svg`` - log2(m/u) of every level (Splink's "match weights" chart);
* ``unlinkables.svg`` - share of records that could not reach a match probability even when compared
  with an exact copy of themselves, against the threshold (Splink's "unlinkables" chart);
* ``index.html`` - the three images and the tables behind them;
* ``*.vl.json`` - the Vega-Lite specifications of Splink's own charts (render with a vendored Vega
  if wanted; nothing here loads it from the network).
"""

from __future__ import annotations

import html
import json
import math
import os

W, ROW, LABEL_W = 760, 16, 330


def _bar_svg(rows: list[tuple[str, list[tuple[float, str]]]], scale: tuple[float, float], title: str,
             fmt=lambda v: f"{v:.3g}") -> str:
    lo, hi = scale
    width = W - LABEL_W - 60
    h = 30 + ROW * len(rows)
    x0 = LABEL_W + (0 - lo) / (hi - lo) * width if lo < 0 else LABEL_W
    out = [f'<svg xmlns="http://www.w3.org/2000/svg" width="{W}" height="{h}" font-family="sans-serif" font-size="11">',
           f'<text x="4" y="14" font-weight="bold">{html.escape(title)}</text>']
    for i, (label, bars) in enumerate(rows):
        y = 24 + i * ROW
        out.append(f'<text x="{LABEL_W - 4}" y="{y + 11}" text-anchor="end">{html.escape(label)}</text>')
        bh = (ROW - 3) / max(len(bars), 1)
        for j, (v, colour) in enumerate(bars):
            v = max(lo, min(hi, v))
            x = LABEL_W + (v - lo) / (hi - lo) * width
            a, b = sorted((x0, x))
            out.append(f'<rect x="{a:.1f}" y="{y + j * bh:.1f}" width="{max(b - a, 0.5):.1f}" height="{bh:.1f}" '
                       f'fill="{colour}"/>')
        out.append(f'<text x="{W - 56}" y="{y + 11}">{html.escape(fmt(bars[0][0]))}</text>')
    out.append(f'<line x1="{x0:.1f}" y1="20" x2="{x0:.1f}" y2="{h}" stroke="#333"/></svg>')
    return "\n".join(out)


def unlinkables(model, features, thresholds=(0.5, 0.8, 0.9, 0.95, 0.99), n_records: int | None = None) -> list[dict]:
    """Share of records whose match probability with an exact copy of themselves stays below each
    threshold (too little information to ever be linked)."""
    n = n_records or len(features)
    probs = []
    for f in features:
        lv = model.levels(f, f)
        probs.append(model.probability(lv, n))
    total = max(len(probs), 1)
    return [{"threshold": t, "share_unlinkable": round(sum(p < t for p in probs) / total, 4)} for t in thresholds]


def write_charts(model_path: str, charts_dir: str, features=None) -> list[str]:
    """Write the diagnostics of the model at ``model_path`` into ``charts_dir``; returns the files."""
    from .model import load_model

    model = load_model(model_path)
    os.makedirs(charts_dir, exist_ok=True)
    rows_mu, rows_w, table = [], [], []
    for comp in model.settings["comparisons"]:
        for lev in comp["comparison_levels"]:
            if lev.get("is_null_level"):
                continue
            m, u = lev["m_probability"], lev["u_probability"]
            label = f'{comp["output_column_name"]}: {lev["label_for_charts"]}'
            w = math.log2(m / u)
            rows_mu.append((label, [(m, "#1f77b4"), (u, "#ff7f0e")]))
            rows_w.append((label, [(w, "#2ca02c" if w >= 0 else "#d62728")]))
            table.append((comp["output_column_name"], lev["label_for_charts"], m, u, w))
    files = {}
    files["m_u.svg"] = _bar_svg(rows_mu, (0.0, 1.0), "m (blue) and u (orange) per level")
    wmax = max(20.0, max(abs(r[1][0][0]) for r in rows_w))
    files["match_weights.svg"] = _bar_svg(rows_w, (-wmax, wmax), "match weight log2(m/u) per level",
                                          fmt=lambda v: f"{v:+.1f}")
    unl = (model.meta.get("diagnostics") or {}).get("unlinkables")
    if features is not None:
        unl = unlinkables(model, features)
    if unl:
        files["unlinkables.svg"] = _bar_svg(
            [(f"threshold {u['threshold']}", [(u["share_unlinkable"], "#9467bd")]) for u in unl], (0.0, 1.0),
            "share of records that cannot be linked even to a copy of themselves")
    for name, text in files.items():
        with open(os.path.join(charts_dir, name), "w", encoding="utf-8") as fh:
            fh.write(text)
    _splink_specs(model, charts_dir, files)
    meta = {k: v for k, v in model.meta.items() if k != "diagnostics"}
    rows = "".join(f"<tr><td>{html.escape(c)}</td><td>{html.escape(lbl)}</td><td>{m:.4g}</td><td>{u:.4g}</td>"
                   f"<td>{w:+.2f}</td></tr>" for c, lbl, m, u, w in table)
    page = (f"<!doctype html><meta charset='utf-8'><title>Linkage model {html.escape(model.version)}</title>"
            f"<h1>Linkage model {html.escape(model.version)}</h1><pre>{html.escape(json.dumps(meta, indent=1))}</pre>"
            + "".join(f"<h2>{html.escape(n)}</h2><img src='{n}' alt='{html.escape(n)}'>" for n in files if n.endswith(".svg"))
            + f"<h2>m / u</h2><table border=1 cellpadding=3><tr><th>comparison</th><th>level</th><th>m</th><th>u</th>"
              f"<th>weight</th></tr>{rows}</table>")
    with open(os.path.join(charts_dir, "index.html"), "w", encoding="utf-8") as fh:
        fh.write(page)
    return sorted(os.listdir(charts_dir))


def _splink_specs(model, charts_dir: str, files: dict) -> None:
    """Splink's own charts as Vega-Lite JSON specifications (data inline, no network)."""
    try:
        import duckdb
        from splink import DuckDBAPI, Linker

        from .table import load_features

        con = duckdb.connect()
        load_features(con, [], "empty")
        linker = Linker("empty", model.splink_settings(1_000_000), db_api=DuckDBAPI(connection=con),
                        set_up_basic_logging=False)
        for name, fn in (("match_weights", linker.visualisations.match_weights_chart),
                         ("m_u_parameters", linker.visualisations.m_u_parameters_chart)):
            chart = fn()
            spec = chart.to_dict() if hasattr(chart, "to_dict") else chart
            with open(os.path.join(charts_dir, f"{name}.vl.json"), "w", encoding="utf-8") as fh:
                json.dump(spec, fh)
        con.close()
    except Exception as exc:  # noqa: BLE001 - the SVG diagnostics above do not depend on it
        with open(os.path.join(charts_dir, "splink_specs_error.txt"), "w", encoding="utf-8") as fh:
            fh.write(str(exc))
