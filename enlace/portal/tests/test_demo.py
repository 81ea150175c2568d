"""The demo loaders of issue 12 fill every part (portal, practices, protection map, case law, training)
through the actions, publish only anonymised versions, and are idempotent."""

import io

import pytest
from django.test import Client

from enlace.core.demo import load_core_demo
from enlace.directory.demo import load_directory_demo
from enlace.portal.demo import load_demo as portal_demo
from enlace.practices.demo import load_demo as practices_demo
from enlace.training.demo import load_demo as training_demo


@pytest.mark.django_db
def test_demo_data_for_each_part():
    load_core_demo()
    load_directory_demo(io.StringIO())
    for _ in range(2):  # the second run adds nothing
        for loader in (portal_demo, practices_demo, training_demo):
            loader(io.StringIO())
    anon = Client()
    home = anon.get("/publico/es/").content.decode()
    assert "Declaración de la Reunión Viceministerial" in home
    assert home.count("Declaración de la Reunión Viceministerial") == 1
    assert "Mesa interinstitucional de atención tras un rescate" in anon.get("/publico/es/buenas-practicas/").content.decode()
    assert "ruta del Pacífico" in anon.get("/publico/es/jurisprudencia/").content.decode()
    assert "Taller regional de investigación financiera" in anon.get("/publico/es/eventos/").content.decode()
    assert "Regional workshop on financial investigation" in anon.get("/publico/en/eventos/").content.decode()
    everything = "".join(anon.get(u).content.decode() for u in ("/publico/es/buenas-practicas/", "/publico/es/buscar/?q=Ana"))
    assert "ana.perez@example.invalid" not in everything and "Ana Pérez" not in everything
