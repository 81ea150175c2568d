from django.urls import path
from rest_framework.routers import SimpleRouter

from . import api

app_name = "legislation_api"

router = SimpleRouter()
router.register("legislacion/requisitos", api.RequirementViewSet, basename="requirement")
router.register("legislacion/indicadores", api.IndicatorViewSet, basename="indicator")
router.register("legislacion/rondas", api.RoundViewSet, basename="round")
router.register("legislacion/instrumentos", api.InstrumentViewSet, basename="instrument")
router.register("legislacion/disposiciones", api.ProvisionViewSet, basename="provision")
router.register("legislacion/cuestionarios", api.SubmissionViewSet, basename="submission")
router.register("legislacion/respuestas", api.AnswerViewSet, basename="answer")

urlpatterns = [path("legislacion/matriz/", api.matrix_api, name="matrix"), *router.urls]
