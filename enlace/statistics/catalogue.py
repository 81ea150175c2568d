"""Reference loader: the shipped indicator catalogue (``data/catalogue.json``)."""


def ensure_catalogue():
    from .actions import do_load_catalogue

    return do_load_catalogue()
