"""Puente: a platform for local governments working on migration and development."""
