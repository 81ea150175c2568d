"""Enlace: regional platform of the CRM liaison officers' network."""
