from django.core.management.base import BaseCommand, CommandError


class Command(BaseCommand):
    help = ("Batch record linkage: INPUT.csv (record_id,source_country,given_names,surname_1,surname_2,sex,dob,"
            "nationality,doc_type,doc_number,phone) -> PAIRS.csv (record_id_l,record_id_r,match_probability), "
            "only pairs from different source countries at or above the threshold.")

    def add_arguments(self, parser):
        parser.add_argument("input")
        parser.add_argument("-o", "--output", required=True)
        parser.add_argument("--threshold", type=float, default=None,
                            help="match probability threshold (default: the engine's documented default)")

    def handle(self, *args, **options):
        from enlace.matching.engine.batch import link_csv

        threshold = options["threshold"]
        if threshold is not None and not 0 < threshold < 1:
            raise CommandError("--threshold debe estar entre 0 y 1 / must be between 0 and 1.")
        try:
            stats = link_csv(options["input"], options["output"], threshold=threshold)
        except (ValueError, OSError) as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write(" ".join(f"{k}={v}" for k, v in stats.items()))
