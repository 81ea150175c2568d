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
                records, labels = platform_records_and_labels()
                info = est.estimate_from_records(records, tmp, labels=labels,
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
            f"Modelo {info['version']}: {info['training_records']} registros, {info['labels_used']} pares revisados, "
            f"fuente={info['source']} -> {final}; diagnósticos en {charts}/index.html"
            + ("" if options["no_install"] else " (en uso)"))


def platform_records_and_labels():
    """Matchable persons of every country (system read) and the pairs reviewers judged the same person.

    Only the judgements are labels; which pairs were proposed or how they scored is not used."""
    from enlace.audit import context as audit_context
    from enlace.cases.matching_source import matchable_persons
    from enlace.matching.models import HitNotice

    audit_context.set_channel("system")
    records = {r["record_id"]: r for r in matchable_persons()}
    labels, seen = [], set()
    judged = HitNotice.objects.unrestricted(reason="matching: reviewed pairs as labels for re-estimation").filter(
        status=HitNotice.Status.SAME, subject=HitNotice.Subject.PERSON).values_list("pair_key", "own_record_id",
                                                                                   "other_record_id")
    for key, a, b in judged:
        if key in seen or a not in records or b not in records:
            continue
        seen.add(key)
        labels.append((records[a], records[b]))
    return list(records.values()), labels
