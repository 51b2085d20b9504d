"""Exports of the tables to other formats (OParl 1.1)."""
