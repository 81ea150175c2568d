"""Small helpers for table-driven tests."""


def mismatch_report(expected: dict, observed: dict) -> list[str]:
    """Lines describing every cell where observed differs from expected (empty when equal)."""
    problems = []
    for key in sorted(expected):
        exp, got = expected[key], observed.get(key)
        if got is None:
            problems.append(f"{key}: not observed")
            continue
        for action, allowed in exp.items():
            if got[action] != allowed:
                problems.append(f"{key} {action}: expected {'visible' if allowed else 'hidden'}, "
                                f"got {'visible' if got[action] else 'hidden'}")
    return problems
