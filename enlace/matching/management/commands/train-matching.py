"""``enlace train-matching``: re-estimate the linkage model from the records the platform holds."""

from django.core.management.base import BaseCommand, CommandError


class Command(BaseCommand):
    help = ("Estima el modelo de coincidencias con los registros de la plataforma (u por muestreo aleatorio, "
            "m por EM, frecuencias de nombres) y las revisiones «es / no es la misma persona»; escribe un "
            "modelo versionado con sus diagnósticos y lo pone en uso. Si algo falla, el modelo anterior sigue "
            "en uso. / Re-estimates the matching model from the platform's records and reviewed pairs.")

    def add_arguments(self, parser):
        parser.add_argument("--csv", default=None,
                            help="estimar con un CSV de registros (columnas de link-records) en lugar de la base")
        parser.add_argument("--output-dir", default=None,
                            help="directorio de modelos (por defecto $ENLACE_MATCHING_MODEL_DIR o var/matching-models)")
        parser.add_argument("--no-install", action="store_true", help="escribir el modelo sin ponerlo en uso")
        parser.add_argument("--install", default=None, metavar="MODEL.json",
                            help="poner en uso un modelo ya estimado (se rechaza si es de otra versión)")
        parser.add_argument("--min-records", type=int, default=None, help="mínimo de registros (por defecto 2000)")

    def handle(self, *args, **options):
        import os
        import tempfile

        from enlace.matching.engine import estimate as est
        from enlace.matching.engine.model import ModelError
        from enlace.matching.engine.registry import install, model_dir
        from enlace.matching.engine.table import InputError

        directory = options["output_dir"] or model_dir()
        if options["install"]:
            try:
                path = install(options["install"], directory)
            except (ModelError, OSError) as exc:
                raise CommandError(f"Modelo rechazado; el modelo anterior sigue en uso. / Model refused; the "
                                   f"previous model stays in use. ({exc})") from exc
            self.stdout.write(f"Modelo en uso / model in use: {path}")
            return
        if options["min_records"] is not None:
            est.MIN_RECORDS = max(int(options["min_records"]), 50)
        os.makedirs(directory, exist_ok=True)
        fd, tmp = tempfile.mkstemp(prefix="estimating-", suffix=".json", dir=directory)
        os.close(fd)
        try:
            if options["csv"]:
                labels = []
                info = est.estimate_from_csv(options["csv"], tmp, meta={"records_from": "csv"})
            else:
                records, labels, not_same = platform_verdicts()
                info = est.estimate_from_records(records, tmp, labels=labels, not_same=not_same,
                                                 meta={"records_from": "platform"})
            charts = os.path.join(directory, f"charts-{info['version']}")
            from enlace.matching.engine.charts import write_charts

            write_charts(tmp, charts)
            if options["no_install"]:
                final = os.path.join(directory, f"model-{info['version']}.json")
                os.replace(tmp, final)
            else:
                final = install(tmp, directory)
        except (est.TrainingError, ModelError, InputError, OSError) as exc:
            raise CommandError(f"No se pudo estimar el modelo; el modelo anterior sigue en uso. / Estimation "
                               f"failed; the previous model stays in use. ({exc})") from exc
        finally:
            if os.path.exists(tmp):
                os.remove(tmp)
        self.stdout.write(
            f"Modelo {info['version']}: {info['training_records']} registros, {info['labels_used']} pares revisados "
            f"«misma persona» y {info.get('labels_not_same', 0)} «no es la misma persona», "
            f"fuente={info['source']} -> {final}; diagnósticos en {charts}/index.html"
            + ("" if options["no_install"] else " (en uso)"))


def platform_records_and_labels():
    """Matchable persons of every country and the pairs reviewers judged the same person."""
    records, same, _not_same = platform_verdicts()
    return records, same


def platform_verdicts():
    """Matchable persons of every country (system read), the pairs reviewers judged the same person
    and the pairs they judged not the same - on hits and on uncertain pairs alike.

    Only the judgements are labels; which pairs were proposed or how they scored is not used. A pair
    judged both ways (each side of a hit decides alone) counts as "not the same": the safe side."""
    from enlace.audit import context as audit_context
    from enlace.cases.matching_source import matchable_persons
    from enlace.matching.models import HitNotice, UncertainPair

    audit_context.set_channel("system")
    records = {r["record_id"]: r for r in matchable_persons()}
    verdicts: dict[str, tuple[bool, str, str]] = {}
    reason = "matching: reviewed pairs as labels for re-estimation"
    judged = [*HitNotice.objects.unrestricted(reason=reason).filter(
        status__in=(HitNotice.Status.SAME, HitNotice.Status.NOT_SAME), subject=HitNotice.Subject.PERSON)
        .values_list("pair_key", "own_record_id", "other_record_id", "status"),
        *UncertainPair.objects.unrestricted(reason=reason).filter(
        status__in=(UncertainPair.Status.SAME, UncertainPair.Status.NOT_SAME))
        .values_list("pair_key", "own_record_id", "other_record_id", "status")]
    for key, a, b, status in judged:
        if a not in records or b not in records:
            continue
        same = status == HitNotice.Status.SAME
        verdicts[key] = (verdicts.get(key, (True,))[0] and same, a, b)
    same = [(records[a], records[b]) for ok, a, b in verdicts.values() if ok]
    not_same = [(records[a], records[b]) for ok, a, b in verdicts.values() if not ok]
    return list(records.values()), same, not_same
