"""Test helpers: rounds and questionnaires driven through the app's actions or its pages."""

import datetime

from django.utils import timezone

from enlace.legislation import actions
from enlace.legislation.models import Indicator, Submission
from enlace.testing import factories as f


def st_user():
    return f.user("CRM", "st")


def open_round(st, codes, *, days=10, title=None):
    deadline = timezone.localdate() + datetime.timedelta(days=days)
    return actions.do_open_round(st, title=title or f"Ronda {'-'.join(codes)} {deadline}", deadline=deadline,
                                 countries=[f.country(c) for c in codes])


def answers(tim=(4, 8), tdp=(8, 15), status="yes", citation="Código Penal, art. 318", options=("peligro_vida",)):
    data = {}
    for ind in Indicator.objects.all():
        row = {"citation": citation, "comment": ""}
        if ind.kind == Indicator.Kind.YEARS:
            row["years"] = {"TIM-pena-min": tim[0], "TIM-pena-max": tim[1], "TDP-pena-min": tdp[0],
                            "TDP-pena-max": tdp[1]}[ind.code]
        elif ind.kind == Indicator.Kind.MULTI:
            row["options"] = list(options)
        else:
            row["status"] = status
        data[ind.code] = row
    return data


def post_data(data, then="save", public_consent=False):
    """The questionnaire form as a browser would post it."""
    out = {"then": then}
    for code, row in data.items():
        for key in ("status", "years", "citation", "comment"):
            if row.get(key) is not None:
                out[f"{key}-{code}"] = str(row[key])
        if row.get("options"):
            out[f"options-{code}"] = list(row["options"])
    if public_consent:
        out["public_consent"] = "on"
    return out


def submit(fp, rnd, public_consent=False, **kw) -> Submission:
    sub = actions.do_start_submission(fp, rnd)
    actions.do_save_answers(fp, sub, answers(**kw), public_consent=public_consent)
    return actions.do_submit_submission(fp, sub)


def validated(fp, rnd, validator, **kw) -> Submission:
    sub = submit(fp, rnd, **kw)
    return actions.do_validate_submission(validator, sub)
