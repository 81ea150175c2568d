"""Demo: reconcile the demo cases so that `make run` shows cross-border hits."""

from .reconcile import reconcile_all


def load_demo(stdout) -> None:
    stats = reconcile_all()
    stdout.write(f"Coincidencias (demo): {stats['records']} personas comparadas, {stats['pairs']} pares, "
                 f"{stats['new_notices']} avisos nuevos.")
